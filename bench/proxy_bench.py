#!/usr/bin/env python3
"""Proxy load benchmark (issue 6, part 2).

The same wrk load on 127.0.0.1 through (a) nginx as a plain reverse proxy, (b) ocpi-bridge
translating, and (c) the upstream directly. The upstream is one nginx serving canned answers
(IOP's and the legacy backends' versions and version details, success envelopes for pushes, the
generated 100-Location 2.2.1 page), so (a), (b) and (c) share exactly the same upstream.

Scenarios: an EVSE status PATCH 2.1.1->2.2.1, a 1 KB Location PUT (TV-03) 2.1.1->2.2.1, and a
100-Location page pull 2.2.1->2.1.1. Reported per target: requests/s, latency percentiles, CPU
microseconds per request of the server under test (not the upstream's, not wrk's) and its peak RSS,
then the bridge/nginx ratios. The load generator runs on core 0, the servers on core 1; each
measurement is repeated and the median kept. Every target is checked once (HTTP 200, OCPI 1000,
the pulled page translated) before it is loaded; a wrong answer or non-2xx answers under load
exit 1. Timings never fail the run.

Usage: proxy_bench.py --bridge build/release/ocpi-bridge --bench build/release/bench/ocpi_bench
                      [--duration 5] [--repeat 3] [--connections 64] [--rss-connections 256]
                      [--soak SECONDS] [--json out.json]
"""
import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "tests", "data")
CLK_TCK = os.sysconf("SC_CLK_TCK")

# The parties the bridge is configured with (a legacy CPO pushing TV-03/TV-05 as BE*BEC, a legacy
# eMSP pulling Locations) and the tokens each side sends.
CPO_TOKEN, EMSP_TOKEN, IOP_TOKEN = "bench-cpo-calls-bridge", "bench-emsp-calls-bridge", "bench-iop-calls-bridge"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def envelope(data):
    return json.dumps({"data": data, "status_code": 1000, "status_message": "Success",
                       "timestamp": "2024-06-01T12:00:00Z"}, separators=(",", ":"))


def write(path, text):
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)


def canned_upstream(root, port, page_221):
    """Files and nginx config of the canned upstream (IOP 2.2.1 + the two legacy backends 2.1.1)."""
    base = f"http://127.0.0.1:{port}"
    files = {
        "iop_versions.json": envelope([{"version": "2.2.1", "url": base + "/ocpi/2.2.1"}]),
        "iop_details.json": envelope({"version": "2.2.1", "endpoints": [
            {"identifier": "credentials", "role": "SENDER", "url": base + "/ocpi/2.2.1/credentials"},
            {"identifier": "locations", "role": "SENDER", "url": base + "/ocpi/2.2.1/sender/locations"},
            {"identifier": "locations", "role": "RECEIVER", "url": base + "/ocpi/2.2.1/receiver/locations"}]}),
        "cpo_versions.json": envelope([{"version": "2.1.1", "url": base + "/ocpi/cpo/2.1.1"}]),
        "cpo_details.json": envelope({"version": "2.1.1", "endpoints": [
            {"identifier": "credentials", "url": base + "/ocpi/cpo/2.1.1/credentials/"},
            {"identifier": "locations", "url": base + "/ocpi/cpo/2.1.1/locations/"}]}),
        "emsp_versions.json": envelope([{"version": "2.1.1", "url": base + "/ocpi/emsp/2.1.1"}]),
        "emsp_details.json": envelope({"version": "2.1.1", "endpoints": [
            {"identifier": "credentials", "url": base + "/ocpi/emsp/2.1.1/credentials/"},
            {"identifier": "locations", "url": base + "/ocpi/emsp/2.1.1/locations/"}]}),
        "page.json": envelope(json.loads(page_221)),
        "success.json": envelope(None).replace('"data":null,', ""),
    }
    for name, text in files.items():
        write(os.path.join(root, name), text)
    exact = {"/ocpi/versions": "iop_versions.json", "/ocpi/2.2.1": "iop_details.json",
             "/ocpi/cpo/versions": "cpo_versions.json", "/ocpi/cpo/2.1.1": "cpo_details.json",
             "/ocpi/emsp/versions": "emsp_versions.json", "/ocpi/emsp/2.1.1": "emsp_details.json",
             "/ocpi/2.2.1/sender/locations": "page.json"}
    locations = "\n".join(f"    location = {path} {{ try_files /{f} =404; }}" for path, f in exact.items())
    return f"""
  server {{
    listen 127.0.0.1:{port} reuseport backlog=4096;
    root {root};
    access_log off;
    default_type application/json;
    keepalive_requests 1000000;
{locations}
    # Every push (PUT/PATCH) to IOP's receiver: a canned success envelope.
    location /ocpi/2.2.1/receiver/ {{ return 200 '{files["success.json"]}'; }}
  }}"""


def nginx_conf(root, servers):
    return f"""
worker_processes 1;
daemon off;
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections 4096; }}
http {{
  client_body_temp_path {root}/tmp_body;
  proxy_temp_path {root}/tmp_proxy;
  fastcgi_temp_path {root}/tmp_fcgi;
  uwsgi_temp_path {root}/tmp_uwsgi;
  scgi_temp_path {root}/tmp_scgi;
  {servers}
}}"""


def plain_proxy(root, port, upstream_port):
    # A plain reverse proxy as it is usually deployed: keep-alive to the upstream with room for as
    # many idle connections as wrk opens (nginx's `keepalive N` only caches idle connections, it
    # does not cap them: with 16 for 64 clients nginx opened and closed connections all the time
    # and measured at half its speed), buffers large enough that the page never spills to a
    # temporary file, one access-log line per request (the bridge logs one line per exchange).
    return f"""
  upstream canned {{ server 127.0.0.1:{upstream_port}; keepalive 64; }}
  server {{
    listen 127.0.0.1:{port} reuseport backlog=4096;
    access_log {root}/proxy_access.log combined buffer=64k;
    keepalive_requests 1000000;
    client_body_buffer_size 64k;
    proxy_buffers 16 32k;
    location / {{
      proxy_pass http://canned;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }}
  }}"""


def bridge_conf(root, upstream_port):
    up = f"http://127.0.0.1:{upstream_port}"
    return f"""
[bridge]
threads = 1
# upstream_pool_size stays at its default (16): 64 like nginx's keepalive gave the same
# requests/s and twice the peak RSS (64 pages in flight instead of 16).
data_dir = "{root}/bridge-data"
log_level = "info"
[state]
store = "sqlite"
[face.hub]
listen = "127.0.0.1:0"
[face.legacy]
listen = "127.0.0.1:0"
[face.admin]
listen = "127.0.0.1:0"
[iop]
versions_url = "{up}/ocpi/versions"
token = "bench-bridge-calls-iop"
accepts_token = "{IOP_TOKEN}"
[[legacy]]
role = "CPO"
country_code = "BE"
party_id = "BEC"
business_name = "BeCharged"
versions_url = "{up}/ocpi/cpo/versions"
token = "bench-bridge-calls-cpo"
accepts_token = "{CPO_TOKEN}"
default_time_zone = "Europe/Brussels"
operator_id = "BE*BEC"
[[legacy]]
role = "EMSP"
country_code = "FR"
party_id = "EMP"
business_name = "Example eMSP"
versions_url = "{up}/ocpi/emsp/versions"
token = "bench-bridge-calls-emsp"
accepts_token = "{EMSP_TOKEN}"
[mapping]
# Every status PATCH must cross to the upstream (MAPPING 4.15 would skip repeated identical ones).
"locations.status_dedup" = false
"""


class Server:
    """A process pinned to a core; its CPU time and peak RSS are read from /proc."""

    def __init__(self, name, args, core, log_path, env=None):
        self.name = name
        self.log = open(log_path, "wb")
        self.p = subprocess.Popen(["taskset", "-c", str(core)] + args, stdout=subprocess.PIPE, stderr=self.log,
                                  env=env, start_new_session=True)

    def pids(self):
        """The process and its children (nginx workers)."""
        out = [self.p.pid]
        try:
            for t in os.listdir(f"/proc/{self.p.pid}/task"):
                with open(f"/proc/{self.p.pid}/task/{t}/children") as fh:
                    out += [int(x) for x in fh.read().split()]
        except OSError:
            pass
        return out

    def cpu_seconds(self):
        total = 0
        for pid in self.pids():
            try:
                with open(f"/proc/{pid}/stat") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])  # utime + stime, whole thread group
            except OSError:
                pass
        return total / CLK_TCK

    def peak_rss_mb(self):
        peak = 0
        for pid in self.pids():
            try:
                with open(f"/proc/{pid}/status") as fh:
                    m = re.search(r"^VmHWM:\s+(\d+) kB", fh.read(), re.M)
                peak = max(peak, int(m.group(1)) if m else 0)
            except OSError:
                pass
        return peak / 1024

    def stop(self):
        if self.p.poll() is None:
            os.killpg(self.p.pid, signal.SIGTERM)
            try:
                self.p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.p.pid, signal.SIGKILL)
                self.p.wait()
        self.log.close()


def wait_port(port, timeout=20):
    end = time.time() + timeout
    while time.time() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"proxy_bench: nothing listens on 127.0.0.1:{port}")


def request(method, url, body=None, headers=None):
    req = urllib.request.Request(url, data=body.encode() if body else None, method=method, headers=headers or {})
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.status, json.loads(r.read())


def wrk_script(path, method, body, headers):
    lines = [f'wrk.method = "{method}"']
    if body is not None:
        lines.append("wrk.body = " + json.dumps(body))
    for k, v in headers.items():
        lines.append(f'wrk.headers["{k}"] = "{v}"')
    write(path, "\n".join(lines) + "\n")


def parse_wrk(text):
    def dur(v):
        n, unit = float(re.match(r"[\d.]+", v).group()), re.sub(r"[\d.]", "", v)
        return n * {"us": 1e-3, "ms": 1, "s": 1e3, "m": 6e4}[unit]

    out = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)),
           "requests": int(re.search(r"(\d+) requests in", text).group(1))}
    for pct in ("50", "90", "99"):
        out[f"p{pct}_ms"] = dur(re.search(rf"^\s+{pct}(?:\.000)?%\s+(\S+)", text, re.M).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    out["non2xx"] = int(bad.group(1)) if bad else 0
    # connect/read/write errors mean a broken target; wrk's timeouts only a slow one (timing is
    # reported, never a failure: a loaded CI machine must not turn red because of it).
    out["socket_errors"] = sum(int(x) for x in errors.groups()[:3]) if errors else 0
    out["timeouts"] = int(errors.group(4)) if errors else 0
    return out


def run_wrk(url, script, duration, connections, core):
    cmd = ["taskset", "-c", str(core), "wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "--latency",
           "-s", script, url]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60)
    if r.returncode != 0:
        raise SystemExit(f"proxy_bench: wrk failed: {r.stderr}")
    return parse_wrk(r.stdout)


def measure(server, url, script, a):
    """The median of `repeat` runs (by requests/s) with the server's CPU per request."""
    runs = []
    for _ in range(a.repeat):
        cpu0 = server.cpu_seconds()
        r = run_wrk(url, script, a.duration, a.connections, a.load_core)
        r["cpu_us"] = (server.cpu_seconds() - cpu0) * 1e6 / max(r["requests"], 1)
        if r["non2xx"] or r["socket_errors"]:
            raise SystemExit(f"proxy_bench: {url}: {r['non2xx']} non-2xx answers, {r['socket_errors']} socket errors")
        if r["timeouts"]:
            print(f"proxy_bench: {url}: {r['timeouts']} requests timed out after 10 s (slow, not counted)")
        runs.append(r)
    runs.sort(key=lambda r: r["rps"])
    med = dict(runs[len(runs) // 2])
    med["p99_ms"] = statistics.median(r["p99_ms"] for r in runs)
    med["p50_ms"] = statistics.median(r["p50_ms"] for r in runs)
    med["cpu_us"] = statistics.median(r["cpu_us"] for r in runs)
    return med


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bridge", required=True)
    ap.add_argument("--bench", required=True, help="ocpi_bench, which prints the generated Location page")
    ap.add_argument("--duration", type=int, default=5)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--rss-connections", type=int, default=256)
    ap.add_argument("--soak", type=int, default=0, help="seconds of mixed load on the bridge, RSS sampled")
    ap.add_argument("--json")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    ap.add_argument("--only", help="comma-separated scenario names (default: all), e.g. for profiling one")
    ap.add_argument("--targets", default="nginx,bridge,direct", help="comma-separated subset of nginx,bridge,direct")
    ap.add_argument("--no-rss", action="store_true", help="skip the peak-RSS run")
    a = ap.parse_args()
    for tool in ("wrk", "nginx", "taskset"):
        if not shutil.which(tool) and not os.path.exists("/usr/sbin/" + tool):
            print(f"proxy_bench: {tool} missing (OCPI_WITH_BENCH_TOOLS=1 scripts/install-deps.sh): skipped")
            return 0
    cores = len(os.sched_getaffinity(0))
    a.load_core, server_core = (0, 1) if cores >= 2 else (0, 0)
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"

    root = tempfile.mkdtemp(prefix="ocpi-proxy-bench-")
    os.chmod(root, 0o755)
    for d in ("tmp_body", "tmp_proxy", "tmp_fcgi", "tmp_uwsgi", "tmp_scgi"):
        os.makedirs(os.path.join(root, d), mode=0o777)
    servers = []
    try:
        page = subprocess.run([a.bench, "--print-location-page"], capture_output=True, text=True, check=True).stdout
        up_port, proxy_port = free_port(), free_port()
        up_root = os.path.join(root, "upstream")
        os.makedirs(up_root)
        os.chmod(up_root, 0o755)
        write(os.path.join(root, "upstream.conf"), nginx_conf(up_root, canned_upstream(up_root, up_port, page)))
        write(os.path.join(root, "proxy.conf"), nginx_conf(root, plain_proxy(root, proxy_port, up_port)))
        for d in ("tmp_body", "tmp_proxy", "tmp_fcgi", "tmp_uwsgi", "tmp_scgi"):
            os.makedirs(os.path.join(up_root, d), mode=0o777)
        upstream = Server("upstream", [nginx, "-p", up_root, "-c", os.path.join(root, "upstream.conf")], server_core,
                          os.path.join(root, "upstream.log"))
        servers.append(upstream)
        proxy = Server("nginx", [nginx, "-p", root, "-c", os.path.join(root, "proxy.conf")], server_core,
                       os.path.join(root, "proxy.log"))
        servers.append(proxy)
        wait_port(up_port)
        wait_port(proxy_port)

        write(os.path.join(root, "bridge.toml"), bridge_conf(root, up_port))
        bridge = Server("bridge", [a.bridge, "run", "--config", os.path.join(root, "bridge.toml")], server_core,
                        os.path.join(root, "bridge.log"))
        servers.append(bridge)
        ports = {}
        end = time.time() + 30
        while len(ports) < 3 and time.time() < end:
            line = bridge.p.stdout.readline().decode()
            m = re.match(r"LISTENING (\w+) (\d+)", line)
            if m:
                ports[m.group(1)] = int(m.group(2))
            elif not line and bridge.p.poll() is not None:
                raise SystemExit(f"proxy_bench: the bridge exited; see {root}/bridge.log")
        # The bridge keeps writing to stdout (one line per exchange): drain it to a file.
        subprocess.Popen(["cat"], stdin=bridge.p.stdout, stdout=open(os.path.join(root, "bridge.out"), "wb"))
        legacy = f"http://127.0.0.1:{ports['legacy']}"
        up = f"http://127.0.0.1:{up_port}"
        prox = f"http://127.0.0.1:{proxy_port}"

        with open(os.path.join(DATA, "locations/tv05_evse_status_patch.v211.json")) as fh:
            patch = json.dumps(json.load(fh), separators=(",", ":"))
        with open(os.path.join(DATA, "locations/tv03_location_put.v211.json")) as fh:
            put = json.dumps(json.load(fh), separators=(",", ":"))
        json_type = {"Content-Type": "application/json"}
        scenarios = [
            ("evse_status_patch", "PATCH", patch, "/ocpi/emsp/2.1.1/locations/BE/BEC/LOC1/3256", CPO_TOKEN,
             "/ocpi/2.2.1/receiver/locations/BE/BEC/LOC1/3256"),
            ("location_put_1kb", "PUT", put, "/ocpi/emsp/2.1.1/locations/BE/BEC/LOC1", CPO_TOKEN,
             "/ocpi/2.2.1/receiver/locations/BE/BEC/LOC1"),
            ("location_page_pull_100", "GET", None, "/ocpi/cpo/2.1.1/locations", EMSP_TOKEN,
             "/ocpi/2.2.1/sender/locations"),
        ]

        all_scenarios = scenarios
        # Discovery runs in the background at start-up: wait until the bridge relays a push.
        end = time.time() + 30
        while True:
            try:
                if request("PATCH", legacy + scenarios[0][3], patch,
                           dict(json_type, Authorization="Token " + CPO_TOKEN))[1]["status_code"] == 1000:
                    break
            except Exception:
                pass
            if time.time() > end:
                raise SystemExit(f"proxy_bench: the bridge never relayed a push; see {root}/bridge.out")
            time.sleep(0.2)

        if a.only:
            wanted = a.only.split(",")
            unknown = set(wanted) - {s[0] for s in scenarios}
            if unknown:
                raise SystemExit(f"proxy_bench: unknown scenario(s) {sorted(unknown)}")
            scenarios = [s for s in all_scenarios if s[0] in wanted]
        results = {}
        for name, method, body, bridge_path, token, up_path in scenarios:
            targets = {"nginx": (proxy, prox + up_path, {}), "bridge": (bridge, legacy + bridge_path,
                                                                        {"Authorization": "Token " + token}),
                       "direct": (upstream, up + up_path, {})}
            results[name] = {}
            targets = {k: v for k, v in targets.items() if k in a.targets.split(",")}
            for tname, (server, url, headers) in targets.items():
                headers = dict(headers, **(json_type if body else {}))
                status, env = request(method, url, body, headers)
                if status != 200 or env.get("status_code") != 1000:
                    raise SystemExit(f"proxy_bench: {name} via {tname}: HTTP {status}, {env}")
                if method == "GET":
                    data = env.get("data")
                    translated = tname == "bridge"
                    # 2.1.1 Locations carry `type` and no owner fields; 2.2.1 ones the reverse.
                    if (len(data) != 100 or any(("country_code" in l) == translated for l in data)
                            or any(("type" in l) != translated for l in data)):
                        raise SystemExit(f"proxy_bench: {name} via {tname}: not the expected page")
                script = os.path.join(root, f"{name}_{tname}.lua")
                wrk_script(script, method, body, headers)
                results[name][tname] = measure(server, url, script, a)
                r = results[name][tname]
                print(f"  {name:24} {tname:7} {r['rps']:10.0f} req/s  p50 {r['p50_ms']:7.3f} ms  "
                      f"p99 {r['p99_ms']:7.3f} ms  {r['cpu_us']:7.1f} us CPU/req", flush=True)

        # Peak RSS with many concurrent keep-alive connections (the pull, the largest answers).
        rss = {}
        for tname, server, url, headers in () if a.no_rss else (
                ("bridge", bridge, legacy + all_scenarios[2][3], {"Authorization": "Token " + EMSP_TOKEN}),
                ("nginx", proxy, prox + all_scenarios[2][5], {})):
            script = os.path.join(root, f"rss_{tname}.lua")
            wrk_script(script, "GET", None, headers)
            run_wrk(url, script, a.duration, a.rss_connections, a.load_core)
            rss[tname] = server.peak_rss_mb()
        soak = None
        if a.soak:
            # Mixed load: 30 s rounds cycling through the three scenarios, RSS sampled after each.
            rounds = []
            for name, method, body, bridge_path, token, _ in all_scenarios:
                script = os.path.join(root, f"soak_{name}.lua")
                wrk_script(script, method, body, dict({"Authorization": "Token " + token}, **(json_type if body else {})))
                rounds.append((legacy + bridge_path, script))
            samples = []
            for i in range(max(1, a.soak // 30)):
                url, script = rounds[i % len(rounds)]
                run_wrk(url, script, min(30, a.soak), a.rss_connections, a.load_core)
                with open(f"/proc/{bridge.p.pid}/status") as fh:
                    samples.append(int(re.search(r"^VmRSS:\s+(\d+) kB", fh.read(), re.M).group(1)) / 1024)
            soak = samples

        print()
        print(f"{'scenario':24} {'target':7} {'req/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'CPU us/req':>10}")
        for name, per in results.items():
            for tname, r in per.items():
                print(f"{name:24} {tname:7} {r['rps']:10.0f} {r['p50_ms']:8.3f} {r['p99_ms']:8.3f} {r['cpu_us']:10.1f}")
        if rss:
            print(f"peak RSS with {a.rss_connections} keep-alive connections: bridge {rss['bridge']:.1f} MB, "
                  f"nginx worker {rss['nginx']:.1f} MB")
        if soak:
            print("bridge RSS during the soak (MB): " + " ".join(f"{s:.1f}" for s in soak))
        print()
        for name, per in results.items():
            if "bridge" not in per or "nginx" not in per:
                continue
            b, n = per["bridge"], per["nginx"]
            print(f"RESULT proxy_{name}_rps_bridge_over_nginx {b['rps'] / n['rps']:.3f}")
            print(f"RESULT proxy_{name}_p99_bridge_over_nginx {b['p99_ms'] / n['p99_ms']:.3f}")
            print(f"RESULT proxy_{name}_cpu_us_bridge_over_nginx {b['cpu_us'] / max(n['cpu_us'], 1e-9):.3f}")
        if rss:
            print(f"RESULT proxy_peak_rss_mb_bridge_{a.rss_connections}conn {rss['bridge']:.1f}")
        if soak:
            print(f"RESULT proxy_soak_rss_growth_mb {soak[-1] - soak[0]:.1f}")
        if a.json:
            with open(a.json, "w") as fh:
                json.dump({"results": results, "peak_rss_mb": rss, "soak_rss_mb": soak}, fh, indent=1)
        return 0
    finally:
        for s in reversed(servers):
            s.stop()
        if a.keep:
            print(f"proxy_bench: work directory kept: {root}", file=sys.stderr)
        else:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
