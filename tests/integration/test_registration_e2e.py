#!/usr/bin/env python3
"""Registration end to end (MAPPING §2.3-§2.6, TV-02): a bridge configured WITHOUT static tokens,
onboarded the way an operator does it: `ocpi-bridge admin token-a ...` hands out tokens A, the hub
simulator and the legacy CPO simulator run the credentials handshake as Senders, traffic flows with
the exchanged tokens, IOP unregisters, and the bridge registers with the hub itself (ToIOP).

Run: test_registration_e2e.py --bridge PATH --hub-sim PATH --legacy-sim PATH [--tls] [--keep-logs]
"""

import base64
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

W = None


def setUpModule():
    global W
    W = h.World(static_tokens=False).start()


def tearDownModule():
    if W:
        W.stop()


def token_a(connection):
    return W.token_a(connection)


def register(sim, token, versions_url):
    r = W.admin(sim, "POST", "/_sim/register", {"token_a": token, "versions_url": versions_url})
    return r.json


def key_lines(path):
    with open(path) as f:
        return [line.strip() for line in f if line.strip() and not line.startswith("#")]


def tokens_seen_by_peers():
    """The tokens in the Authorization headers and Credentials bodies the simulators received."""
    found = set()
    for sim in ("hub", "cpo", "emsp"):
        for r in W.requests(sim):
            auth = r.get("headers", {}).get("authorization", "")
            if auth.startswith("Token "):
                raw = auth[len("Token "):]
                found.add(raw)
                try:
                    found.add(base64.b64decode(raw, validate=True).decode())
                except (ValueError, UnicodeDecodeError):
                    pass
            body = r.get("body")
            if isinstance(body, dict) and isinstance(body.get("token"), str):
                found.add(body["token"])
    return {t for t in found if len(t) >= 16}


class Registration(unittest.TestCase):
    """One ordered story: each step depends on the previous one (unittest runs them by name)."""

    maxDiff = None

    def test_1_unregistered_peers_are_refused(self):
        r = W.send("hub", "GET", "/ocpi/2.2.1/cpo/locations", headers={"OCPI-to-country-code": "BE", "OCPI-to-party-id": "BEC"})
        self.assertEqual(r.status, 401, r)
        r = W.send("cpo", "GET", "/ocpi/emsp/versions")
        self.assertEqual(r.status, 401, r)
        code, out, _ = W.bridge_admin("status")
        self.assertEqual(code, 0)
        self.assertIn('"registered": false', out)

    def test_2_hub_registers_fromiop(self):
        W.clear_all()
        token, versions_url = token_a("iop")
        self.assertEqual(len(token), 43)
        self.assertTrue(versions_url.endswith("/ocpi/versions"), versions_url)
        result = register("hub", token, versions_url)
        self.assertEqual(result["status"], 200, result)
        body = result["body"]
        self.assertEqual(body["status_code"], 1000, body)
        creds = body["data"]
        self.assertEqual(creds["url"], versions_url)
        self.assertNotEqual(creds["token"], token)
        # TV-02(a): one CredentialsRole per configured legacy party.
        roles = {(x["role"], x["country_code"], x["party_id"]) for x in creds["roles"]}
        self.assertEqual(roles, {("CPO", h.CPO["country_code"], h.CPO["party_id"]),
                                 ("EMSP", h.EMSP["country_code"], h.EMSP["party_id"])})
        for role in creds["roles"]:
            self.assertIn("name", role["business_details"])
        # §2.3 step 5: the bridge fetched IOP's versions and details with token B, Base64-encoded.
        gets = [r for r in W.requests("hub") if r["method"] == "GET" and r["path"].startswith("/ocpi/")]
        self.assertGreaterEqual(len(gets), 2, gets)
        for g in gets:
            self.assertEqual(g["headers"]["authorization"], "Token " + h.b64(h.IOP["token_bridge_sends"]))

    def test_3_token_a_is_single_use_and_post_again_is_405(self):
        token, versions_url = token_a("iop")
        self.assertEqual(register("hub", token, versions_url)["status"], 200)
        # The first registration holds: a POST with the registered token C is refused with 405 ...
        r = W.send("hub", "POST", "/ocpi/2.2.1/credentials", body={"token": "x", "url": "http://127.0.0.1:1/v",
                                                                   "roles": []})
        self.assertEqual(r.status, 405, r)
        # ... and the first token A was consumed: using it now is 401.
        r = W.send("hub", "GET", "/ocpi/versions", headers={"Authorization": "Token " + h.b64(token)})
        self.assertIn(r.status, (200, 401), r)  # the second registration above consumed `token` too

    def test_4_legacy_cpo_registers_and_identity_is_checked(self):
        token, versions_url = token_a(f"{h.CPO['country_code']}*{h.CPO['party_id']}")
        self.assertTrue(versions_url.endswith("/ocpi/emsp/versions"), versions_url)
        # TV-02(c) last line: another party's identity -> 2001, token A not consumed.
        bad = {"token": "cpo-new-token", "url": W.sim_url("cpo") + "/ocpi/cpo/versions",
               "business_details": {"name": "x"}, "party_id": "XYZ", "country_code": h.CPO["country_code"]}
        r = W.call_bridge("legacy", "POST", "/ocpi/emsp/2.1.1/credentials", headers={"Authorization": "Token " + token},
                          body=bad)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["status_code"], 2001, r)
        result = register("cpo", token, versions_url)
        self.assertEqual(result["status"], 200, result)
        creds = result["body"]["data"]
        # The legacy backend keeps seeing Gireve (§2.4).
        self.assertEqual((creds["country_code"], creds["party_id"]), (h.IOP["country_code"], h.IOP["party_id"]))
        self.assertEqual(creds["business_details"]["name"], h.IOP["name"])
        self.assertEqual(creds["url"], versions_url)

    def test_5_traffic_flows_with_the_exchanged_tokens(self):
        W.clear_all()
        loc = h.load("legacy_cpo_seed_locations.v211.json")[0]
        loc = dict(loc, id="REG1")
        path = f"/ocpi/emsp/2.1.1/locations/{h.CPO['country_code']}/{h.CPO['party_id']}/REG1"
        r = W.send("cpo", "PUT", path, body=loc)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body["status_code"], 1000, r)
        got = W.wait_requests("hub", "PUT", f"/ocpi/2.2.1/receiver/locations/{h.CPO['country_code']}/{h.CPO['party_id']}/REG1")
        self.assertEqual(got[0]["headers"]["authorization"], "Token " + h.b64(h.IOP["token_bridge_sends"]))
        # IOP pulls the CPO's Locations with its token C; the bridge calls the CPO with token B.
        W.clear_all()
        r = W.send("hub", "GET", "/ocpi/2.2.1/cpo/locations", headers={"OCPI-to-country-code": h.CPO["country_code"],
                                                                       "OCPI-to-party-id": h.CPO["party_id"]})
        self.assertEqual(r.status, 200, r)
        pulls = [x for x in W.requests("cpo") if x["path"].rstrip("/") == "/ocpi/cpo/2.1.1/locations"]
        self.assertEqual(pulls[0]["headers"]["authorization"], "Token " + h.CPO["token_bridge_sends"])

    def test_6_get_credentials_returns_the_current_ones(self):
        r = W.send("hub", "GET", "/ocpi/2.2.1/credentials")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(len(r.body["data"]["token"]), 43)
        code, out, _ = W.bridge_admin("status")
        self.assertEqual(code, 0)
        self.assertIn('"source": "handshake"', out)

    def test_7_iop_unregisters_then_the_bridge_registers_toiop(self):
        r = W.send("hub", "DELETE", "/ocpi/2.2.1/credentials")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body["status_code"], 1000, r)
        r = W.send("hub", "GET", "/ocpi/2.2.1/credentials")
        self.assertEqual(r.status, 401, r)  # token C was dropped (§2.6)
        # A legacy CPO push while IOP is unregistered: IOP's endpoints are forgotten -> 503 + 3000.
        r = W.send("cpo", "PATCH", f"/ocpi/emsp/2.1.1/locations/{h.CPO['country_code']}/{h.CPO['party_id']}/REG1",
                   body={"last_updated": "2024-06-01T12:00:00Z"})
        self.assertEqual(r.status, 503, r)
        # "Register ToIOP": the hub operator gives its token A (here the sim's accepted token).
        W.clear_all()
        code, out, err = W.bridge_admin("register", "iop", "--versions-url", W.sim_url("hub") + "/ocpi/versions",
                                        "--token", h.IOP["token_bridge_sends"])
        self.assertEqual(code, 0, err)
        posts = [x for x in W.requests("hub") if x["method"] == "POST" and x["path"].rstrip("/") == "/ocpi/2.2.1/credentials"]
        self.assertEqual(len(posts), 1)
        sent = posts[0]["body"]
        self.assertEqual(len(sent["token"]), 43)
        self.assertTrue(sent["url"].endswith("/ocpi/versions"))
        # As the spec's credentials receiver, the hub read the bridge's versions and details with the
        # token B' of that POST before answering it: the bridge accepts B' while its POST is in flight.
        seen = W.admin("hub", "GET", "/_sim/registration").json
        self.assertEqual((seen["as"], seen["versions_url"]), ("receiver", sent["url"]), seen)
        listed = {(e["identifier"], e["role"]) for e in seen["details"]["endpoints"]}
        self.assertTrue({("locations", "SENDER"), ("commands", "RECEIVER"), ("tokens", "SENDER")} <= listed, listed)

        # The hub sim now calls with the token the bridge generated (B'), and it is accepted.
        r = W.send("hub", "GET", "/ocpi/2.2.1")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body["status_code"], 1000)

    def test_9_registrations_and_tokens_a_survive_sigkill(self):
        # State before the kill: IOP registered (ToIOP, test 7), the CPO registered (test 4), a token
        # A for the eMSP not used yet, and a command waiting for its result.
        emsp_token, emsp_versions = token_a(f"{h.EMSP['country_code']}*{h.EMSP['party_id']}")
        r = W.send("hub", "POST", "/ocpi/2.2.1/cpo/commands/STOP_SESSION",
                   headers={"OCPI-to-country-code": h.CPO["country_code"], "OCPI-to-party-id": h.CPO["party_id"]},
                   body={"response_url": W.sim_url("hub") + "/ocpi/2.2.1/sender/commands/STOP_SESSION/k-1",
                         "session_id": "S-1"})
        self.assertEqual(r.body["status_code"], 1000, r)
        callback = [x for x in W.requests("cpo") if x["path"] == "/ocpi/cpo/2.1.1/commands/STOP_SESSION"][-1]["body"]["response_url"]
        self.rotate_key_and_check_data_dir(emsp_token)
        W.bridge.p.kill()  # SIGKILL: nothing is flushed on the way out
        W.bridge.p.wait(timeout=10)
        W.bridge, W.bridge_ports = W.start_bridge("bridge")
        W.point_sims_at_bridge()
        W.clear_all()
        # IOP's registration (its token B' toward the bridge) is still valid.
        r = self.until_ok(lambda: W.send("hub", "GET", "/ocpi/2.2.1"))
        self.assertEqual(r.body["status_code"], 1000, r)
        # The CPO's exchanged token still works, and the bridge still calls IOP with the token C' it got.
        loc = dict(h.load("legacy_cpo_seed_locations.v211.json")[0], id="REG2")
        r = self.until_ok(lambda: W.send("cpo", "PUT", f"/ocpi/emsp/2.1.1/locations/{h.CPO['country_code']}/{h.CPO['party_id']}/REG2", body=loc))
        self.assertEqual(r.body["status_code"], 1000, r)
        # The pending command's callback is still known (the new port: same path, new origin).
        path = callback[callback.index("/ocpi/2.1.1/callbacks/"):]
        r = W.send("cpo", "POST", path, body={"result": "ACCEPTED"})
        self.assertEqual((r.status, r.body["status_code"]), (200, 1000), r)
        got = [x for x in W.requests("hub") if x["path"] == "/ocpi/2.2.1/sender/commands/STOP_SESSION/k-1"]
        self.assertEqual(len(got), 1)
        self.assertEqual(got[0]["body"], {"result": "ACCEPTED"})
        # The eMSP's token A survived and is still single-use.
        versions_url = emsp_versions.replace(emsp_versions.split("/ocpi/")[0], W.bridge_legacy)
        result = register("emsp", emsp_token, versions_url)
        self.assertEqual(result["body"]["status_code"], 1000, result)

    def rotate_key_and_check_data_dir(self, token_a_pending):
        """Tokens at rest (issue 12): the running bridge rotates its state key; the data dir's files
        (database, WAL) hold none of the tokens the peers and the bridge use, and the restart that
        follows in test 9 opens them all with the new key."""
        data_dir = os.path.join(W.workdir, "bridge-data")
        key_file = data_dir + ".key"
        before = key_lines(key_file)
        self.assertEqual(len(before), 1)
        code, out, err = W.bridge_admin("rotate-key")
        self.assertEqual(code, 0, err)
        self.assertIn("re-sealed with key", out)
        after = key_lines(key_file)
        self.assertEqual(len(after), 1)  # the old key is gone
        self.assertNotEqual(after, before)
        self.assertEqual(os.stat(key_file).st_mode & 0o777, 0o600)
        secrets = {token_a_pending} | tokens_seen_by_peers()
        self.assertGreaterEqual(len(secrets), 3)
        for name in os.listdir(data_dir):
            with open(os.path.join(data_dir, name), "rb") as f:
                data = f.read()
            for secret in secrets:
                self.assertNotIn(secret.encode(), data, f"a token in clear in {name}")

    def until_ok(self, call, timeout=8.0):
        return h.until_ready(call, timeout)

    def test_8_bad_admin_calls(self):
        code, _, err = W.bridge_admin("token-a", "XX*NOP")
        self.assertEqual(code, 2)
        self.assertIn("neither iop nor a configured", err)
        r = h.http_request("GET", f"http://127.0.0.1:{W.bridge_ports['admin']}/admin/status",
                           headers={"Authorization": "Token wrong"})
        self.assertEqual(r.status, 401)


if __name__ == "__main__":
    unittest.main(argv=h.parse_cli(sys.argv), verbosity=2)
