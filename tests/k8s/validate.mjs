// Validates rendered overlays (JSON arrays from ./render) offline:
//  1. every object against the Kubernetes OpenAPI schemas shipped by the
//     kubernetes-models package;
//  2. the deployment invariants of docs/DEPLOY.md for every Deployment;
//  3. every service's ports and addresses against the protos' endpoints.
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

// Every service's (plinth.v1.endpoint), generated from the protos
// (protos/endpoints.json): the manifests must put each where the protos say.
const endpoints = JSON.parse(readFileSync(new URL("../../protos/endpoints.json", import.meta.url), "utf8")).services;

function endpointChecks(overlay, objects) {
  const config = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === "plinth-config")?.data ?? {};
  const bad = (msg) => failures.push(`${overlay}: ${msg}`);
  for (const e of endpoints) {
    const d = objects.find((o) => o.kind === "Deployment" && o.metadata.name === e.name);
    if (!d) {
      bad(`no Deployment ${e.name} (protos/endpoints.json)`);
      continue;
    }
    const c = d.spec.template.spec.containers[0];
    const env = Object.fromEntries((c.env ?? []).filter((v) => "value" in v).map((v) => [v.name, v.value]));
    const setting = (name) => env[name] ?? config[name];
    const port = (name) => (c.ports ?? []).find((p) => p.name === name)?.containerPort;
    if (port("grpc") !== e.port) bad(`${e.name}: container port grpc is ${port("grpc")}, the protos say ${e.port}`);
    for (const probe of [c.startupProbe, c.readinessProbe, c.livenessProbe].filter(Boolean)) {
      if (probe.grpc && probe.grpc.port !== e.port) bad(`${e.name}: a probe checks port ${probe.grpc.port}, not ${e.port}`);
    }
    // A service listens on its pod and peers dial its Service; the worker,
    // dialled by nobody, listens where its own variable says.
    const listen = e.name === "analysis-worker" ? setting(e.address_variable) : setting("GRPC_LISTEN_ADDR");
    if (listen !== `0.0.0.0:${e.port}`) bad(`${e.name}: listens on "${listen}", want 0.0.0.0:${e.port}`);
    if (e.name !== "analysis-worker") {
      if (config[e.address_variable] !== `${e.name}:${e.port}`) {
        bad(`plinth-config ${e.address_variable} is "${config[e.address_variable]}", want ${e.name}:${e.port}`);
      }
      const svc = objects.find((o) => o.kind === "Service" && o.metadata.name === e.name);
      if (!svc?.spec.ports.some((p) => p.port === e.port && (p.targetPort === e.port || p.targetPort === "grpc"))) {
        bad(`Service ${e.name} does not serve port ${e.port} to the pods' grpc port`);
      }
    }
    const metrics = setting(e.metrics_address_variable) ?? "";
    const metricsPort = Number(metrics.split(":").pop());
    if (!metrics.startsWith("0.0.0.0:") || port("metrics") !== metricsPort) {
      bad(`${e.name}: ${e.metrics_address_variable} "${metrics}" is not its container port metrics (${port("metrics")})`);
    }
    const scraped = d.spec.template.metadata.annotations?.["prometheus.io/port"];
    if (scraped !== String(metricsPort)) bad(`${e.name}: prometheus.io/port ${scraped}, metrics on ${metricsPort}`);
  }
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
  endpointChecks(overlay, objects);
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
