#!/usr/bin/env python3
"""Hostile input against the real bridge (issue 12 defects 4-7): request smuggling through
Transfer-Encoding, identifiers and headers outside what OCPI allows, loose JSON boundaries, and
parallel registrations. Each case asserts the answer (HTTP status + OCPI envelope naming what was
wrong) and that nothing reached the simulated peer behind the bridge.

Raw sockets where the bytes matter (Python's HTTP clients would normalise them).

Run: test_hardening_e2e.py --bridge PATH --hub-sim PATH --legacy-sim PATH [--keep-logs]
"""

import http.server
import json
import os
import socket
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

W = None
QUIET_S = 0.7  # how long "nothing was forwarded" is watched
CPO_PUSH = "/ocpi/emsp/2.1.1/locations"


def setUpModule():
    global W
    W = h.World(tls=False).start()


def tearDownModule():
    if W:
        W.stop()


def iop_to(party):
    return {"OCPI-to-country-code": party["country_code"], "OCPI-to-party-id": party["party_id"]}


def cpo_auth():
    return "Token " + h.CPO["token_legacy_sends"]


def hub_auth():
    return "Token " + h.b64(h.IOP["token_iop_sends"])


def read_responses(sock, timeout=10.0):
    """Reads until the peer closes (or `timeout`); returns ([(status, headers, body)], closed)."""
    sock.settimeout(timeout)
    data = b""
    closed = False
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            break
        except ConnectionResetError:
            closed = True
            break
        if not chunk:
            closed = True
            break
        data += chunk
    out = []
    while data:
        head, sep, rest = data.partition(b"\r\n\r\n")
        if not sep:
            break
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ")[1])
        headers = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            headers[k.strip().lower()] = v.strip()
        n = int(headers.get("content-length", "0"))
        out.append((status, headers, rest[:n]))
        data = rest[n:]
    return out, closed


def raw(face, data, timeout=10.0):
    port = W.bridge_ports[face]
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        try:
            s.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        return read_responses(s, timeout)


def request_bytes(method, target, headers, body=b""):
    lines = [f"{method} {target} HTTP/1.1".encode(), b"Host: 127.0.0.1"]
    for k, v in headers.items():
        lines.append(k.encode() + b": " + (v if isinstance(v, bytes) else v.encode()))
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


class Base(unittest.TestCase):
    maxDiff = None

    def setUp(self):
        h.fresh_start(self, W)

    def assertRefused(self, status, headers, body, http_status, field):
        self.assertEqual(status, http_status, body)
        env = json.loads(body)
        self.assertEqual(env["status_code"], 2001, env)
        self.assertIn(field, env["status_message"], env)
        self.assertIn("timestamp", env)

    def assertNothingReceived(self, sim, path_contains, what):
        time.sleep(QUIET_S)
        got = W.matching(sim, path_contains=path_contains)
        self.assertEqual(got, [], f"{what}: {sim}-sim should have received nothing, got:\n  {h.summary(got)}")


# ---- defect 4: request smuggling ---------------------------------------------------------------------
class A_Smuggling(Base):
    def smuggle(self, transfer_encoding, expected_status):
        # The outer request carries a bad token; the "body" is a complete request with the CPO's
        # real token. Before the fix the outer got 401 and the inner one was served.
        loc = dict(h.load("legacy_cpo_seed_locations.v211.json")[0], id="SMUGGLED1")
        inner_body = json.dumps(loc).encode()
        inner = request_bytes("PUT", f"{CPO_PUSH}/BE/BEC/SMUGGLED1",
                              {"Authorization": cpo_auth(), "Content-Type": "application/json",
                               "Content-Length": str(len(inner_body))}, inner_body)
        outer = request_bytes("POST", "/ocpi/emsp/2.1.1/cdrs",
                              {"Authorization": "Token wrong", "Transfer-Encoding": transfer_encoding}, inner)
        answers, closed = raw("legacy", outer)
        self.assertEqual([a[0] for a in answers], [expected_status], answers)
        self.assertEqual(answers[0][1].get("connection", "").lower(), "close")
        self.assertEqual(json.loads(answers[0][2])["status_code"], 2000)
        self.assertTrue(closed, "the connection must be closed after a framing refusal")
        self.assertNothingReceived("hub", "SMUGGLED1", f"TE {transfer_encoding}")

    def test_te_identity(self):
        self.smuggle("identity", 400)

    def test_te_gzip(self):
        self.smuggle("gzip", 400)

    def test_te_chunked_identity(self):
        self.smuggle("chunked, identity", 400)

    def test_te_gzip_chunked_is_not_implemented(self):
        self.smuggle("gzip, chunked", 501)

    def test_te_and_content_length(self):
        outer = request_bytes("POST", "/ocpi/emsp/2.1.1/cdrs",
                              {"Authorization": cpo_auth(), "Transfer-Encoding": "chunked", "Content-Length": "3"},
                              b"0\r\n\r\n")
        answers, closed = raw("legacy", outer)
        self.assertEqual([a[0] for a in answers], [400], answers)
        self.assertTrue(closed)


# ---- defect 5: identifiers and headers ---------------------------------------------------------------
class B_Identifiers(Base):
    def test_dot_segment_never_reaches_the_legacy_backend(self):
        for seg in ("%2E%2E", "%2e%2E", ".."):
            answers, _ = raw("hub", request_bytes("GET", f"/ocpi/2.2.1/cpo/locations/{seg}/EVSE1",
                                                  dict(iop_to(h.CPO), Authorization=hub_auth())))
            self.assertRefused(*answers[0], 400, "location_id")
            self.assertIn("dot segment", json.loads(answers[0][2])["status_message"])
        self.assertNothingReceived("cpo", "/locations", "dot segment")

    def test_routing_header_with_tab_0xff_or_5000_chars(self):
        for value in (b"B\tC", b"B\xffC", b"B" * 5000):
            headers = {"Authorization": hub_auth(), "OCPI-to-country-code": "BE", "OCPI-to-party-id": value}
            answers, _ = raw("hub", request_bytes("GET", "/ocpi/2.2.1/cpo/locations", headers))
            self.assertRefused(*answers[0], 400, "OCPI-to-party-id")
            self.assertNotIn(value.decode("latin-1"), answers[0][1].get("ocpi-to-party-id", ""))
        self.assertNothingReceived("cpo", "/locations", "bad routing header")

    def test_trace_ids_outside_visible_ascii_are_refused_not_reflected(self):
        for value in (b"abc\tdef", b"id-\xff", b"r" * 5000):
            headers = dict(iop_to(h.CPO), Authorization=hub_auth())
            headers["X-Request-ID"] = value
            answers, _ = raw("hub", request_bytes("GET", "/ocpi/2.2.1/cpo/locations", headers))
            status, hd, body = answers[0]
            self.assertRefused(status, hd, body, 400, "X-Request-ID")
            self.assertTrue(h.UUID_RE.match(hd["x-request-id"]), hd)  # ours, not the caller's bytes
        self.assertNothingReceived("cpo", "/locations", "bad X-Request-ID")

    def test_cdr_id_with_nul_is_refused(self):
        cdr = dict(h.load_data("cdrs", "tv16a_post.v211.json"), id="CDR\u0000NUL")
        body = json.dumps(cdr).encode()
        answers, _ = raw("legacy", request_bytes("POST", "/ocpi/emsp/2.1.1/cdrs",
                                                 {"Authorization": cpo_auth(), "Content-Type": "application/json",
                                                  "Content-Length": str(len(body))}, body))
        self.assertRefused(*answers[0], 400, "invalid id")
        self.assertNothingReceived("hub", "/cdrs", "CDR id with NUL")

    def test_evse_uid_outside_ascii_is_refused(self):
        loc = dict(h.load("legacy_cpo_seed_locations.v211.json")[0], id="ASCII1")
        loc["evses"] = [dict(loc["evses"][0], uid="EVSE\u00e91")]
        r = W.send("cpo", "PUT", f"{W.bridge_legacy}{CPO_PUSH}/BE/BEC/ASCII1", body=loc)
        self.assertEqual(r.status, 400, r)
        self.assertEqual(r.body["status_code"], 2001, r)
        self.assertIn("evses[].uid", r.body["status_message"])
        self.assertNothingReceived("hub", "ASCII1", "EVSE uid outside ASCII")

    def test_space_question_mark_and_hash_in_ids_stay_percent_encoded(self):
        loc = dict(h.load("legacy_cpo_seed_locations.v211.json")[0], id="A B?C#D")
        r = W.send("cpo", "PUT", f"{W.bridge_legacy}{CPO_PUSH}/BE/BEC/A%20B%3FC%23D", body=loc)
        self.assertEqual((r.status, r.body["status_code"]), (200, 1000), r)
        W.wait_requests("hub", "PUT", "/ocpi/2.2.1/receiver/locations/BE/BEC/A%20B%3FC%23D")


# ---- defect 6: JSON boundaries ---------------------------------------------------------------------
class C_JsonBoundaries(Base):
    def legacy_put(self, raw_body):
        return W.send("cpo", "PUT", f"{W.bridge_legacy}{CPO_PUSH}/BE/BEC/JSON1", body_raw=raw_body)

    def hub_put(self, raw_body):
        return W.send("hub", "PUT", f"{W.bridge_hub}/ocpi/2.2.1/emsp/locations/FR/107/JSON2", body_raw=raw_body,
                      headers=iop_to(h.EMSP))

    def valid_211(self):
        return json.dumps(dict(h.load("legacy_cpo_seed_locations.v211.json")[0], id="JSON1"))

    def test_legacy_face_trailing_garbage_and_two_documents(self):
        for body, why in ((self.valid_211() + " garbage", "content after the JSON value"),
                          (self.valid_211() + self.valid_211(), "content after the JSON value")):
            r = self.legacy_put(body)
            self.assertEqual((r.status, r.body["status_code"]), (400, 2001), r)
            self.assertIn(why, r.body["status_message"])
        self.assertNothingReceived("hub", "JSON1", "loose JSON on the legacy face")

    def test_hub_face_trailing_garbage_two_documents_and_lone_surrogate(self):
        base = '{"country_code":"FR","party_id":"107","id":"JSON2","last_updated":"2024-06-01T10:00:00Z"'
        cases = ((base + "} x", "content after the JSON value"),
                 (base + "}" + base + "}", "content after the JSON value"),
                 (base + ',"unknown":"\\ud800"}', "unpaired UTF-16 surrogate"))
        for body, why in cases:
            r = self.hub_put(body)
            self.assertEqual((r.status, r.body["status_code"]), (400, 2001), r)
            self.assertIn(why, r.body["status_message"])
        self.assertNothingReceived("emsp", "JSON2", "loose JSON on the hub face")
        self.assertTrue(W.bridge.alive())


# ---- defect 7: parallel registrations ------------------------------------------------------------------
class SlowVersions(http.server.BaseHTTPRequestHandler):
    """A versions endpoint that answers after 1.5 s: the first registration holds its slot that long."""

    def do_GET(self):
        time.sleep(1.5)
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


class D_ParallelRegistration(Base):
    def test_five_parallel_registrations_one_token_a_get_409(self):
        token, _ = W.token_a("iop")
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), SlowVersions)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            url = f"http://127.0.0.1:{server.server_address[1]}/ocpi/versions"
            body = {"token": "iop-new-token", "url": url,
                    "roles": [{"role": "HUB", "party_id": "107", "country_code": "FR",
                               "business_details": {"name": "GIREVE"}}]}
            results = [None] * 5

            def post(i):
                results[i] = W.call_bridge("hub", "POST", "/ocpi/2.2.1/credentials", body=body,
                                           headers={"Authorization": "Token " + h.b64(token)})

            threads = [threading.Thread(target=post, args=(i,)) for i in range(5)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(30)
        finally:
            server.shutdown()
        statuses = sorted(r.status for r in results)
        self.assertEqual(statuses, [200, 409, 409, 409, 409], results)
        for r in results:
            if r.status == 409:
                self.assertEqual(r.json["status_code"], 2000, r)
                self.assertEqual(r.json["status_message"], "a registration is in progress", r)


if __name__ == "__main__":
    unittest.main(argv=h.parse_cli(sys.argv), verbosity=2)
