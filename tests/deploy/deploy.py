#!/usr/bin/env python3
"""Runs a rendered Kubernetes overlay in podman containers the way a cluster
would, then drives a smoke flow through the gateway. Called by run.sh.

    deploy.py RENDERED.json IMAGE DEPS_IMAGE HEALTHPROBE RUNTIME

What is Kubernetes-like here:
  - every Deployment's pod is one container with exactly its manifest's
    command, args, env/envFrom (ConfigMap and Secret), user and group,
    read-only root filesystem, dropped capabilities, no-new-privileges,
    emptyDir volumes (tmpfs), CPU and memory limits and restartPolicy Always;
  - every Service is a forwarding container (socat) that owns the Service's
    DNS names, so a Service name is never an address of the pod itself (a
    process that tries to listen on it fails, as in a cluster);
  - probes run as the kubelet runs them (gRPC health, HTTP GET) against the
    pod's own address; a pod counts as ready once its startup and readiness
    probes pass;
  - the migrations Job runs to completion before the Deployments start.
What is not: NetworkPolicy, the Ingress, HPA, PodDisruptionBudgets (read, not
enforced). Everything started carries a label and is removed by run.sh's trap.
"""

import base64
import hashlib
import hmac
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

RENDERED, IMAGE, DEPS_IMAGE, HEALTHPROBE, RUNTIME = sys.argv[1:6]
RUN_ID = os.environ["PLINTH_DEPLOY_RUN"]
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NETWORK = "plinth-deploy-" + RUN_ID
LABEL = "plinth-deploy=" + RUN_ID


def log(msg):
    print("==> " + msg, flush=True)


def podman(*args, check=True, capture=True):
    result = subprocess.run(["podman", "--runtime", RUNTIME, *args], text=True,
                            stdout=subprocess.PIPE if capture else None, stderr=subprocess.PIPE)
    if check and result.returncode != 0:
        raise RuntimeError("podman %s: %s" % (" ".join(args[:3]), result.stderr.strip()))
    return result.stdout.strip() if capture else ""


def wait_until(what, timeout, condition, interval=0.5):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if condition():
            return
        time.sleep(interval)
    raise RuntimeError("timed out after %ds: %s" % (timeout, what))


objects = json.load(open(RENDERED))
by_kind = {}
for o in objects:
    by_kind.setdefault(o["kind"], []).append(o)
namespace = next(o["metadata"]["name"] for o in by_kind["Namespace"])
config_maps = {o["metadata"]["name"]: o.get("data", {}) for o in by_kind.get("ConfigMap", [])}
secrets = {}
for o in by_kind.get("Secret", []):
    data = dict(o.get("stringData", {}))
    for k, v in o.get("data", {}).items():
        data[k] = base64.b64decode(v).decode()
    secrets[o["metadata"]["name"]] = data


def dns_names(name):
    return [name, "%s.%s" % (name, namespace), "%s.%s.svc" % (name, namespace),
            "%s.%s.svc.cluster.local" % (name, namespace)]


def env_of(container):
    env = {}
    for source in container.get("envFrom", []):
        if "configMapRef" in source:
            env.update(config_maps[source["configMapRef"]["name"]])
        if "secretRef" in source:
            env.update(secrets[source["secretRef"]["name"]])
    for e in container.get("env", []):
        if "value" in e:
            env[e["name"]] = e["value"]
            continue
        ref = e.get("valueFrom", {})
        if "secretKeyRef" in ref:
            r = ref["secretKeyRef"]
            value = secrets.get(r["name"], {}).get(r["key"])
        elif "configMapKeyRef" in ref:
            r = ref["configMapKeyRef"]
            value = config_maps.get(r["name"], {}).get(r["key"])
        else:
            raise RuntimeError("unsupported env source for %s: %s" % (e["name"], ref))
        if value is None:
            if not r.get("optional"):
                raise RuntimeError("%s: %s/%s missing (not optional): the pod would not start"
                                   % (e["name"], r["name"], r["key"]))
            continue
        env[e["name"]] = value
    return env


def cpus(quantity):
    quantity = str(quantity)
    return float(quantity[:-1]) / 1000 if quantity.endswith("m") else float(quantity)


def memory(quantity):
    quantity = str(quantity)
    for suffix, unit in (("Ki", "k"), ("Mi", "m"), ("Gi", "g")):
        if quantity.endswith(suffix):
            return quantity[:-2] + unit
    return quantity


def cname(name):
    """The container's name: unique per run, so a leftover of an earlier run
    never collides; other containers reach it by `name` (a network alias)."""
    return "plinth-%s-%s" % (RUN_ID, name)


def run_pod(name, pod_spec, restart, extra=()):
    """Starts the pod's (single) container; returns its container name."""
    container = pod_spec["containers"][0]
    pod_ctx = pod_spec.get("securityContext", {})
    ctx = container.get("securityContext", {})
    user = ctx.get("runAsUser", pod_ctx.get("runAsUser"))
    group = ctx.get("runAsGroup", pod_ctx.get("runAsGroup"))
    args = ["run", "-d", "--name", cname(name), "--label", LABEL, "--network", NETWORK,
            "--network-alias", name, "--hostname", name]
    if user is not None:
        args += ["--user", "%s:%s" % (user, group if group is not None else user)]
    if ctx.get("readOnlyRootFilesystem"):
        args.append("--read-only")
    if ctx.get("allowPrivilegeEscalation") is False:
        args += ["--security-opt", "no-new-privileges"]
    for cap in ctx.get("capabilities", {}).get("drop", []):
        args += ["--cap-drop", cap]
    volumes = {v["name"]: v for v in pod_spec.get("volumes", [])}
    for m in container.get("volumeMounts", []):
        v = volumes[m["name"]]
        if "emptyDir" not in v:
            raise RuntimeError("unsupported volume %s" % m["name"])
        size = v["emptyDir"].get("sizeLimit", "64Mi").replace("Mi", "m")
        args += ["--tmpfs", "%s:rw,size=%s,mode=1777" % (m["mountPath"], size)]
    limits = container.get("resources", {}).get("limits", {})
    if "memory" in limits:
        args += ["--memory", memory(limits["memory"])]
    if "cpu" in limits:
        args += ["--cpus", str(cpus(limits["cpu"]))]
    if restart:
        args += ["--restart", "always"]
    env = env_of(container)
    env_file = os.path.join(os.environ["PLINTH_DEPLOY_DIR"], name + ".env")
    with open(env_file, "w") as f:
        for k, v in env.items():
            if "\n" in v:
                raise RuntimeError("%s: multi-line values are not supported here" % k)
            f.write("%s=%s\n" % (k, v))
    args += ["--env-file", env_file]
    image = IMAGE if container["image"].split(":")[0].split("/")[-1] == "plinth" else container["image"]
    command = container.get("command")
    if command:
        args += ["--entrypoint", json.dumps(command[:1])]
        rest = command[1:] + container.get("args", [])
    else:
        rest = container.get("args", [])
    args += list(extra) + [image] + rest
    podman(*args)
    return cname(name)


def ip_of(name):
    return podman("inspect", "-f", "{{(index .NetworkSettings.Networks \"%s\").IPAddress}}" % NETWORK, name)


def port_number(container, port):
    if isinstance(port, int):
        return port
    for p in container.get("ports", []):
        if p.get("name") == port:
            return p["containerPort"]
    raise RuntimeError("no port named %s" % port)


def probe_ok(name, container, probe):
    ip = ip_of(name)
    if not ip:
        return False
    if "grpc" in probe:
        port = port_number(container, probe["grpc"]["port"])
        cmd = [HEALTHPROBE, "%s:%d" % (ip, port)] + ([probe["grpc"]["service"]] if probe["grpc"].get("service") else [])
        return subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0
    if "httpGet" in probe:
        port = port_number(container, probe["httpGet"]["port"])
        try:
            with urllib.request.urlopen("http://%s:%d%s" % (ip, port, probe["httpGet"]["path"]), timeout=1) as r:
                return 200 <= r.status < 400
        except (urllib.error.URLError, OSError):
            return False
    if "tcpSocket" in probe:
        return True
    raise RuntimeError("unsupported probe %s" % probe)


def wait_ready(name, container, timeout=90):
    def ok(probe):
        # A crash loop shows in the restart count long before the timeout.
        restarts = podman("inspect", "-f", "{{.RestartCount}}", name, check=False)
        if restarts.isdigit() and int(restarts) > 3:
            raise RuntimeError("%s is crash-looping (%s restarts)" % (name, restarts))
        return probe_ok(name, container, probe)

    for kind in ("startupProbe", "readinessProbe", "livenessProbe"):
        probe = container.get(kind)
        if probe:
            wait_until("%s %s" % (name, kind), timeout, lambda: ok(probe),
                       interval=min(1.0, probe.get("periodSeconds", 1)))


# ---- infrastructure: network, PostgreSQL, Redis ------------------------------

podman("network", "create", "--label", LABEL, NETWORK)
db_url = secrets["plinth-secrets"]["DATABASE_URL"]
redis_url = secrets["plinth-secrets"]["REDIS_URL"]
db_host = db_url.split("@", 1)[1].split(":", 1)[0].split("/", 1)[0]
db_name = db_url.rsplit("/", 1)[1].split("?", 1)[0]
redis_host = redis_url.split("//", 1)[1].split(":", 1)[0].split("/", 1)[0]
log("PostgreSQL (%s) and Redis (%s) in containers" % (db_host, redis_host))
# As a deployment: the cluster bootstrapped by its superuser
# (migrations/bootstrap/cluster.sql), the database owned by plinth_owner with
# the owner password of the Secret's DATABASE_URL, password (SCRAM) logins
# over the network, so every service proves its own role's password, which
# the migrations Job set from that service's URL.
owner_password = urllib.parse.unquote(urllib.parse.urlsplit(db_url).password or "")
postgres_script = (
    "set -e; mkdir -p /tmp/pg && chown postgres /tmp/pg; "
    "PG=$(ls -d /usr/lib/postgresql/*/bin | tail -1); "
    "runuser -u postgres -- $PG/initdb -D /tmp/pg/data -U postgres --auth-local=trust "
    "--auth-host=scram-sha-256 >/dev/null; "
    "echo \"host all all 0.0.0.0/0 scram-sha-256\" >> /tmp/pg/data/pg_hba.conf; "
    "runuser -u postgres -- $PG/pg_ctl -D /tmp/pg/data -w -o \"-c listen_addresses=* -c fsync=off\" start >/dev/null; "
    "runuser -u postgres -- psql -qX -v ON_ERROR_STOP=1 -f /bootstrap/cluster.sql; "
    # psql interpolates :'pw' (quoted) only in what it reads, not in -c.
    "echo \"alter role plinth_owner password :'pw';\" | "
    "runuser -u postgres -- psql -qX -v ON_ERROR_STOP=1 -v pw=\"$OWNER_PASSWORD\"; "
    "runuser -u postgres -- psql -qX -v ON_ERROR_STOP=1 -c \"create database %s owner plinth_owner\"; "
    "exec sleep infinity" % db_name)
podman("run", "-d", "--name", cname("postgres"), "--label", LABEL, "--network", NETWORK,
       *sum((["--network-alias", n] for n in dns_names(db_host.split(".")[0]) + [db_host]), []),
       "-v", os.path.join(ROOT, "migrations", "bootstrap") + ":/bootstrap:ro", "-e", "OWNER_PASSWORD=" + owner_password,
       DEPS_IMAGE, "bash", "-c", postgres_script)
podman("run", "-d", "--name", cname("redis"), "--label", LABEL, "--network", NETWORK,
       *sum((["--network-alias", n] for n in dns_names(redis_host.split(".")[0]) + [redis_host]), []),
       DEPS_IMAGE, "redis-server", "--bind", "0.0.0.0", "--protected-mode", "no", "--save", "", "--appendonly", "no")
wait_until("PostgreSQL accepts connections", 60,
           lambda: podman("exec", cname("postgres"), "runuser", "-u", "postgres", "--", "psql", "-d", db_name, "-qtAc",
                          "select 1", check=False) == "1")

# ---- the migrations Job, twice -----------------------------------------------

for job in by_kind.get("Job", []):
    for attempt in ("first", "second"):
        name = "%s-%s" % (job["metadata"]["name"], attempt)
        log("Job %s (%s run)" % (job["metadata"]["name"], attempt))
        container = run_pod(name, job["spec"]["template"]["spec"], restart=False)
        code = podman("wait", container)
        logs = podman("logs", container)
        if code != "0":
            print(logs)
            raise RuntimeError("Job %s exited %s" % (name, code))
        applied = [json.loads(line)["applied_now"] for line in logs.splitlines() if '"applied_now"' in line]
        if not applied or (attempt == "second" and applied[-1] != "0") or (attempt == "first" and applied[-1] == "0"):
            raise RuntimeError("Job %s %s run applied %s" % (name, attempt, applied))
        print("    applied %s migration(s)" % applied[-1])

# ---- Deployments and Services ------------------------------------------------

deployments = {}
for d in by_kind.get("Deployment", []):
    pod = run_pod(d["metadata"]["name"] + "-pod", d["spec"]["template"]["spec"], restart=True)
    deployments[d["metadata"]["name"]] = (pod, d)
log("started %d Deployments: %s" % (len(deployments), ", ".join(sorted(deployments))))

for s in by_kind.get("Service", []):
    selector = s["spec"]["selector"]
    target = next((pod, d) for pod, d in deployments.values()
                  if all(d["spec"]["template"]["metadata"]["labels"].get(k) == v for k, v in selector.items()))
    pod, d = target
    container = d["spec"]["template"]["spec"]["containers"][0]
    forwards = []
    for p in s["spec"]["ports"]:
        forwards.append("socat TCP-LISTEN:%d,fork,reuseaddr TCP:%s:%d &"
                        % (p["port"], d["metadata"]["name"] + "-pod",
                           port_number(container, p.get("targetPort", p["port"]))))
    podman("run", "-d", "--name", cname("svc-" + s["metadata"]["name"]), "--label", LABEL, "--network", NETWORK,
           *sum((["--network-alias", n] for n in dns_names(s["metadata"]["name"])), []),
           DEPS_IMAGE, "bash", "-c", " ".join(forwards) + " wait")

for name, (pod, d) in sorted(deployments.items()):
    try:
        wait_ready(pod, d["spec"]["template"]["spec"]["containers"][0])
    except RuntimeError:
        # The container's stdout and stderr (a missing shared library shows there).
        subprocess.run(["podman", "--runtime", RUNTIME, "logs", "--tail", "30", pod])
        raise
log("every pod passed its startup, readiness and liveness probes")

# Every pod serves /metrics on its metrics port (the manifests' annotations).
for name, (pod, d) in sorted(deployments.items()):
    annotations = d["spec"]["template"]["metadata"].get("annotations", {})
    url = "http://%s:%s%s" % (ip_of(pod), annotations.get("prometheus.io/port"), annotations.get("prometheus.io/path"))
    with urllib.request.urlopen(url, timeout=5) as r:
        if r.status != 200 or b"# TYPE " not in r.read():
            raise RuntimeError("%s: no metrics at %s" % (name, url))
log("every pod serves /metrics where its annotations say")

# ---- smoke flow through the gateway ------------------------------------------

gateway_url = "http://%s:%d" % (ip_of(deployments["gateway"][0]), 8080)
jwt_secret = secrets["plinth-secrets"]["SUPABASE_JWT_SECRET"].encode()


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def token(sub):
    header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = b64(json.dumps({"sub": sub, "aud": "authenticated", "role": "authenticated",
                              "email": "deploy@example.com", "exp": int(time.time()) + 3600}).encode())
    signature = b64(hmac.new(jwt_secret, header + b"." + payload, hashlib.sha256).digest())
    return (header + b"." + payload + b"." + signature).decode()


def call(method, path, tok=None, body=None, headers=None):
    data = body if isinstance(body, bytes) else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(gateway_url + path, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if tok:
        req.add_header("Authorization", "Bearer " + tok)
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            raw = r.read()
            return r.status, json.loads(raw) if raw else {}
    except urllib.error.HTTPError as e:
        raw = e.read()
        return e.code, json.loads(raw) if raw else {}


def expect(status, want, what, body):
    if status != want:
        raise RuntimeError("%s: %d %s (want %d)" % (what, status, body, want))


user = str(uuid.uuid4())
tok = token(user)
status, body = call("GET", "/api/v1/profiles/me", tok)
expect(status, 200, "GET /profiles/me", body)
credits = body["data"]["credits_remaining"]
status, body = call("POST", "/api/v1/resources", tok, {"title": "Deploy smoke", "content":
                    "Plinth runs from its image. Each service listens on its pod. Peers dial the Service."})
expect(status, 201, "POST /resources", body)
resource = body["data"]["id"]
status, body = call("POST", "/api/v1/resources/%s/analyses" % resource, tok)
expect(status, 202, "POST analyses", body)
analysis = body["data"]["id"]
state = {}


def analysis_done():
    s, b = call("GET", "/api/v1/analyses/" + analysis, tok)
    state["last"] = b
    return s == 200 and b["data"]["status"] in ("succeeded", "failed")


wait_until("the analysis finishes", 60, analysis_done)
if state["last"]["data"]["status"] != "succeeded":
    raise RuntimeError("analysis: %s" % state["last"])
log("profile, resource and analysis (succeeded) through the gateway")

webhook_secret = secrets["plinth-secrets"]["STRIPE_WEBHOOK_SECRET"]
price = config_maps["plinth-config"]["PLINTH_PLANS"].split(";")[0].split(":")[2]
monthly = int(config_maps["plinth-config"]["PLINTH_PLANS"].split(";")[0].split(":")[3])
now = int(time.time())
event = json.dumps({"id": "evt_deploy_" + uuid.uuid4().hex[:12], "object": "event", "type": "invoice.paid",
                    "created": now, "data": {"object": {
                        "id": "in_deploy_" + uuid.uuid4().hex[:8], "object": "invoice", "customer": "cus_deploy",
                        "status": "paid", "subscription_details": {"metadata": {"user_id": user}},
                        "lines": {"object": "list", "data": [{"price": {"id": price}}]}}}}).encode()
signature = hmac.new(webhook_secret.encode(), b"%d." % now + event, hashlib.sha256).hexdigest()
for delivery in (1, 2):
    status, body = call("POST", "/api/v1/webhooks/stripe", body=event,
                        headers={"Stripe-Signature": "t=%d,v1=%s" % (now, signature)})
    expect(status, 200, "webhook delivery %d" % delivery, body)
    if body["data"]["duplicate"] != (delivery == 2):
        raise RuntimeError("delivery %d: %s" % (delivery, body))
status, body = call("GET", "/api/v1/profiles/me", tok)
if body["data"]["credits_remaining"] != credits - 1 + monthly:
    raise RuntimeError("credits %s, want %d" % (body["data"]["credits_remaining"], credits - 1 + monthly))
log("a signed Stripe event delivered twice was applied once")

# ---- a crashed pod is restarted and serves again -------------------------------

pod, d = deployments["profile"]
pid = podman("inspect", "-f", "{{.State.Pid}}", pod)
restarts = podman("inspect", "-f", "{{.RestartCount}}", pod)
if restarts != "0":
    raise RuntimeError("%s restarted %s times before the test killed it" % (pod, restarts))
os.kill(int(pid), 9)
wait_until("profile restarted", 60,
           lambda: podman("inspect", "-f", "{{.RestartCount}}", pod, check=False) not in ("", restarts)
           and podman("inspect", "-f", "{{.State.Running}}", pod, check=False) == "true")
wait_ready(pod, d["spec"]["template"]["spec"]["containers"][0])
status, body = call("GET", "/api/v1/profiles/me", tok)
expect(status, 200, "GET /profiles/me after the profile pod was killed", body)
log("profile killed (SIGKILL), restarted, serving again")
print("deploy: OK")
