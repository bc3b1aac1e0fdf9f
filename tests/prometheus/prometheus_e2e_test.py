#!/usr/bin/env python3
"""A real Prometheus server scrapes a real assignd on loopback.

Checks, through Prometheus's HTTP API (/api/v1/query, /api/v1/rules):
  - the exposure totals per variant equal what the clients received;
  - every PromQL expression of deploy/grafana/assignd-dashboard.json (and every template
    variable's label_values query) evaluates without error and returns data;
  - every rule of deploy/prometheus/alerts.yml is loaded, evaluates with health "ok", evaluates
    through /api/v1/query, and names only metrics that assignd exports;
  - the exposure log's hashed user keys are HMAC-SHA256(salt, user id), recomputed here.

Run by ctest (tests/prometheus/CMakeLists.txt); stdlib only. Set ASSIGND_KEEP_TEST_DIRS=1 to keep
the temporary directory (configs, logs, Prometheus data). Everything listens on 127.0.0.1, every
wait is bounded, and only the processes started here are signalled.
"""
import argparse
import hashlib
import hmac
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

ARGS = None
SALT = "e2e-test-salt"

CONFIG = """segments:
  - {attribute: device_type, values: [mobile, desktop, tablet]}
experiments:
  - key: blend_weights_v2
    namespaces: [default]
    ramp_percent: 50
    fallback_variant: baseline
    variants:
      - {name: baseline,     weight: 50, blend: {alpha: 0.60, beta: 0.30, gamma: 0.10}}
      - {name: challenger_a, weight: 50, blend: {alpha: 0.50, beta: 0.35, gamma: 0.15}}
  - key: pdp_weights
    namespaces: [pdp]
    ramp_percent: 100
    fallback_variant: control
    variants:
      - {name: control, weight: 30, blend: {alpha: 0.7, beta: 0.2, gamma: 0.1}}
      - {name: treat,   weight: 70, blend: {alpha: 0.4, beta: 0.4, gamma: 0.2}}
"""

# What Grafana substitutes for the dashboard's variables, as the test's values.
DASHBOARD_VARIABLES = {
    "$__rate_interval": "1m",
    "$__interval": "15s",
    "$__range": "5m",
    "$job": "assignd",
    "$namespace": "default",
    "$experiment": "blend_weights_v2",
}


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(url, timeout=5.0):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()
    except (urllib.error.URLError, ConnectionError, socket.timeout) as e:
        return None, str(e)


def wait_until(predicate, timeout, interval=0.2):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval)


def stop(process, timeout=10):
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


class RealPrometheusTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="assignd-prometheus-e2e-")
        cls.assignd = cls.prometheus = None
        try:
            cls._start_assignd()
            cls._start_prometheus()
            cls._wait_for_first_scrape()
            cls._send_traffic()
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        stop(cls.prometheus)
        stop(cls.assignd)
        for log in ("assignd_log", "prom_log"):
            if getattr(cls, log, None) is not None:
                getattr(cls, log).close()
        if not os.environ.get("ASSIGND_KEEP_TEST_DIRS"):
            shutil.rmtree(cls.dir, ignore_errors=True)

    @classmethod
    def _start_assignd(cls):
        config_path = os.path.join(cls.dir, "experiments.yaml")
        with open(config_path, "w") as f:
            f.write(CONFIG)
        port_file = os.path.join(cls.dir, "ports")
        cls.exposure_log = os.path.join(cls.dir, "exposures.jsonl")
        env = dict(os.environ, ASSIGND_EXPOSURE_LOG_SALT=SALT)
        cls.assignd_log = open(os.path.join(cls.dir, "assignd.log"), "w")
        cls.assignd = subprocess.Popen(
            [os.path.join(ARGS.bin_dir, "assignd"), "--config=" + config_path,
             "--grpc_address=127.0.0.1:0", "--metrics_address=127.0.0.1:0",
             "--port_file=" + port_file, "--drain_deadline=2s",
             "--exposure_log=" + cls.exposure_log],
            env=env, stdout=subprocess.DEVNULL, stderr=cls.assignd_log)

        def ports():
            if cls.assignd.poll() is not None:
                with open(cls.assignd_log.name) as f:
                    raise RuntimeError("assignd exited: " + f.read())
            try:
                with open(port_file) as f:
                    text = f.read()
            except FileNotFoundError:
                return None
            values = dict(line.split("=") for line in text.split())
            return values if len(values) == 2 else None

        found = wait_until(ports, timeout=15)
        if not found:
            raise RuntimeError("assignd wrote no port file")
        cls.grpc_port = int(found["grpc_port"])
        cls.metrics_port = int(found["metrics_port"])

    @classmethod
    def _start_prometheus(cls):
        config_path = os.path.join(cls.dir, "prometheus.yml")
        alerts = os.path.join(ARGS.deploy_dir, "prometheus", "alerts.yml")
        with open(config_path, "w") as f:
            f.write(f"""global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - {alerts}
scrape_configs:
  - job_name: assignd
    static_configs:
      - targets: ['127.0.0.1:{cls.metrics_port}']
""")
        # The port is picked free, then bound by Prometheus: retry if another process took it.
        for attempt in range(3):
            cls.prom_port = free_port()
            cls.prom_log = open(os.path.join(cls.dir, f"prometheus-{attempt}.log"), "w")
            cls.prometheus = subprocess.Popen(
                [ARGS.prometheus, "--config.file=" + config_path,
                 "--storage.tsdb.path=" + os.path.join(cls.dir, f"data-{attempt}"),
                 f"--web.listen-address=127.0.0.1:{cls.prom_port}", "--log.level=warn"],
                stdout=subprocess.DEVNULL, stderr=cls.prom_log)
            ready = wait_until(
                lambda: cls.prometheus.poll() is not None
                or http_get(f"http://127.0.0.1:{cls.prom_port}/-/ready", timeout=2)[0] == 200,
                timeout=30)
            if ready and cls.prometheus.poll() is None:
                return
            stop(cls.prometheus)
        with open(cls.prom_log.name) as f:
            raise RuntimeError("Prometheus did not start: " + f.read())

    @classmethod
    def _wait_for_first_scrape(cls):
        # Prometheus applies discovered targets at most every 5 s, so the first scrape comes a
        # few seconds after /-/ready. Traffic sent before it would show up as a flat series.
        url = (f"http://127.0.0.1:{cls.prom_port}/api/v1/query?"
               + urllib.parse.urlencode({"query": 'up{job="assignd"} == 1'}))

        def scraped():
            status, body = http_get(url)
            return status == 200 and json.loads(body)["data"]["result"]

        if not wait_until(scraped, timeout=30, interval=0.5):
            raise RuntimeError("Prometheus never scraped assignd")

    @classmethod
    def _send_traffic(cls):
        target = f"--target=127.0.0.1:{cls.grpc_port}"
        users = [f"e2e-user-{i}" for i in range(400)]
        run = subprocess.run(
            [os.path.join(ARGS.bin_dir, "assignctl"), target, "--json", "--namespace=default",
             "assign"] + users, capture_output=True, text=True, timeout=60)
        if run.returncode != 0:
            raise RuntimeError("assignctl assign failed: " + run.stderr)
        cls.answers = [json.loads(line) for line in run.stdout.splitlines() if line.strip()]
        if len(cls.answers) != len(users):
            raise RuntimeError(f"expected {len(users)} answers, got {len(cls.answers)}")
        cls.exposures = {}
        for answer in cls.answers:
            if answer["in_experiment"]:
                cls.exposures[answer["variant"]] = cls.exposures.get(answer["variant"], 0) + 1
        # A namespace no experiment serves: one NOT_FOUND, so the error panels have data.
        missing = subprocess.run(
            [os.path.join(ARGS.bin_dir, "assignctl"), target, "--namespace=nowhere", "assign", "x"],
            capture_output=True, text=True, timeout=30)
        if missing.returncode == 0:
            raise RuntimeError("an unknown namespace was answered")

    # --- helpers ------------------------------------------------------------------------------

    def api(self, path, **params):
        url = f"http://127.0.0.1:{self.prom_port}{path}"
        if params:
            url += "?" + urllib.parse.urlencode(params)
        status, body = http_get(url)
        self.assertIsNotNone(status, body)
        reply = json.loads(body)
        self.assertEqual(reply.get("status"), "success", f"{path} {params}: {body}")
        return reply["data"]

    def query(self, expr):
        data = self.api("/api/v1/query", query=expr)
        return data["result"]

    def wait_for_query(self, expr, predicate, timeout=30):
        last = []

        def check():
            nonlocal last
            last = self.query(expr)
            return predicate(last)

        self.assertTrue(wait_until(check, timeout, interval=0.5),
                        f"{expr}: condition not met within {timeout}s; last result {last}")
        return last

    def wait_for_rates(self):
        # Two scrapes after the traffic, so every rate() over 1m has data to show.
        self.wait_for_query(
            'sum(rate(assignd_requests_total{job="assignd", method="Assign", code="OK"}[1m])) > 0',
            lambda r: len(r) == 1)

    # --- tests --------------------------------------------------------------------------------

    def test_exposure_totals_equal_what_clients_received(self):
        self.assertGreater(sum(self.exposures.values()), 100)
        expr = ('sum by (variant) (assignd_exposures_total{job="assignd", namespace="default", '
                'experiment="blend_weights_v2"})')

        def by_variant(result):
            return {r["metric"]["variant"]: float(r["value"][1]) for r in result}

        expected = {variant: float(count) for variant, count in self.exposures.items()}
        result = self.wait_for_query(expr, lambda r: by_variant(r) == expected)
        self.assertEqual(by_variant(result), expected)
        not_in_ramp = sum(1 for a in self.answers if a["reason"] == "REASON_NOT_IN_RAMP")
        fallbacks = self.query('sum(assignd_fallbacks_total{job="assignd", namespace="default", '
                               'reason="not_in_ramp"})')
        self.assertEqual(float(fallbacks[0]["value"][1]), float(not_in_ramp))
        print(f"Prometheus exposures by variant: {by_variant(result)}; not_in_ramp {not_in_ramp}")

    def dashboard(self):
        with open(os.path.join(ARGS.deploy_dir, "grafana", "assignd-dashboard.json")) as f:
            return json.load(f)

    @staticmethod
    def substitute(expr):
        # Longest names first: $__rate_interval before $__range and so on.
        for name in sorted(DASHBOARD_VARIABLES, key=len, reverse=True):
            expr = expr.replace(name, DASHBOARD_VARIABLES[name])
        return expr

    def test_every_dashboard_expression_evaluates_with_data(self):
        self.wait_for_rates()
        dashboard = self.dashboard()
        exprs = [(panel["title"], target["expr"])
                 for panel in dashboard["panels"] for target in panel.get("targets", [])]
        self.assertGreaterEqual(len(exprs), 20)
        for title, expr in exprs:
            concrete = self.substitute(expr)
            self.assertNotIn("$", concrete, f"{title}: unsubstituted variable")
            with self.subTest(panel=title, expr=concrete):
                result = self.query(concrete)  # asserts Prometheus accepted and evaluated it
                # A `... > 0` filter is empty by design once its events are older than the rate
                # window (the error requests, on a slow sanitizer build); all others need data.
                if not concrete.rstrip().endswith("> 0"):
                    self.assertTrue(result, f"{title}: {concrete} returned no series")
        print(f"dashboard: {len(exprs)} expressions evaluated without error")

    def test_dashboard_variables_find_their_values(self):
        variables = {v["name"]: v for v in self.dashboard()["templating"]["list"]}
        expected = {"job": "assignd", "namespace": "default", "experiment": "blend_weights_v2"}
        for name, value in expected.items():
            match = re.fullmatch(r"label_values\((.*), (\w+)\)", variables[name]["query"]["query"])
            self.assertIsNotNone(match, name)
            selector, label = self.substitute(match.group(1)), match.group(2)
            result = self.query(f"count by ({label}) ({selector})")
            self.assertIn(value, [r["metric"].get(label) for r in result], name)

    def test_every_alert_rule_is_loaded_and_evaluates(self):
        with open(os.path.join(ARGS.deploy_dir, "prometheus", "alerts.yml")) as f:
            declared = len(re.findall(r"^\s*- alert:", f.read(), re.MULTILINE))

        def rules():
            groups = self.api("/api/v1/rules")["groups"]
            all_rules = [rule for group in groups for rule in group["rules"]]
            evaluated = all(rule.get("health") == "ok" for rule in all_rules)
            return all_rules if all_rules and evaluated else None

        loaded = wait_until(rules, timeout=20, interval=0.5)
        self.assertTrue(loaded, "alert rules not all evaluated with health ok: "
                        + json.dumps(self.api("/api/v1/rules"))[:2000])
        self.assertEqual(len(loaded), declared)
        exported = set(r["metric"]["__name__"] for r in self.query('{job="assignd"}'))
        for rule in loaded:
            with self.subTest(alert=rule["name"]):
                self.assertEqual(rule["health"], "ok", rule.get("lastError"))
                self.query(rule["query"])  # asserts status success
                for name in re.findall(r"\b(?:assignd|process)_\w+|\bup\b", rule["query"]):
                    self.assertIn(name, exported, f"{rule['name']} uses unknown metric {name}")
        # Nothing is firing against a healthy server.
        firing = [a for a in self.api("/api/v1/alerts")["alerts"] if a["state"] == "firing"]
        self.assertEqual(firing, [])
        print(f"alert rules: {len(loaded)} loaded and evaluated ok")

    def test_exposure_log_keys_are_hmac_of_user_ids(self):
        exposed = {a["user_id"]: a["variant"] for a in self.answers if a["in_experiment"]}

        def lines():
            try:
                with open(self.exposure_log) as f:
                    text = f.read().splitlines()
            except FileNotFoundError:
                return None
            return text if len(text) >= len(exposed) else None

        text = wait_until(lines, timeout=10)
        self.assertTrue(text, "exposure log incomplete")
        self.assertEqual(len(text), len(exposed))
        by_key = {hmac.new(SALT.encode(), user.encode(), hashlib.sha256).hexdigest()[:32]: user
                  for user in exposed}
        for line in text:
            record = json.loads(line)
            self.assertNotIn("user_id", record)
            user = by_key.get(record["user_key"])
            self.assertIsNotNone(user, record)
            self.assertEqual(record["variant"], exposed[user])
            self.assertEqual(record["reason"], "assigned")
            self.assertTrue(record["in_experiment"])
            self.assertRegex(record["ts"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$")


def main():
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin_dir", required=True)
    parser.add_argument("--prometheus", default="prometheus")
    parser.add_argument("--deploy_dir", required=True)
    ARGS, rest = parser.parse_known_args()
    ARGS.deploy_dir = os.path.abspath(ARGS.deploy_dir)
    ARGS.bin_dir = os.path.abspath(ARGS.bin_dir)
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
