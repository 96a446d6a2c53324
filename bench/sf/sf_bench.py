#!/usr/bin/env python3
"""Store-and-forward throughput, three phases on one run (see README.md):

  direct   sf.mode=SYNC, hub healthy: legacy Location PUTs answered per second (each one waits for IOP)
  enqueue  sf.mode=QUEUE_ALWAYS, hub unreachable: legacy Location PUTs answered per second (each one
           waits for its fsync'd commit, group commit shared by the concurrent requests)
  replay   the hub comes back: queued entries delivered per second (one in flight per queue, FIFO)

The load generator keeps CONNECTIONS keep-alive connections busy. Uses the e2e harness to start the
simulated hub and legacy peers and the bridge (tests/integration/harness.py).
"""

import argparse
import http.client
import json
import os
import sys
import threading
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "integration"))
import harness as h  # noqa: E402

CPO_FACE = "/ocpi/emsp/2.1.1"


class BenchWorld(h.World):
    def __init__(self):
        super().__init__(tls=False)
        self.extra_mapping = ""  # appended [mapping] lines (World.mapping is a dict of its own)

    def config_toml(self, name, data_name=None):
        text = super().config_toml(name, data_name)
        text = text.replace('log_level = "debug"', 'log_level = "warn"').replace("upstream_pool_size = 4",
                                                                                  "upstream_pool_size = 16")
        return text + self.extra_mapping


def location(i):
    body = h.load("tv03_location_put.v211.json")
    body["id"] = f"B{i}"
    return body


def load(port, requests, connections, seconds, start):
    """Sends Location PUTs numbered from `start`; returns (answered 200+1000, elapsed s, failures)."""
    counter = {"next": start, "ok": 0, "bad": 0}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    auth = "Token " + h.CPO["token_legacy_sends"]

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < deadline:
            with lock:
                i = counter["next"]
                if i >= start + requests:
                    break
                counter["next"] += 1
            body = json.dumps(location(i))
            conn.request("PUT", f"{CPO_FACE}/locations/BE/BEC/B{i}", body=body,
                         headers={"Authorization": auth, "Content-Type": "application/json"})
            r = conn.getresponse()
            answer = json.loads(r.read() or b"{}")
            with lock:
                if r.status == 200 and answer.get("status_code") == 1000:
                    counter["ok"] += 1
                else:
                    counter["bad"] += 1
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return counter["ok"], time.monotonic() - t0, counter["bad"]


def admin_queue(world, name):
    with open(os.path.join(world.workdir, f"{name}-data", "admin.token")) as f:
        token = f.read().strip()
    req = urllib.request.Request(f"http://127.0.0.1:{world.admin_port}/admin/queue",
                                 headers={"Authorization": "Token " + token})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())["data"]


def wait_ready(port):
    """A fresh bridge answers 503 until IOP's endpoints are discovered."""
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        ok, _, _ = load(port, 1, 1, 5, 10_000_000 + int(time.monotonic() * 1000) % 1_000_000)
        if ok:
            return
        time.sleep(0.2)
    raise RuntimeError("bridge not ready")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bridge", required=True)
    p.add_argument("--hub-sim", required=True)
    p.add_argument("--legacy-sim", required=True)
    p.add_argument("--requests", type=int, default=int(os.environ.get("SF_BENCH_REQUESTS", "2000")))
    p.add_argument("--connections", type=int, default=8)
    p.add_argument("--phase-seconds", type=float, default=float(os.environ.get("SF_BENCH_PHASE_S", "15")))
    a = p.parse_args()
    h.Binaries.bridge, h.Binaries.hub_sim, h.Binaries.legacy_sim = a.bridge, a.hub_sim, a.legacy_sim
    h.Binaries.tls = False

    w = BenchWorld()
    try:
        w.extra_mapping = '"sf.mode" = "SYNC"\n'
        w.start()
        wait_ready(w.bridge_ports["legacy"])
        d_ok, d_s, d_bad = load(w.bridge_ports["legacy"], a.requests, a.connections, a.phase_seconds, 0)
        w.bridge.stop()

        w.extra_mapping = '"sf.mode" = "QUEUE_ALWAYS"\n"sf.retry_initial_ms" = 50\n"sf.retry_max_ms" = 100\n'
        w.bridge, w.bridge_ports = w.start_bridge("bridge-queue")
        w.admin_port = w.bridge_ports["admin"]
        w.point_sims_at_bridge()
        w.wait_discovery()
        w.fault("hub", "reset", count=10_000_000)
        # Discovery is done before the hub goes down; the readiness probe's entry is queued too.
        wait_ready(w.bridge_ports["legacy"])
        e_ok, e_s, e_bad = load(w.bridge_ports["legacy"], a.requests, a.connections, a.phase_seconds, 1_000_000)
        depth = admin_queue(w, "bridge-queue")["depth"]

        w.fault("hub", "none", count=0)
        t0 = time.monotonic()
        # Bounded too: the rate is what was drained per second, drained to the end or not.
        deadline = t0 + a.phase_seconds * 2
        left = depth
        while time.monotonic() < deadline:
            left = admin_queue(w, "bridge-queue")["depth"]
            if left == 0:
                break
            time.sleep(0.02)
        r_s = time.monotonic() - t0
        r_done = depth - left
    finally:
        w.stop()

    direct = d_ok / d_s
    enqueue = e_ok / e_s
    replay = r_done / r_s
    print(f"{'phase':<10}{'messages':>10}{'seconds':>10}{'msg/s':>12}{'failed':>8}")
    print(f"{'direct':<10}{d_ok:>10}{d_s:>10.2f}{direct:>12.1f}{d_bad:>8}")
    print(f"{'enqueue':<10}{e_ok:>10}{e_s:>10.2f}{enqueue:>12.1f}{e_bad:>8}")
    print(f"{'replay':<10}{r_done:>10}{r_s:>10.2f}{replay:>12.1f}{left:>8}")  # replay "failed" = still queued at the end
    print(f"RESULT sf_direct_msgs_per_s {direct:.1f}")
    print(f"RESULT sf_enqueue_vs_direct {enqueue / direct:.3f}")
    print(f"RESULT sf_replay_vs_direct {replay / direct:.3f}")
    return 0 if d_bad == 0 and e_bad == 0 and r_done > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
