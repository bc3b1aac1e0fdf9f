#!/usr/bin/python3
"""Checks deploy/k8s/ against the code.

- The ConfigMap's experiments YAML passes `assignd --check`.
- The container's command line (the image's ENTRYPOINT plus the Deployment's args) consists of
  flags assignd accepts: assignd is run with exactly those flags plus --check.
- The config is mounted as a directory (no subPath, so hot reload sees the kubelet's symlink
  swap) at the directory of --config, and the ConfigMap has the file's name as a key.
- Probes are gRPC probes on the --grpc_address port (readiness on the service name the server
  registers), container ports, Service targets and Prometheus annotations match the flag ports.
- terminationGracePeriodSeconds exceeds the preStop sleep plus --drain_deadline.
- 3 replicas; the HPA targets the Deployment; the PDB and Services select its pods; the pod runs
  as the Dockerfile's non-root USER.

Usage: check_k8s.py SOURCE_DIR BIN_DIR
"""
import glob
import os
import re
import shlex
import subprocess
import sys
import tempfile

import yaml

failures = []


def fail(message):
    failures.append(message)
    print("FAIL:", message)


def expect(condition, message):
    if not condition:
        fail(message)


def load_manifests(k8s_dir):
    docs = []
    for path in sorted(glob.glob(os.path.join(k8s_dir, "*.yaml"))):
        with open(path) as f:
            docs.extend(d for d in yaml.safe_load_all(f) if d)
    return docs


def one(docs, kind):
    found = [d for d in docs if d.get("kind") == kind]
    expect(len(found) >= 1, "no %s in deploy/k8s" % kind)
    return found


def dockerfile_entrypoint_and_user(source_dir):
    text = open(os.path.join(source_dir, "Dockerfile")).read()
    entry = re.findall(r"^ENTRYPOINT\s+(\[.*\])\s*$", text, re.M)
    user = re.findall(r"^USER\s+(\S+)", text, re.M)
    return (yaml.safe_load(entry[-1]) if entry else []), (user[-1] if user else "")


def duration_seconds(text):
    """Seconds in an absl duration like 20s, 1m30s, 500ms."""
    units = {"h": 3600, "m": 60, "s": 1, "ms": 1e-3, "us": 1e-6, "ns": 1e-9}
    parts = re.findall(r"([\d.]+)(ms|us|ns|h|m|s)", text)
    expect(parts and "".join(a + b for a, b in parts) == text, "cannot parse duration %r" % text)
    return sum(float(n) * units[u] for n, u in parts)


def flag_values(argv, helpfull):
    """--name=value pairs of argv (last wins, like absl), defaults from --helpfull otherwise."""
    values = {}
    for name, default in re.findall(r"-(\w+) \(.*?\);\s*default: \"?([^\";]*)\"?;", helpfull, re.S):
        values[name] = default
    for arg in argv:
        m = re.match(r"--(\w+)=(.*)", arg)
        if m:
            values[m.group(1)] = m.group(2)
    return values


def port_of(address):
    return int(address.rsplit(":", 1)[1])


def selects(selector, labels):
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def main():
    source_dir, bin_dir = sys.argv[1], sys.argv[2]
    assignd = os.path.join(bin_dir, "assignd")
    docs = load_manifests(os.path.join(source_dir, "deploy/k8s"))
    helpfull = subprocess.run([assignd, "--helpfull"], capture_output=True, text=True).stdout
    entrypoint, docker_user = dockerfile_entrypoint_and_user(source_dir)

    deployments = one(docs, "Deployment")
    if not deployments:
        return report()
    deployment = deployments[0]
    spec = deployment["spec"]
    pod = spec["template"]["spec"]
    pod_labels = spec["template"]["metadata"].get("labels", {})
    annotations = spec["template"]["metadata"].get("annotations", {})
    container = pod["containers"][0]
    expect(spec.get("replicas") == 3, "Deployment replicas is %r, not 3" % spec.get("replicas"))
    expect(selects(spec["selector"]["matchLabels"], pod_labels), "Deployment selector misses its pods")

    # The container's real command line: the image's ENTRYPOINT unless overridden, plus args.
    command = container.get("command") or entrypoint
    argv = command[1:] + container.get("args", [])
    expect(command and os.path.basename(command[0]) == "assignd",
           "container runs %r, not assignd" % command)
    flags = flag_values(argv, helpfull)
    config_path = flags.get("config", "")
    expect(config_path.startswith("/"), "--config is not an absolute path: %r" % config_path)

    # The config: mounted as a directory holding the ConfigMap's key named like --config's file.
    mounts = [m for m in container.get("volumeMounts", [])
              if m["mountPath"] == os.path.dirname(config_path)]
    expect(len(mounts) == 1, "no volumeMount at --config's directory %s" % os.path.dirname(config_path))
    configmaps = {d["metadata"]["name"]: d for d in docs if d.get("kind") == "ConfigMap"}
    yaml_text = None
    if mounts:
        expect("subPath" not in mounts[0], "config mounted with subPath: reloads would never see updates")
        volume = [v for v in pod["volumes"] if v["name"] == mounts[0]["name"]]
        cm_name = volume[0].get("configMap", {}).get("name") if volume else None
        expect(cm_name in configmaps, "config volume is not a ConfigMap of deploy/k8s: %r" % cm_name)
        if cm_name in configmaps:
            data = configmaps[cm_name].get("data", {})
            key = os.path.basename(config_path)
            expect(key in data, "ConfigMap %s has no key %s" % (cm_name, key))
            yaml_text = data.get(key)

    # Run the binary with exactly the container's flags, the config swapped for the ConfigMap's.
    with tempfile.TemporaryDirectory() as tmp:
        config_file = os.path.join(tmp, os.path.basename(config_path) or "experiments.yaml")
        with open(config_file, "w") as f:
            f.write(yaml_text or "")
        run = [assignd] + argv + ["--config=" + config_file, "--check"]
        result = subprocess.run(run, capture_output=True, text=True)
        expect(result.returncode == 0,
               "%s exited %d:\n%s%s" % (shlex.join(run), result.returncode, result.stdout, result.stderr))
        print(result.stdout.strip().replace(tmp + "/", "ConfigMap "))

    # Ports: probes on the gRPC port, container ports, Service targets, Prometheus annotations.
    grpc_port, metrics_port = port_of(flags["grpc_address"]), port_of(flags["metrics_address"])
    ports = {p["name"]: p["containerPort"] for p in container.get("ports", [])}
    expect(ports.get("grpc") == grpc_port, "containerPort grpc %r != %d" % (ports.get("grpc"), grpc_port))
    expect(ports.get("metrics") == metrics_port,
           "containerPort metrics %r != %d" % (ports.get("metrics"), metrics_port))
    server_source = open(os.path.join(source_dir, "server/app/server.cc")).read()
    for probe_name in ("readinessProbe", "livenessProbe"):
        probe = container.get(probe_name, {}).get("grpc")
        expect(probe is not None, "%s is not a gRPC probe" % probe_name)
        if probe:
            expect(probe.get("port") == grpc_port, "%s port %r != %d" % (probe_name, probe.get("port"), grpc_port))
            service = probe.get("service", "")
            expect(service == "" or ('"%s"' % service) in server_source,
                   "%s checks service %r, which the server never registers" % (probe_name, service))
    expect(annotations.get("prometheus.io/scrape") == "true", "no prometheus.io/scrape annotation")
    expect(annotations.get("prometheus.io/port") == str(metrics_port),
           "prometheus.io/port %r != %d" % (annotations.get("prometheus.io/port"), metrics_port))
    expect(annotations.get("prometheus.io/path", "/metrics") == "/metrics", "prometheus.io/path is not /metrics")
    for svc in [d for d in docs if d.get("kind") == "Service"]:
        expect(selects(svc["spec"].get("selector"), pod_labels), "Service %s misses the pods" % svc["metadata"]["name"])
        for p in svc["spec"]["ports"]:
            target = p.get("targetPort", p["port"])
            expect(target in ports or target in ports.values(),
                   "Service %s targets %r, not a container port" % (svc["metadata"]["name"], target))

    # Shutdown: kubelet runs preStop, then SIGTERM; the drain must finish inside the grace period.
    grace = pod.get("terminationGracePeriodSeconds", 30)
    pre_stop = container.get("lifecycle", {}).get("preStop", {}).get("exec", {}).get("command", [])
    pre_stop_sleep = float(pre_stop[1]) if len(pre_stop) == 2 and pre_stop[0] == "sleep" else 0.0
    drain = duration_seconds(flags["drain_deadline"])
    expect(grace > pre_stop_sleep + drain,
           "terminationGracePeriodSeconds %s <= preStop %ss + --drain_deadline %ss" % (grace, pre_stop_sleep, drain))

    resources = container.get("resources", {})
    expect(resources.get("requests") and resources.get("limits"), "container lacks resource requests/limits")
    security = pod.get("securityContext", {})
    expect(security.get("runAsNonRoot") is True, "pod does not set runAsNonRoot")
    expect(str(security.get("runAsUser")) == docker_user.split(":")[0],
           "runAsUser %r != Dockerfile USER %r" % (security.get("runAsUser"), docker_user))

    name = deployment["metadata"]["name"]
    for hpa in one(docs, "HorizontalPodAutoscaler"):
        ref = hpa["spec"]["scaleTargetRef"]
        expect(ref["kind"] == "Deployment" and ref["name"] == name, "HPA does not target Deployment %s" % name)
        expect(hpa["spec"]["minReplicas"] >= 3, "HPA minReplicas below 3")
    for pdb in one(docs, "PodDisruptionBudget"):
        expect(selects(pdb["spec"]["selector"]["matchLabels"], pod_labels), "PDB misses the pods")
        expect(pdb["spec"].get("minAvailable", 0) < spec["replicas"], "PDB would block every eviction")
    print("deploy/k8s: %d objects; grpc :%d, metrics :%d, drain %ss + preStop %ss < grace %ss" %
          (len(docs), grpc_port, metrics_port, drain, pre_stop_sleep, grace))
    return report()


def report():
    if failures:
        print("%d problem(s)" % len(failures))
        return 1
    print("deploy/k8s consistent with assignd")
    return 0


if __name__ == "__main__":
    sys.exit(main())
