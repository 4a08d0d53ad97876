// Validates rendered overlays (JSON arrays from ./render) offline:
//  1. every object against the Kubernetes OpenAPI schemas shipped by the
//     kubernetes-models package;
//  2. the deployment invariants of docs/DEPLOY.md for every Deployment.
// Usage: node validate.mjs OVERLAY_NAME RENDERED.json [...]
import { readFileSync } from "node:fs";

const failures = [];
const fail = (overlay, obj, msg) =>
  failures.push(`${overlay}: ${obj.kind}/${obj.metadata?.name}: ${msg}`);

async function schemaCheck(overlay, obj) {
  let Model;
  try {
    ({ [obj.kind]: Model } = await import(`kubernetes-models/${obj.apiVersion}/${obj.kind}`));
  } catch {
    fail(overlay, obj, `unknown apiVersion/kind ${obj.apiVersion} ${obj.kind}`);
    return;
  }
  try {
    new Model(obj).validate();
  } catch (e) {
    fail(overlay, obj, `schema: ${e.message.split("\n").slice(0, 4).join(" ")}`);
  }
}

function deploymentInvariants(overlay, d, all) {
  const name = d.metadata.name;
  const pod = d.spec.template.spec;
  if (pod.securityContext?.runAsNonRoot !== true) fail(overlay, d, "pod must set runAsNonRoot: true");
  if (!(pod.terminationGracePeriodSeconds >= 25)) fail(overlay, d, "terminationGracePeriodSeconds must cover preStop (5 s) + drain (20 s)");
  for (const c of pod.containers) {
    const where = `container ${c.name}`;
    if (!c.readinessProbe || !c.livenessProbe) fail(overlay, d, `${where}: readiness and liveness probes required`);
    // The HTTP servers (gateway, frontend) probe over HTTP, the gRPC servers natively.
    const servesHttp = name === "gateway" || name === "frontend";
    for (const probe of [c.readinessProbe, c.livenessProbe].filter(Boolean)) {
      if (servesHttp && !probe.httpGet) fail(overlay, d, `${where}: ${name} probes must be HTTP`);
      if (!servesHttp && !probe.grpc) fail(overlay, d, `${where}: service probes must be native gRPC`);
    }
    for (const kind of ["requests", "limits"]) {
      for (const r of ["cpu", "memory"]) {
        if (!c.resources?.[kind]?.[r]) fail(overlay, d, `${where}: resources.${kind}.${r} required`);
      }
    }
    const sc = c.securityContext ?? {};
    if (sc.readOnlyRootFilesystem !== true) fail(overlay, d, `${where}: readOnlyRootFilesystem required`);
    if (sc.allowPrivilegeEscalation !== false) fail(overlay, d, `${where}: allowPrivilegeEscalation must be false`);
    if (!(sc.capabilities?.drop ?? []).includes("ALL")) fail(overlay, d, `${where}: capabilities must drop ALL`);
    if (sc.runAsUser === 0 || pod.securityContext?.runAsUser === 0) fail(overlay, d, `${where}: runs as root`);
    if (!c.lifecycle?.preStop) fail(overlay, d, `${where}: preStop pause required for graceful termination`);
    if (overlay === "prod") {
      const image = c.image ?? "";
      const tag = image.includes("@") ? "digest" : image.split("/").pop().split(":")[1];
      if (!tag || tag === "latest" || tag === "dev") fail(overlay, d, `${where}: prod image must be pinned, got ${image}`);
    }
  }
  const has = (kind) => all.some((o) => o.kind === kind && (o.spec?.scaleTargetRef?.name === name || o.spec?.selector?.matchLabels?.["app.kubernetes.io/name"] === name));
  if (!has("HorizontalPodAutoscaler")) fail(overlay, d, "no HorizontalPodAutoscaler");
  if (!has("PodDisruptionBudget")) fail(overlay, d, "no PodDisruptionBudget");
}

const [overlay, ...files] = process.argv.slice(2);
let count = 0;
for (const file of files) {
  const objects = JSON.parse(readFileSync(file, "utf8"));
  for (const obj of objects) {
    count++;
    await schemaCheck(overlay, obj);
    if (obj.kind === "Deployment") deploymentInvariants(overlay, obj, objects);
  }
  const deployments = objects.filter((o) => o.kind === "Deployment").map((o) => o.metadata.name).sort();
  const expected = ["analysis", "analysis-worker", "billing", "frontend", "gateway", "profile", "resource"];
  if (JSON.stringify(deployments) !== JSON.stringify(expected)) failures.push(`${overlay}: Deployments ${deployments} != ${expected}`);
  const denyAll = objects.some((o) => o.kind === "NetworkPolicy" && Object.keys(o.spec.podSelector ?? {}).length === 0 &&
    (o.spec.policyTypes ?? []).includes("Ingress") && (o.spec.policyTypes ?? []).includes("Egress") && !o.spec.ingress && !o.spec.egress);
  if (!denyAll) failures.push(`${overlay}: no default-deny NetworkPolicy`);
  const job = objects.find((o) => o.kind === "Job");
  if (!job) failures.push(`${overlay}: no migrations Job`);
  // Jobs are immutable: a release must bring a Job of its own name.
  const gatewayImage = objects.find((o) => o.kind === "Deployment" && o.metadata.name === "gateway")?.spec.template.spec.containers[0].image ?? "";
  const releaseTag = gatewayImage.split("/").pop().split(":")[1];
  if (job && releaseTag && job.metadata.name !== `plinth-migrate-${releaseTag}`) {
    failures.push(`${overlay}: migrations Job ${job.metadata.name} is not named after the release (plinth-migrate-${releaseTag})`);
  }
  // Each service listens on its pod, not on the Service name peers dial.
  for (const d of objects.filter((o) => o.kind === "Deployment" && ["profile", "resource", "billing", "analysis"].includes(o.metadata.name))) {
    const env = d.spec.template.spec.containers[0].env ?? [];
    const listen = env.find((e) => e.name === "GRPC_LISTEN_ADDR")?.value ?? "";
    if (!listen.startsWith("0.0.0.0:")) failures.push(`${overlay}: ${d.metadata.name}: GRPC_LISTEN_ADDR must be 0.0.0.0:<port>, got "${listen}"`);
  }
  // The Ingress routes to Services that exist, by port names they have.
  const ingresses = objects.filter((o) => o.kind === "Ingress");
  if (!ingresses.length) failures.push(`${overlay}: no Ingress`);
  for (const ing of ingresses) {
    for (const rule of ing.spec.rules ?? []) {
      for (const p of rule.http?.paths ?? []) {
        const { name: svc, port } = p.backend.service ?? {};
        const target = objects.find((o) => o.kind === "Service" && o.metadata.name === svc);
        if (!target) failures.push(`${overlay}: Ingress ${ing.metadata.name}: ${rule.host} routes to no Service ${svc}`);
        else if (!target.spec.ports.some((sp) => sp.name === port.name || sp.port === port.number)) {
          failures.push(`${overlay}: Ingress ${ing.metadata.name}: ${rule.host} routes to ${svc} on a port it does not have`);
        }
      }
    }
  }
}
if (failures.length) {
  console.error(failures.join("\n"));
  process.exit(1);
}
console.log(`${overlay}: ${count} objects valid`);
