#!/usr/bin/env python3
"""Self-test of the simulated peers (no bridge involved): they must behave as documented before the
end-to-end tests can trust what they record. Run: test_peers.py --hub-sim PATH --legacy-sim PATH [--tls]"""

import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

W = None


def setUpModule():
    global W
    # The documented defaults first; TrailingSlash switches the mode on at run time and back off.
    W = h.World(trailing_slash=False).start_sims_only()


def tearDownModule():
    if W:
        W.stop()


def hub_headers(**over):
    hd = {"Authorization": "Token " + h.b64(h.IOP["token_bridge_sends"]),
          "OCPI-from-country-code": "BE", "OCPI-from-party-id": "BEC",
          "OCPI-to-country-code": "FR", "OCPI-to-party-id": "107",
          "X-Request-ID": "req-1", "X-Correlation-ID": "corr-1"}
    hd.update(over)
    return {k: v for k, v in hd.items() if v is not None}


def hub(method, path, headers=None, body=None, raw_body=None):
    return h.http_request(method, W.sim_url("hub") + path, headers=headers if headers is not None else hub_headers(),
                          body=body, raw_body=raw_body, ssl_context=W.ssl_context)


def cpo(method, path, token=None, body=None):
    return h.http_request(method, W.sim_url("cpo") + path, body=body, ssl_context=W.ssl_context,
                          headers={"Authorization": "Token " + (token or h.CPO["token_bridge_sends"])})


class HubSim(unittest.TestCase):
    def setUp(self):
        W.clear_all()

    def test_authorization_base64_required(self):
        self.assertEqual(hub("GET", "/ocpi/versions").status, 200)
        raw = hub("GET", "/ocpi/versions", headers={"Authorization": "Token " + h.IOP["token_bridge_sends"]})
        self.assertEqual(raw.status, 401)
        self.assertEqual(raw.json["status_code"], 2000)
        self.assertEqual(hub("GET", "/ocpi/versions", headers={}).status, 401)

    def test_version_details_list_sender_and_receiver(self):
        r = hub("GET", "/ocpi/2.2.1", headers={"Authorization": "Token " + h.b64(h.IOP["token_bridge_sends"])})
        eps = {(e["identifier"], e["role"]): e["url"] for e in r.json["data"]["endpoints"]}
        self.assertEqual(eps[("locations", "RECEIVER")], W.sim_url("hub") + "/ocpi/2.2.1/receiver/locations")
        self.assertEqual(eps[("locations", "SENDER")], W.sim_url("hub") + "/ocpi/2.2.1/sender/locations")
        for m in ("tokens", "sessions", "cdrs", "tariffs", "commands"):
            self.assertIn((m, "SENDER"), eps)
            self.assertIn((m, "RECEIVER"), eps)
        self.assertIn(("credentials", "SENDER"), eps)

    def test_routing_headers_and_request_ids_required(self):
        for missing in ("OCPI-from-country-code", "OCPI-to-party-id", "X-Request-ID", "X-Correlation-ID"):
            r = hub("GET", "/ocpi/2.2.1/sender/locations", headers=hub_headers(**{missing: None}))
            self.assertEqual((r.status, r.json["status_code"]), (200, 2001), missing)
            self.assertIn(missing, r.json["status_message"])
        r = hub("PUT", "/ocpi/2.2.1/receiver/locations/BE/BEC/X", headers=hub_headers(**{"OCPI-to-party-id": "EMP"}), body={})
        self.assertEqual(r.json["status_code"], 2001)
        self.assertIn("107", r.json["status_message"])

    def test_answers_echo_ids_and_reverse_routing(self):
        r = hub("GET", "/ocpi/2.2.1/sender/locations?limit=1")
        self.assertEqual(r.headers["x-request-id"], "req-1")
        self.assertEqual(r.headers["x-correlation-id"], "corr-1")
        self.assertEqual((r.headers["ocpi-from-country-code"], r.headers["ocpi-from-party-id"]), ("FR", "107"))
        self.assertEqual((r.headers["ocpi-to-country-code"], r.headers["ocpi-to-party-id"]), ("BE", "BEC"))

    def test_sender_locations_paginated(self):
        r = hub("GET", "/ocpi/2.2.1/sender/locations?limit=2")
        self.assertEqual(len(r.json["data"]), 2)
        self.assertEqual(r.headers["x-total-count"], "3")
        self.assertEqual(r.headers["x-limit"], "2")
        nxt = h.parse_link_next(r.headers.get("link"))
        self.assertTrue(nxt.startswith(W.sim_url("hub") + "/ocpi/2.2.1/sender/locations?"), nxt)
        r2 = h.http_request("GET", nxt, headers=hub_headers(), ssl_context=W.ssl_context)
        self.assertEqual([l["id"] for l in r2.json["data"]], ["LOC2"])
        self.assertNotIn("link", r2.headers)
        self.assertEqual(hub("GET", "/ocpi/2.2.1/sender/locations?limit=500").headers["x-limit"], "100")
        r3 = hub("GET", "/ocpi/2.2.1/sender/locations?date_from=2019-01-01T00:00:00Z")
        self.assertEqual([l["id"] for l in r3.json["data"]], ["3e7b39c2-10d0-4138-a8b3-8509a25f9920"])

    def test_receiver_put_patch_get(self):
        loc = h.load("tv03_location_put.expected.v221.json")
        r = hub("PUT", "/ocpi/2.2.1/receiver/locations/BE/BEC/LOC1", body=loc)
        self.assertEqual(r.json["status_code"], 1000)
        self.assertNotIn("data", r.json)
        r = hub("PATCH", "/ocpi/2.2.1/receiver/locations/BE/BEC/LOC1/3256", body={"status": "CHARGING"})
        self.assertEqual(r.json["status_code"], 2001, "PATCH without last_updated must be refused")
        r = hub("PATCH", "/ocpi/2.2.1/receiver/locations/BE/BEC/LOC1/3256",
                body={"status": "CHARGING", "last_updated": "2024-06-01T12:00:00Z"})
        self.assertEqual(r.json["status_code"], 1000)
        r = hub("GET", "/ocpi/2.2.1/receiver/locations/BE/BEC/LOC1")
        self.assertEqual(r.json["data"]["evses"][0]["status"], "CHARGING")
        self.assertEqual(r.json["data"]["last_updated"], "2024-06-01T12:00:00Z")
        r = hub("PUT", "/ocpi/2.2.1/receiver/locations/BE/BEC/1111", body=loc)
        self.assertEqual(r.json["status_code"], 2001)
        self.assertEqual(hub("GET", "/ocpi/2.2.1/receiver/locations/BE/BEC/NOPE").status, 404)
        self.assertEqual(hub("PUT", "/ocpi/2.2.1/receiver/locations/BE/BEC/LOC1", raw_body=b"{oops").status, 400)

    def test_request_log_records_everything(self):
        hub("PUT", "/ocpi/2.2.1/receiver/locations/BE/BEC/LOGGED", raw_body=b"not json")
        log = W.matching("hub", "PUT", "/ocpi/2.2.1/receiver/locations/BE/BEC/LOGGED")
        self.assertEqual(len(log), 1)
        self.assertEqual(log[0]["body"], "not json")
        self.assertFalse(log[0]["body_is_json"])
        self.assertEqual(log[0]["headers"]["x-request-id"], "req-1")
        self.assertEqual(log[0]["status"], 400)

    def test_faults(self):
        W.fault("hub", "http500", count=1)
        self.assertEqual(hub("GET", "/ocpi/2.2.1/sender/locations").status, 500)
        self.assertEqual(hub("GET", "/ocpi/2.2.1/sender/locations").status, 200)
        W.fault("hub", "slow", count=1, delay_ms=300)
        t0 = time.monotonic()
        self.assertEqual(hub("GET", "/ocpi/2.2.1/sender/locations").status, 200)
        self.assertGreaterEqual(time.monotonic() - t0, 0.3)
        W.fault("hub", "reset", count=1)
        with self.assertRaises(OSError):
            hub("GET", "/ocpi/2.2.1/sender/locations")
        W.fault("hub", "timeout", count=1, delay_ms=2000)
        with self.assertRaises(OSError):
            h.http_request("GET", W.sim_url("hub") + "/ocpi/2.2.1/sender/locations", headers=hub_headers(),
                           timeout=0.5, ssl_context=W.ssl_context)
        time.sleep(1.7)
        self.assertEqual(hub("GET", "/ocpi/2.2.1/sender/locations").status, 200)

    def test_send_adds_iop_headers(self):
        # The hub calls the legacy CPO sim (standing in for the bridge): its default Base64 token is refused
        # there, overriding Authorization works, and the routing/id headers are added by default.
        url = W.sim_url("cpo") + "/ocpi/cpo/2.1.1/locations?limit=1"
        r = W.send("hub", "GET", url)
        self.assertEqual(r.status, 401, r)
        self.assertEqual(r.request["headers"]["Authorization"], "Token " + h.b64(h.IOP["token_iop_sends"]))
        self.assertTrue(h.UUID_RE.match(r.request["headers"]["X-Request-ID"]))
        r = W.send("hub", "GET", url, headers={"Authorization": "Token " + h.CPO["token_bridge_sends"], "X-Request-ID": None})
        self.assertEqual(r.status, 200, r)
        self.assertNotIn("X-Request-ID", r.request["headers"])
        self.assertEqual(r.headers["x-total-count"], "2")
        self.assertEqual(r.body["data"][0]["id"], "LOC1")
        W.fault("cpo", "timeout", count=1, delay_ms=1500)
        r = W.send("hub", "GET", url, timeout_ms=300)
        self.assertEqual(r.error, "timeout")


class LegacySim(unittest.TestCase):
    def setUp(self):
        W.clear_all()

    def test_raw_token_only(self):
        self.assertEqual(cpo("GET", "/ocpi/cpo/versions").status, 200)
        self.assertEqual(cpo("GET", "/ocpi/cpo/versions", token=h.b64(h.CPO["token_bridge_sends"])).status, 401)

    def test_details(self):
        r = cpo("GET", "/ocpi/cpo/2.1.1")
        ids = [e["identifier"] for e in r.json["data"]["endpoints"]]
        self.assertEqual(sorted(ids), sorted(["credentials", "locations", "tokens", "sessions", "cdrs", "commands", "tariffs"]))
        r = h.http_request("GET", W.sim_url("emsp") + "/ocpi/emsp/2.1.1", ssl_context=W.ssl_context,
                           headers={"Authorization": "Token " + h.EMSP["token_bridge_sends"]})
        self.assertNotIn("tariffs", [e["identifier"] for e in r.json["data"]["endpoints"]])

    def test_cpo_locations_paginated_and_single(self):
        r = cpo("GET", "/ocpi/cpo/2.1.1/locations?limit=1")
        h.assert_json_equal(r.json["data"], [h.load("tv03_location_put.v211.json")], "page 1")
        self.assertEqual(r.headers["x-total-count"], "2")
        self.assertEqual(r.headers["x-limit"], "1")
        self.assertEqual(h.parse_link_next(r.headers["link"]), W.sim_url("cpo") + "/ocpi/cpo/2.1.1/locations?limit=1&offset=1")
        self.assertEqual(cpo("GET", "/ocpi/cpo/2.1.1/locations/LOC1/3256/2").json["data"]["id"], "2")
        self.assertEqual(cpo("GET", "/ocpi/cpo/2.1.1/locations/NOPE").status, 404)
        W.admin("cpo", "POST", "/_sim/config", {"pagination_headers": False})
        try:
            r = cpo("GET", "/ocpi/cpo/2.1.1/locations?limit=1")
            self.assertNotIn("link", r.headers)
            self.assertNotIn("x-total-count", r.headers)
        finally:
            W.admin("cpo", "POST", "/_sim/config", {"pagination_headers": True})

    def test_emsp_locations_put_patch(self):
        emsp = lambda m, p, b=None: h.http_request(m, W.sim_url("emsp") + p, body=b, ssl_context=W.ssl_context,  # noqa: E731
                                                    headers={"Authorization": "Token " + h.EMSP["token_bridge_sends"]})
        r = emsp("PUT", "/ocpi/emsp/2.1.1/locations/BE/BEC/GIR-1", dict(h.load("tv07_location_put.expected.v211.json"), id="GIR-1"))
        self.assertEqual(r.json["status_code"], 1000)
        self.assertEqual(r.json["data"], {})
        r = emsp("PATCH", "/ocpi/emsp/2.1.1/locations/BE/BEC/GIR-1/3256", {"status": "REMOVED"})
        self.assertEqual(r.json["status_code"], 1000)
        self.assertEqual(emsp("GET", "/ocpi/emsp/2.1.1/locations/BE/BEC/GIR-1/3256").json["data"]["status"], "REMOVED")
        put = W.matching("emsp", "PUT", "/ocpi/emsp/2.1.1/locations/BE/BEC/GIR-1")
        self.assertEqual(put[0]["headers"]["authorization"], "Token " + h.EMSP["token_bridge_sends"])

    def test_send_uses_raw_token(self):
        r = W.send("cpo", "GET", W.sim_url("hub") + "/ocpi/versions")
        self.assertEqual(r.request["headers"]["Authorization"], "Token " + h.CPO["token_legacy_sends"])
        self.assertEqual(r.status, 401)  # the hub wants Base64


class TrailingSlash(unittest.TestCase):
    """The FastAPI-like mode the bridge suites run with (issue 13 defect 2): module URLs published with a
    trailing '/', 307 to the other form; and the `redirect` fault."""

    def setUp(self):
        W.clear_all()
        for sim in ("hub", "cpo"):
            W.admin(sim, "POST", "/_sim/config", {"trailing_slash": True})

    def tearDown(self):
        for sim in ("hub", "cpo"):
            W.admin(sim, "POST", "/_sim/config", {"trailing_slash": False})

    def test_published_with_slash(self):
        r = hub("GET", "/ocpi/2.2.1", headers={"Authorization": "Token " + h.b64(h.IOP["token_bridge_sends"])})
        eps = {(e["identifier"], e["role"]): e["url"] for e in r.json["data"]["endpoints"]}
        self.assertEqual(eps[("locations", "SENDER")], W.sim_url("hub") + "/ocpi/2.2.1/sender/locations/")
        self.assertEqual(eps[("credentials", "SENDER")], W.sim_url("hub") + "/ocpi/2.2.1/credentials/")
        r = cpo("GET", "/ocpi/cpo/2.1.1")
        urls = {e["identifier"]: e["url"] for e in r.json["data"]["endpoints"]}
        self.assertEqual(urls["locations"], W.sim_url("cpo") + "/ocpi/cpo/2.1.1/locations/")
        # Links keep the published form.
        r = hub("GET", "/ocpi/2.2.1/sender/locations/?limit=1")
        self.assertEqual(r.status, 200)
        self.assertTrue(h.parse_link_next(r.headers["link"]).startswith(W.sim_url("hub") + "/ocpi/2.2.1/sender/locations/?"))

    def test_307_to_the_other_form(self):
        # http.client does not follow redirects: the 307 itself is what the caller sees.
        r = cpo("GET", "/ocpi/cpo/2.1.1/locations?offset=0&limit=5")
        self.assertEqual(r.status, 307)
        host = W.sim_url("cpo").split("://")[1]
        self.assertEqual(r.headers["location"], f"{W.scheme}://{host}/ocpi/cpo/2.1.1/locations/?offset=0&limit=5")
        self.assertEqual(cpo("GET", "/ocpi/cpo/2.1.1/locations/?offset=0&limit=5").status, 200)
        # Below a module URL the form without the slash is the right one.
        r = cpo("GET", "/ocpi/cpo/2.1.1/locations/LOC1/")
        self.assertEqual((r.status, r.headers["location"]), (307, f"{W.scheme}://{host}/ocpi/cpo/2.1.1/locations/LOC1"))
        self.assertEqual(cpo("GET", "/ocpi/cpo/2.1.1/locations/LOC1").status, 200)
        r = hub("POST", "/ocpi/2.2.1/receiver/cdrs", body={})
        self.assertEqual(r.status, 307)
        self.assertEqual([x["status"] for x in W.requests("hub")], [307])
        # Versions and version details are no module URLs: both forms answer.
        self.assertEqual(cpo("GET", "/ocpi/cpo/2.1.1").status, 200)

    def test_redirect_fault(self):
        W.fault("hub", "redirect", count=1)
        r = hub("GET", "/ocpi/2.2.1/sender/locations/?limit=1")
        host = W.sim_url("hub").split("://")[1]
        self.assertEqual((r.status, r.headers["location"]),
                         (307, f"{W.scheme}://{host}/moved/ocpi/2.2.1/sender/locations/?limit=1"))
        self.assertEqual(W.requests("hub")[0]["fault"], "redirect")
        self.assertEqual(hub("GET", "/ocpi/2.2.1/sender/locations/?limit=1").status, 200)


if __name__ == "__main__":
    unittest.main(argv=h.parse_cli(sys.argv), verbosity=2)
