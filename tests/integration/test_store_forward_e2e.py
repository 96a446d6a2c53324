#!/usr/bin/env python3
"""Store-and-forward toward IOP proven by fault injection (MAPPING §4.14, §5.7, issue 5): the real
ocpi-bridge between the simulated IOP hub and the legacy CPO, streams of mixed queueable updates
(Location PUT, EVSE status PATCH, Session PUT, CDR POST, Tariff PUT) while the hub is down, answers
500s and times out, and while the bridge is killed with SIGKILL and restarted on its data directory.

Every scenario ends with the same proof, from what the hub RECEIVED (its ordered request log):
every message the bridge acknowledged reached the hub with a 2xx answer, byte for byte the expected
2.2.1 translation, in send order per (party, module) queue; a message is delivered more than once
only when the hub's answer never reached the bridge (timeouts), and then only as the same idempotent
request. Each scenario prints `FIGURES <name> sent=.. acknowledged=.. delivered=.. duplicated=.. lost=..`.

Run: test_store_forward_e2e.py --bridge PATH --hub-sim PATH --legacy-sim PATH [--keep-logs]
"""

import copy
import json
import os
import re
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

W = None
UPSTREAM_TIMEOUT_MS = 800      # short, so that timeouts cost little
CPO_FACE = "/ocpi/emsp/2.1.1"  # legacy face shown to the legacy CPO
HUB_RECEIVER = "/ocpi/2.2.1/receiver"
DRAIN_TIMEOUT_S = 25


def data(module, name):
    with open(os.path.join(h.REPO, "tests", "data", module, name), encoding="utf-8") as f:
        return json.load(f)


def as_cpo_b(obj):
    out = copy.deepcopy(obj)
    out["country_code"], out["party_id"] = "BE", "BEC"
    return out


class SfWorld(h.World):
    """The harness world with fast store-and-forward retries and a short upstream timeout."""

    def __init__(self, sf_mode="HYBRID"):
        super().__init__()
        self.sf_mode = sf_mode
        self.extra = ""  # more [mapping] lines for the next bridge started

    def config_toml(self, name, data_name=None):
        text = super().config_toml(name, data_name)
        text = re.sub(r"upstream_timeout_ms = \d+", f"upstream_timeout_ms = {UPSTREAM_TIMEOUT_MS}", text)
        return text + (f'"sf.mode" = "{self.sf_mode}"\n"sf.retry_initial_ms" = 50\n"sf.retry_max_ms" = 400\n' + self.extra)


def setUpModule():
    global W
    W = SfWorld().start()


def tearDownModule():
    if W:
        W.stop()


# ---- the messages -------------------------------------------------------------------------------------
class Message:
    """One legacy request: what is sent, where, and what IOP must receive for it."""

    def __init__(self, n, kind):
        self.n, self.kind = n, kind
        self.acked = False
        self.answer = None
        base = data("cdrs", "tv16a_post.v211.json")["location"]
        if kind == "location":
            self.id = f"LOC-SF-{n}"
            self.method, self.path = "PUT", f"/locations/BE/BEC/{self.id}"
            self.body = dict(h.load("tv03_location_put.v211.json"), id=self.id)
            self.expected = dict(h.load("tv03_location_put.expected.v221.json"), id=self.id)
            self.module, self.key = "locations", self.id
        elif kind == "evse":
            status = "CHARGING" if n % 2 else "AVAILABLE"  # alternating: never de-duplicated (§4.15)
            stamp = f"2026-01-01T{n // 3600:02}:{n // 60 % 60:02}:{n % 60:02}Z"
            self.method, self.path = "PATCH", f"/locations/BE/BEC/{base['id']}/{base['evses'][0]['uid']}"
            self.body = {"status": status, "last_updated": stamp}
            self.expected = dict(self.body)
            self.module, self.key = "locations", "evse@" + stamp
        elif kind == "session":
            self.id = f"S-SF-{n}"
            self.method, self.path = "PUT", f"/sessions/BE/BEC/{self.id}"
            self.body = dict(data("sessions", "tv13_put.v211.json"), id=self.id)
            self.expected = dict(as_cpo_b(data("sessions", "tv13_put.v221.json")), id=self.id,
                                 cdr_token=derived_token("FR*EMP*11111"))
            self.module, self.key = "sessions", self.id
        elif kind == "cdr":
            self.id = f"CDR-SF-{n}"
            self.method, self.path = "POST", "/cdrs"
            self.body = dict(data("cdrs", "tv16a_post.v211.json"), id=self.id)
            self.expected = dict(as_cpo_b(data("cdrs", "tv16a_post.v221.json")), id=self.id,
                                 cdr_token=derived_token("FR*EMP*1111"))
            self.module, self.key = "cdrs", self.id
        elif kind == "tariff":
            self.id = f"T-SF-{n}"
            self.method, self.path = "PUT", f"/tariffs/BE/BEC/{self.id}"
            self.body = dict(data("tariffs", "tv18a_gireve_cpo_put.v211.json"), id=self.id)
            self.expected = dict(as_cpo_b(data("tariffs", "tv18a_gireve_cpo_put.v221.json")), id=self.id)
            self.module, self.key = "tariffs", self.id
        else:
            raise ValueError(kind)


def derived_token(auth_id):
    return {"country_code": auth_id[:2].upper(), "party_id": auth_id[3:6].upper(), "uid": auth_id, "type": "OTHER",
            "contract_id": auth_id}


KINDS = ("location", "evse", "session", "cdr", "tariff")


def stream(start, count, kinds=KINDS):
    return [Message(n, kinds[n % len(kinds)]) for n in range(start, start + count)]


def hub_key(req):
    """The message a request received by the hub carries, or None (not one of ours)."""
    path, body = req["path"], req.get("body")
    if not path.startswith(HUB_RECEIVER + "/"):
        return None
    parts = path[len(HUB_RECEIVER) + 1:].split("/")
    if parts[0] == "cdrs" and req["method"] == "POST" and isinstance(body, dict):
        return body.get("id")
    if parts[0] == "locations" and req["method"] == "PATCH" and len(parts) == 5 and isinstance(body, dict):
        return "evse@" + str(body.get("last_updated"))
    if len(parts) == 4 and req["method"] == "PUT":
        return parts[3]
    return None


class Base(unittest.TestCase):
    maxDiff = None

    def setUp(self):
        h.fresh_start(self, W)
        W.fault("hub", "none", count=0)
        self.wait_drained()
        # The Location CDRs and EVSE PATCHes refer to (IOP refuses CDRs of unknown Locations: 2003).
        base = data("cdrs", "tv16a_post.v211.json")["location"]
        self.assertEqual(self.send_raw("PUT", f"/locations/BE/BEC/{base['id']}", base)[1], 1000)
        W.clear_all()

    # -- talking to the bridge
    def send_raw(self, method, path, body, timeout=20.0):
        """(HTTP status, OCPI status_code, status_message) of a legacy CPO request; (0, 0, error) when no answer."""
        try:
            r = W.call_bridge("legacy", method, CPO_FACE + path, body=body, timeout=timeout,
                              headers={"Authorization": "Token " + h.CPO["token_legacy_sends"]})
        except OSError as e:
            return 0, 0, repr(e)
        body = r.json if isinstance(r.json, dict) else {}
        return r.status, body.get("status_code"), body.get("status_message", "")

    def send(self, m):
        m.answer = self.send_raw(m.method, m.path, m.body)
        # 200/201 + 1000 = the bridge took it: IOP accepted it, or it is durably queued.
        m.acked = m.answer[0] in (200, 201) and m.answer[1] == 1000
        return m

    def queue(self):
        rc, out, err = W.bridge_admin("queue")
        self.assertEqual(rc, 0, f"admin queue: {err}")
        return json.loads(out)

    def wait_drained(self, timeout=DRAIN_TIMEOUT_S):
        deadline = time.monotonic() + timeout
        while True:
            q = self.queue()
            if q["depth"] == 0:
                return q
            if time.monotonic() > deadline:
                self.fail(f"the queues did not drain within {timeout}s: {q}\n{W.bridge.diagnostics(30)}")
            time.sleep(0.1)

    # -- the proof
    def verify(self, name, messages, ordered=True):
        acked = [m for m in messages if m.acked]
        by_key = {m.key: m for m in messages}
        deliveries = {}  # key -> bodies IOP accepted (2xx), in arrival order
        first_order = []
        for req in W.requests("hub"):
            key = hub_key(req)
            if key is None or key not in by_key or not 200 <= (req.get("status") or 0) < 300:
                continue
            if key not in deliveries:
                first_order.append(key)
            deliveries.setdefault(key, []).append(req)
        lost = [m.key for m in acked if m.key not in deliveries]
        duplicated = sum(len(v) - 1 for v in deliveries.values())
        print(f"FIGURES {name} sent={len(messages)} acknowledged={len(acked)} delivered={len(deliveries)} "
              f"duplicated={duplicated} lost={len(lost)}", flush=True)
        self.assertEqual(lost, [], f"{name}: acknowledged messages never delivered")
        for key, reqs in deliveries.items():
            m = by_key[key]
            for req in reqs:  # duplicates included: only ever the same request
                h.assert_json_equal(req["body"], m.expected, f"{name}: {m.kind} #{m.n} as IOP received it")
                hd = req["headers"]
                self.assertEqual((hd.get("ocpi-from-country-code"), hd.get("ocpi-from-party-id")), ("BE", "BEC"))
                self.assertEqual((hd.get("ocpi-to-country-code"), hd.get("ocpi-to-party-id")), ("FR", "107"))
            request_ids = [r["headers"].get("x-request-id") for r in reqs]
            self.assertEqual(len(set(request_ids)), len(request_ids), f"{name}: every attempt has its own X-Request-ID")
            self.assertEqual(len({r["headers"].get("x-correlation-id") for r in reqs}), 1,
                             f"{name}: every attempt keeps the original X-Correlation-ID")
        if ordered:  # FIFO per (party, module): the acknowledged messages arrive in the order they were sent
            for module in ("locations", "sessions", "cdrs", "tariffs"):
                sent = [m.key for m in acked if m.module == module]
                arrived = [k for k in first_order if by_key[k].module == module and by_key[k].acked]
                self.assertEqual(arrived, sent, f"{name}: {module} delivered out of order")
        return len(acked), len(deliveries), duplicated


class A_HubDown(Base):
    def test_hub_down_during_a_stream_then_back(self):
        msgs = [self.send(m) for m in stream(0, 10)]  # healthy: sent directly
        W.fault("hub", "reset", count=100000)          # IOP unreachable: connections reset
        down = [self.send(m) for m in stream(10, 25)]
        for m in down:
            self.assertEqual(m.answer[:2], (200, 1000), f"{m.kind} #{m.n} while IOP is down: {m.answer}")
            self.assertIn("queued", m.answer[2])
        q = self.queue()
        self.assertGreater(q["depth"], 0, q)
        self.assertEqual({x["queue"] for x in q["queues"]},
                         {"BE*BEC/locations", "BE*BEC/sessions", "BE*BEC/cdrs", "BE*BEC/tariffs"}, q)
        self.assertGreater(q["retries"], 0, "the replay loops keep trying while IOP is down")
        W.fault("hub", "none", count=0)
        msgs += down + [self.send(m) for m in stream(35, 5)]  # new requests wait behind the queue
        self.wait_drained()
        acked, delivered, _ = self.verify("hub_down", msgs)
        self.assertEqual(acked, 40)


class B_Intermittent(Base):
    def test_hub_answers_500s_and_timeouts_intermittently(self):
        msgs = []
        for m in stream(100, 40):
            i = m.n - 100
            if i % 4 == 1:
                W.fault("hub", "http500", count=2)
            elif i % 9 == 4:
                W.fault("hub", "timeout", count=1, delay_ms=UPSTREAM_TIMEOUT_MS + 400)
            elif i % 13 == 6:  # IOP takes it but answers too late: the bridge never hears the ack
                W.fault("hub", "slow", count=1, delay_ms=UPSTREAM_TIMEOUT_MS + 400)
            msgs.append(self.send(m))
        for m in msgs:
            self.assertEqual(m.answer[:2] in ((200, 1000), (201, 1000)), True, f"{m.kind} #{m.n}: {m.answer}")
        self.wait_drained()
        self.verify("intermittent", msgs)


class C_SigkillWithQueuedEntries(Base):
    def restart(self):
        proc, ports = W.start_bridge("bridge")
        W.bridge, W.bridge_ports = proc, ports
        W.point_sims_at_bridge()

    def kill(self):
        W.bridge.p.kill()  # SIGKILL: no flush, no clean close of the store
        W.bridge.p.wait(timeout=10)
        W.bridge.stop()

    def test_sigkill_while_queued_then_restart_delivers_everything(self):
        W.fault("hub", "reset", count=100000)
        msgs = [self.send(m) for m in stream(200, 20)]
        self.assertTrue(all(m.acked for m in msgs), [m.answer for m in msgs])
        depth = self.queue()["depth"]
        self.assertEqual(depth, 20)
        self.kill()
        self.restart()
        q = self.queue()
        self.assertEqual(q["depth"], 20, f"every acknowledged entry is back after SIGKILL: {q}")
        W.fault("hub", "slow", count=100000, delay_ms=60)  # IOP back, slowly: kill again mid-replay
        deadline = time.monotonic() + DRAIN_TIMEOUT_S
        while self.queue()["depth"] > 12 and time.monotonic() < deadline:
            time.sleep(0.05)
        self.kill()
        W.fault("hub", "none", count=0)
        self.restart()
        self.wait_drained()
        self.verify("sigkill_queued", msgs)

    def test_sigkill_during_a_concurrent_burst_loses_nothing_acknowledged(self):
        """The disk store reopened after an unclean stop: whatever got its 1000 before the kill is on
        disk (answers follow the commit), whatever did not may or may not be."""
        W.fault("hub", "reset", count=100000)
        # No EVSE status PATCHes here: concurrent lanes patching one EVSE would be answered by the
        # §4.15 de-duplication (identical consecutive status: acknowledged, never sent).
        msgs = stream(300, 200, kinds=("location", "session", "cdr", "tariff"))
        lanes = [msgs[i::4] for i in range(4)]
        stop = threading.Event()

        def lane(ms):
            for m in ms:
                if stop.is_set():
                    return
                self.send(m)

        threads = [threading.Thread(target=lane, args=(ms,)) for ms in lanes]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 10
        while sum(m.acked for m in msgs) < 30 and time.monotonic() < deadline:
            time.sleep(0.02)
        self.kill()
        stop.set()
        for t in threads:
            t.join(timeout=30)
        self.assertGreaterEqual(sum(m.acked for m in msgs), 30)
        W.fault("hub", "none", count=0)
        self.restart()
        self.wait_drained()
        sent = [m for m in msgs if m.answer is not None]
        # Concurrent senders define no order between lanes; each lane's order is checked below.
        self.verify("sigkill_burst", sent, ordered=False)
        deliveries = [hub_key(r) for r in W.requests("hub") if 200 <= (r.get("status") or 0) < 300]
        for ms in lanes:
            for module in ("locations", "sessions", "cdrs", "tariffs"):
                keys = [m.key for m in ms if m.acked and m.module == module]
                firsts = []
                for k in deliveries:
                    if k in keys and k not in firsts:
                        firsts.append(k)
                self.assertEqual(firsts, keys, f"lane order of {module}")


class D_DeadLettersAndBounds(Base):
    def test_refused_entry_goes_to_dead_letters_and_the_queue_continues(self):
        W.fault("hub", "reset", count=100000)
        before = self.send(Message(400, "tariff"))
        bad = dict(data("cdrs", "tv16a_post.v211.json"), id="CDR-SF-BAD")
        bad["location"] = dict(bad["location"], id="NOWHERE")  # IOP answers 2003 for unknown Locations
        self.assertEqual(self.send_raw("POST", "/cdrs", bad)[:2], (200, 1000))
        after = [self.send(Message(n, "cdr")) for n in (401, 402)]
        W.fault("hub", "none", count=0)
        self.wait_drained()
        self.verify("dead_letter", [before] + after)
        rc, out, err = W.bridge_admin("dead-letters", "list")
        self.assertEqual(rc, 0, err)
        dead = json.loads(out)
        self.assertEqual(len(dead), 1, dead)
        self.assertEqual(dead[0]["queue"], "BE*BEC/cdrs")
        self.assertEqual(json.loads(dead[0]["body"])["id"], "CDR-SF-BAD")
        self.assertEqual(json.loads(dead[0]["answer_body"])["status_code"], 2003, "the hub's answer is kept")
        self.assertEqual(self.queue()["dead_letters"], 1)
        # Replay: back to the tail of its queue, refused again, dead again (with a new id).
        W.clear("hub")
        rc, out, err = W.bridge_admin("dead-letters", "replay", str(dead[0]["id"]))
        self.assertEqual(rc, 0, err)
        W.wait_requests("hub", "POST", f"{HUB_RECEIVER}/cdrs", where=lambda r: r["body"].get("id") == "CDR-SF-BAD")
        self.wait_drained()
        deadline = time.monotonic() + 5
        while self.queue()["dead_letters"] != 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        rc, out, _ = W.bridge_admin("dead-letters", "list")
        again = json.loads(out)
        self.assertEqual(len(again), 1)
        self.assertGreater(again[0]["id"], dead[0]["id"])
        rc, out, err = W.bridge_admin("dead-letters", "purge", "--all")
        self.assertEqual(rc, 0, err)
        self.assertEqual(json.loads(W.bridge_admin("dead-letters", "list")[1]), [])
        self.assertEqual(W.bridge_admin("dead-letters", "purge", "999999")[0], 2, "unknown id refused")
        self.assertEqual(W.bridge_admin("dead-letters", "replay", "x")[0], 1, "usage error")

    def test_a_full_queue_is_refused_with_3000_and_http_503(self):
        W.extra = '"sf.max_entries" = 3\n'
        try:
            proc, ports = W.start_bridge("bridge-bounded")
        finally:
            W.extra = ""
        try:
            W.fault("hub", "reset", count=100000)
            url = f"http://127.0.0.1:{ports['legacy']}{CPO_FACE}"
            auth = {"Authorization": "Token " + h.CPO["token_legacy_sends"]}
            answers = []
            deadline = time.monotonic() + 10
            n = 500
            while len(answers) < 4 and time.monotonic() < deadline:
                m = Message(n, "tariff")
                r = h.http_request("PUT", url + m.path, headers=auth, body=m.body, timeout=20)
                code = (r.json or {}).get("status_code") if isinstance(r.json, dict) else None
                if (r.status, code) == (503, 3000) and "not discovered" in r.json.get("status_message", ""):
                    time.sleep(0.2)  # a fresh bridge answers 503 until IOP's endpoints are known
                    continue
                answers.append((r.status, code, r.json.get("status_message", "")))
                n += 1
            self.assertEqual([a[:2] for a in answers], [(200, 1000)] * 3 + [(503, 3000)], answers)
            self.assertIn("sf.max_entries", answers[3][2])
        finally:
            W.fault("hub", "none", count=0)
            proc.stop()


class VariantBridges(Base):
    """Helpers for tests that start a bridge of their own beside the module's (other settings)."""

    def start_variant(self, name, extra, sf_mode="HYBRID"):
        W.extra, W.sf_mode = extra, sf_mode
        try:
            return W.start_bridge(name)
        finally:
            W.extra, W.sf_mode = "", "HYBRID"

    def variant_send(self, ports, method, path, body):
        """Like send_raw, to another bridge, waiting out its first 503 "not discovered" answers."""
        url = f"http://127.0.0.1:{ports['legacy']}{CPO_FACE}{path}"
        auth = {"Authorization": "Token " + h.CPO["token_legacy_sends"]}
        deadline = time.monotonic() + 10
        while True:
            r = h.http_request(method, url, headers=auth, body=body, timeout=20)
            j = r.json if isinstance(r.json, dict) else {}
            if (r.status, j.get("status_code")) == (503, 3000) and "not discovered" in j.get("status_message", "") \
                    and time.monotonic() < deadline:
                time.sleep(0.2)
                continue
            return r.status, j.get("status_code"), j.get("status_message", "")

    def variant_admin(self, name, ports, *args):
        cmd = [h.Binaries.bridge, "admin", "--config", W.config_paths[name],
               "--admin-url", f"http://127.0.0.1:{ports['admin']}", *args]
        p = h.subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        return p.returncode, p.stdout, p.stderr

    def cdr(self, cid):
        return dict(data("cdrs", "tv16a_post.v211.json"), id=cid)

    def hub_posts(self, cid):
        return [r for r in W.requests("hub")
                if r["method"] == "POST" and r["path"].rstrip("/") == f"{HUB_RECEIVER}/cdrs" and (r.get("body") or {}).get("id") == cid]


class E_OneBadAnswerNeverWedgesAQueue(VariantBridges):
    """Issue 12 defect 2: a head that keeps getting unusable answers, an answer with a malformed head,
    a stuck queue's age, and the operator skipping a head — none may block the other requests."""

    def test_a_head_iop_keeps_answering_unusably_goes_to_the_dead_letters_and_the_queue_goes_on(self):
        proc, ports = self.start_variant("bridge-poison", '"sf.head_max_attempts" = 3\n', "QUEUE_ALWAYS")
        try:
            W.fault("hub", "garbage", count=3)  # HTTP 200 + HTML: IOP answers, but nothing usable
            for cid in ("CDR-P1", "CDR-P2", "CDR-P3"):
                self.assertEqual(self.variant_send(ports, "POST", "/cdrs", self.cdr(cid))[:2], (200, 1000), cid)
            deadline = time.monotonic() + DRAIN_TIMEOUT_S
            while True:
                rc, out, err = self.variant_admin("bridge-poison", ports, "queue")
                q = json.loads(out)
                if q["depth"] == 0 and q["dead_letters"] == 1:
                    break
                self.assertLess(time.monotonic(), deadline, f"the poisoned head still blocks its queue: {q}")
                time.sleep(0.1)
            rc, out, err = self.variant_admin("bridge-poison", ports, "dead-letters", "list")
            dead = json.loads(out)
            self.assertEqual([json.loads(d["body"])["id"] for d in dead], ["CDR-P1"])
            self.assertIn("sf.head_max_attempts", dead[0]["reason"])
            original = json.loads(dead[0]["original"])
            self.assertEqual(original["id"], "CDR-P1")
            self.assertIn("location", original, "the backend's 2.1.1 request is kept beside the 2.2.1 one")
            self.assertEqual(len(self.hub_posts("CDR-P1")), 3)
            delivered = [r["body"]["id"] for r in W.requests("hub") if r["path"].rstrip("/") == f"{HUB_RECEIVER}/cdrs"
                         and 200 <= (r.get("status") or 0) < 300 and r["body"]["id"] in ("CDR-P2", "CDR-P3")
                         and r.get("fault") == "none"]
            self.assertEqual(delivered, ["CDR-P2", "CDR-P3"])
            self.assertTrue(proc.log_lines(r"alert: store-and-forward BE\*BEC/cdrs #\d+: 3 unusable answers"))
        finally:
            W.fault("hub", "none", count=0)
            proc.stop()

    def test_a_2xx_answer_with_a_malformed_head_is_never_sent_again(self):
        W.fault("hub", "bad_header", count=1)  # the hub stores the CDR, then answers with a NUL in a header
        status, code, message = self.send_raw("POST", "/cdrs", self.cdr("CDR-H1"))
        self.assertEqual((status, code), (200, 1000), message)
        self.assertNotIn("queued", message)
        self.wait_drained()
        time.sleep(0.5)  # a replay loop would have re-POSTed it within 50 ms
        self.assertEqual(len(self.hub_posts("CDR-H1")), 1, "IOP took the CDR once: it must not get it again")
        self.assertTrue(W.bridge.log_lines(r"IOP answered HTTP 201 with a malformed answer"))

    def test_the_age_bound_refuses_only_the_stuck_queue(self):
        proc, ports = self.start_variant("bridge-aged", '"sf.max_age_s" = 1\n')
        try:
            W.fault("hub", "reset", count=100000)
            self.assertEqual(self.variant_send(ports, "POST", "/cdrs", self.cdr("CDR-A1"))[:2], (200, 1000))
            time.sleep(1.5)
            loc = Message(600, "location")
            self.assertEqual(self.variant_send(ports, loc.method, loc.path, loc.body)[:2], (200, 1000),
                             "a Location update has its own queue: the old CDR queue must not refuse it")
            status, code, message = self.variant_send(ports, "POST", "/cdrs", self.cdr("CDR-A2"))
            self.assertEqual((status, code), (503, 3000))
            self.assertIn("sf.max_age_s", message)
        finally:
            W.fault("hub", "none", count=0)
            proc.stop()

    def test_the_operator_moves_a_blocking_head_to_the_dead_letters(self):
        W.fault("hub", "reset", count=100000)
        for cid in ("CDR-K1", "CDR-K2"):
            self.assertEqual(self.send_raw("POST", "/cdrs", self.cdr(cid))[:2], (200, 1000))
        rc, out, err = W.bridge_admin("queue", "skip", "BE*BEC/cdrs")
        self.assertEqual(rc, 0, err)
        self.assertIn("moved to the dead letters", out)
        self.assertEqual(W.bridge_admin("queue", "skip", "BE*BEC/nothing")[0], 2, "an empty queue is refused")
        dead = json.loads(W.bridge_admin("dead-letters", "list")[1])
        self.assertEqual([json.loads(d["body"])["id"] for d in dead], ["CDR-K1"])
        self.assertIn("operator", dead[0]["reason"])
        W.fault("hub", "none", count=0)
        self.wait_drained()
        self.assertEqual([r["status"] for r in self.hub_posts("CDR-K2")][-1], 201)
        self.assertFalse([r for r in self.hub_posts("CDR-K1") if 200 <= (r.get("status") or 0) < 300])
        W.bridge_admin("dead-letters", "purge", "--all")

    def test_a_queued_cdr_gets_a_location_served_from_the_bridge_copy_until_iop_has_it(self):
        """Issue 13 defect 5: 2.1.1 mod_cdrs makes the Location header mandatory, also while queued."""
        auth = {"Authorization": "Token " + h.CPO["token_legacy_sends"]}
        W.fault("hub", "reset", count=100000)
        sent = self.cdr("CDR-Q1")
        r = W.call_bridge("legacy", "POST", CPO_FACE + "/cdrs", headers=auth, body=sent)
        self.assertEqual((r.status, r.json["status_code"]), (200, 1000), r.json)
        self.assertIn("queued", r.json["status_message"])
        location = r.headers.get("location", "")
        self.assertTrue(location.startswith(W.bridge_legacy + CPO_FACE + "/cdrs/"), location)
        path = location[len(W.bridge_legacy):]
        copy_answer = W.call_bridge("legacy", "GET", path, headers=auth)
        self.assertEqual((copy_answer.status, copy_answer.json["status_code"]), (200, 1000), copy_answer.json)
        h.assert_json_equal(copy_answer.json["data"], sent, "while queued: the CDR as the CPO sent it")
        W.fault("hub", "none", count=0)
        self.wait_drained()
        W.clear("hub")
        from_iop = W.call_bridge("legacy", "GET", path, headers=auth)
        self.assertEqual((from_iop.status, from_iop.json["status_code"]), (200, 1000), from_iop.json)
        self.assertEqual(from_iop.json["data"]["id"], "CDR-Q1")
        self.assertTrue([r for r in W.requests("hub") if r["method"] == "GET" and r["path"].startswith(HUB_RECEIVER + "/cdrs/")],
                        "once delivered, the link leads to IOP's URL")


class F_FullDisk(VariantBridges):
    """Issue 12 defect 3: with the data dir full, a durable promise that cannot be kept in time is
    answered 503 + 3000 "state store unavailable" (never left hanging); when space returns the
    bridge recovers by itself and everything it acknowledged reaches IOP."""

    def test_a_full_disk_is_answered_503_in_time_and_the_bridge_recovers_by_itself(self):
        data_dir = os.path.join(W.workdir, "bridge-full-data")
        os.makedirs(data_dir, exist_ok=True)
        mounted = h.subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", data_dir],
                                   capture_output=True, text=True)
        if mounted.returncode != 0:
            self.skipTest(f"no tmpfs for a full-disk window on this machine: {mounted.stderr.strip()}")
        proc = None
        filler = os.path.join(data_dir, "filler")
        try:
            proc, ports = self.start_variant(
                "bridge-full", '\n[state]\ncommit_timeout_ms = 1000\n', "QUEUE_ALWAYS")
            self.assertEqual(self.variant_send(ports, "POST", "/cdrs", self.cdr("CDR-F0"))[:2], (200, 1000))
            with open(filler, "wb") as f:  # the disk is full from here on
                try:
                    while True:
                        f.write(b"\0" * 65536)
                        f.flush()
                except OSError:
                    pass
            msgs, refused = [], None
            for n in range(700, 900):
                m = Message(n, "location")
                started = time.monotonic()
                m.answer = self.variant_send(ports, m.method, m.path, m.body)
                elapsed = time.monotonic() - started
                self.assertLess(elapsed, 10, f"#{n} answered after {elapsed:.1f}s: a full disk must not hang callers")
                m.acked = m.answer[:2] == (200, 1000)
                msgs.append(m)
                if m.answer[:2] == (503, 3000):
                    refused = m
                    break
                self.assertTrue(m.acked, m.answer)
            self.assertIsNotNone(refused, "200 queued updates fitted on a full 3 MB disk?")
            self.assertEqual(refused.answer[2], "state store unavailable")
            self.assertTrue(proc.log_lines(r"alert: .*state store unavailable"))
            os.remove(filler)  # space is back: no restart, no operator
            deadline = time.monotonic() + 20
            while True:
                m = Message(len(msgs) + 900, "location")
                m.answer = self.variant_send(ports, m.method, m.path, m.body)
                m.acked = m.answer[:2] == (200, 1000)
                msgs.append(m)
                if m.acked:
                    break
                self.assertLess(time.monotonic(), deadline, f"the bridge did not recover: {m.answer}")
                time.sleep(0.2)
            deadline = time.monotonic() + DRAIN_TIMEOUT_S
            while json.loads(self.variant_admin("bridge-full", ports, "queue")[1])["depth"] > 0:
                self.assertLess(time.monotonic(), deadline, "the queue did not drain after the disk recovered")
                time.sleep(0.1)
            self.verify("full_disk", msgs, ordered=False)
            self.assertNotIn(refused.key, [hub_key(r) for r in W.requests("hub")],
                             "a request answered 503 is not forwarded later behind its caller's back")
        finally:
            if proc:
                proc.stop()
            h.subprocess.run(["umount", data_dir], capture_output=True)


if __name__ == "__main__":
    unittest.main(argv=h.parse_cli(sys.argv), verbosity=2)
