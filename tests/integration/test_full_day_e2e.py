#!/usr/bin/env python3
"""A full roaming day through the bridge (issue 4), against the real binary and the simulators.

Not independent scenarios (test_roaming_e2e / test_sessions_cdrs_tariffs_e2e have those): ONE
continuous day per direction, each step using the state the previous steps left, with a SIGKILL of
the bridge in the middle of each day. The bridge starts on static tokens (peers set up out of band);
every peer then registers and from then on only the handshake's tokens work.

  A  legacy CPO (BE*BEC) <-> hub: registrations, Location + Tariff, a Token from the hub, real-time
     authorization, START_SESSION and its result, Session PUT/PATCHes, STOP_SESSION, SIGKILL +
     restart, the STOP result and the last PATCH, the CDR.
  B  hub <-> legacy eMSP (FR*EMP): registration, the eMSP's Token to the hub, Locations and a Tariff
     from the hub, real-time authorization at the eMSP, START_SESSION and its result, Session
     PUT/PATCHes, STOP_SESSION, SIGKILL + restart, a PATCH and the STOP result, the CDR.
  C  TIMEOUT synthesis both ways (commands.timeout_grace_s) and late callbacks (MAPPING §3.3.2).
  D  bad input and faults: unknown callbacks, authorization references never seen, a legacy backend
     answering garbage — OCPI status, HTTP code, a log line with the correlation id, state intact.

Assertions are on what each simulator RECEIVED and on the answers the callers got.

Run: test_full_day_e2e.py --bridge PATH --hub-sim PATH --legacy-sim PATH [--tls] [--keep-logs]
"""

import copy
import json
import os
import re
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

W = None
CPO, EMSP, IOP = h.CPO, h.EMSP, h.IOP
TO_CPO = {"OCPI-to-country-code": CPO["country_code"], "OCPI-to-party-id": CPO["party_id"]}
TO_EMSP = {"OCPI-to-country-code": EMSP["country_code"], "OCPI-to-party-id": EMSP["party_id"]}
# IOP forwards a CPO's messages to an eMSP with that CPO in OCPI-from (Gireve 2.2.1 routing).
FROM_CPO_TO_EMSP = {**TO_EMSP, "OCPI-from-country-code": CPO["country_code"], "OCPI-from-party-id": CPO["party_id"]}
CPO_FACE = "/ocpi/emsp/2.1.1"    # the bridge's 2.1.1 face as the legacy CPO sees it
EMSP_FACE = "/ocpi/cpo/2.1.1"    # ... as the legacy eMSP sees it
HUB_RX = "/ocpi/2.2.1/receiver"  # the hub simulator's receiver interfaces
HUB_TX = "/ocpi/2.2.1/sender"
EMSP_SIM = "/ocpi/emsp/2.1.1"    # the legacy eMSP simulator's own interfaces
CPO_SIM = "/ocpi/cpo/2.1.1"

# The tokens each peer hands out in its handshake: nothing the configuration knows (static_tokens=False).
HUB_TOKEN = "day-hub-token-B"
CPO_TOKEN = "day-cpo-token-B"
EMSP_TOKEN = "day-emsp-token-B"

# Driver of another eMSP (DE*TNM), whose Token IOP pushes to the legacy CPO (day A).
DRIVER_A = {"country_code": "DE", "party_id": "TNM", "uid": "04A1B2C3D4E5F6", "type": "RFID",
            "contract_id": "DE-TNM-C00000042", "visual_number": "DE-TNM-C00000042", "issuer": "TheNewMotion",
            "valid": True, "whitelist": "ALLOWED", "language": "de", "last_updated": "2024-06-01T06:00:00Z"}
# Driver of the legacy eMSP (day B), pushed by the eMSP in 2.1.1.
DRIVER_B = {"uid": "0A0B0C0D", "type": "RFID", "auth_id": "FR-EMP-C0000DAY", "visual_number": "FR-EMP-C0000DAY",
            "issuer": "Example eMSP", "valid": True, "whitelist": "ALLOWED", "language": "fr",
            "last_updated": "2024-06-01T06:00:00Z"}

GRACE_S = 1          # commands.timeout_grace_s of this world
UNLOCK_TIMEOUT_S = 1  # commands.timeout_s UNLOCK_CONNECTOR: the command part C lets time out


class DayWorld(h.World):
    """The harness world with the command timing of this suite appended to [mapping]."""

    def config_toml(self, name, data_name=None):
        return super().config_toml(name, data_name) + (
            f'"commands.timeout_grace_s" = {GRACE_S}\n'
            f'"commands.timeout_s" = {{ UNLOCK_CONNECTOR = {UNLOCK_TIMEOUT_S} }}\n')


def setUpModule():
    global W
    # Static tokens configured, as for peers set up out of band: the registrations must replace them.
    W = DayWorld(static_tokens=True, emsp_args=["--with-tariffs"]).start()


def tearDownModule():
    if W:
        W.stop()


# ---- helpers ----------------------------------------------------------------------------------------
data = h.load_data


def token_a(connection):
    return W.token_a(connection)


def register(sim, token, versions_url):
    """The peer runs the credentials handshake as the Sender; the simulator's report (502 when a step
    failed, with the bridge's answer)."""
    r = h.http_request("POST", W.sim_url(sim) + "/_sim/register", body={"token_a": token, "versions_url": versions_url},
                       timeout=60, ssl_context=W.ssl_context)
    return dict(r.json, status=r.json.get("status", r.status)) if r.status == 200 else dict(r.json, sim_status=r.status)


def received(sim, method, path):
    return W.matching(sim, method, path)


until_ready = h.until_ready


def bridge_log_lines(pattern, wait_s=5.0):
    return W.bridge_log_lines(pattern, wait_s)


def sigkill_and_restart(testcase):
    """SIGKILL (nothing flushed on the way out), then a new bridge on the same data directory."""
    old = W.bridge
    old.p.kill()
    old.p.wait(timeout=10)
    old.stop()  # already dead: only closes its log file
    os.replace(old.err_path, old.err_path + f".killed-{time.monotonic_ns()}")  # the new process logs afresh
    W.bridge, W.bridge_ports = W.start_bridge("bridge")
    W.point_sims_at_bridge()
    W.wait_discovery()
    W.clear_all()
    code, out, err = W.bridge_admin("status")
    testcase.assertEqual(code, 0, err)
    return json.loads(out)


def sources():
    """Where the bridge takes each connection's tokens from (`admin status`): configuration | handshake."""
    code, out, err = W.bridge_admin("status")
    assert code == 0, err
    return {c["party"] if c["role"] != "HUB" else "iop": c["source"] for c in json.loads(out)["connections"]}


def on_new_port(url):
    """A URL the bridge handed out before the restart, on the restarted bridge (same path)."""
    m = re.match(r"^https?://127\.0\.0\.1:\d+(/.*)$", url)
    assert m, url
    return (W.bridge_hub if "/ocpi/2.2.1/" in m.group(1) else W.bridge_legacy) + m.group(1)


class Base(unittest.TestCase):
    maxDiff = None

    def setUp(self):
        h.fresh_start(self, W)

    def assertOcpi(self, r, http_status, status_code, what=""):
        if getattr(r, "error", None):
            self.fail(f"{what}: no answer from the bridge: {r}\n{W.bridge.diagnostics(15)}")
        body = r.body if isinstance(r.body, dict) else {}
        self.assertEqual((r.status, body.get("status_code")), (http_status, status_code),
                         f"{what}: expected HTTP {http_status} + OCPI {status_code}, got {r}")

    def assertLogged(self, cid, http_status, ocpi_status):
        lines = bridge_log_lines(rf"cid={re.escape(cid)} .* http={http_status} ocpi={ocpi_status}\b")
        self.assertTrue(lines, f"no bridge log line with cid={cid} http={http_status} ocpi={ocpi_status}")

    def cpo(self, method, path, body=None, headers=None, body_raw=None):
        return W.send("cpo", method, f"{W.bridge_legacy}{CPO_FACE}{path}", body=body, headers=headers, body_raw=body_raw)

    def emsp(self, method, path, body=None, headers=None):
        return W.send("emsp", method, f"{W.bridge_legacy}{EMSP_FACE}{path}", body=body, headers=headers)

    def hub(self, method, path, body=None, to=TO_CPO, headers=None):
        return W.send("hub", method, f"{W.bridge_hub}/ocpi/2.2.1{path}", body=body, headers={**to, **(headers or {})})


# What day A's steps learn and later steps use.
A = {}
B = {}


# ==== A: legacy CPO <-> hub ==============================================================================
class A_LegacyCpoDay(Base):
    def test_a01_registrations(self):
        # The bridge starts on the static tokens of its configuration (the peers were set up out of band) ...
        self.assertEqual(sources(), {"iop": "configuration", "BE*BEC": "configuration", "FR*EMP": "configuration"})
        # ... then each peer registers and hands out a token of its own, which the peer's side now
        # requires: from here on the configuration's tokens would be refused.
        W.admin("hub", "POST", "/_sim/config", {"token_accepted": HUB_TOKEN})
        W.admin("cpo", "POST", "/_sim/config", {"token_accepted": CPO_TOKEN})
        token, versions_url = token_a("iop")
        result = register("hub", token, versions_url)  # IOP registers FromIOP (MAPPING §2.3)
        self.assertEqual((result["status"], result["body"]["status_code"]), (200, 1000), result)
        self.assertEqual({(r["role"], r["country_code"], r["party_id"]) for r in result["body"]["data"]["roles"]},
                         {("CPO", "BE", "BEC"), ("EMSP", "FR", "EMP")})
        for g in W.requests("hub"):  # the bridge fetched IOP's endpoints with IOP's token, Base64
            self.assertEqual(g["headers"]["authorization"], "Token " + h.b64(HUB_TOKEN), g["target"])
        token, versions_url = token_a("BE*BEC")
        self.assertTrue(versions_url.endswith("/ocpi/emsp/versions"), versions_url)
        result = register("cpo", token, versions_url)  # the CPO registers as it did with Gireve 2.1.1
        self.assertEqual((result["status"], result["body"]["status_code"]), (200, 1000), result)
        creds = result["body"]["data"]
        self.assertEqual((creds["country_code"], creds["party_id"], creds["business_details"]["name"]),
                         ("FR", "107", "GIREVE"), "the legacy CPO keeps seeing Gireve (§2.4)")
        A["cpo_token_c"] = creds["token"]
        self.assertEqual(len(A["cpo_token_c"]), 43)
        # Re-registration while registered: IOP's POST with its token is 405 (OCPI 2.2.1 §7.2.2), and a
        # used token A stays used.
        r = W.send("hub", "POST", "/ocpi/2.2.1/credentials",
                   body={"token": "x", "url": "http://127.0.0.1:1/v", "roles": []})
        self.assertEqual(r.status, 405, r)
        again = register("cpo", token, versions_url)
        self.assertEqual((again.get("sim_status"), again.get("status")), (502, 401), f"token A is single use: {again}")
        self.assertEqual(sources(), {"iop": "handshake", "BE*BEC": "handshake", "FR*EMP": "configuration"})

    def test_a02_cpo_publishes_a_location_and_a_tariff(self):
        loc = copy.deepcopy(h.load("tv03_location_put.v211.json"))
        loc["id"] = "DAY1"
        r = self.cpo("PUT", "/locations/BE/BEC/DAY1", loc)
        self.assertOcpi(r, 200, 1000, "L1 PUT")
        got = W.wait_requests("hub", "PUT", f"{HUB_RX}/locations/BE/BEC/DAY1")[0]
        # The handshake's tokens, not the configuration's: IOP gets its own token back, Base64.
        self.assertEqual(got["headers"]["authorization"], "Token " + h.b64(HUB_TOKEN))
        self.assertEqual((got["headers"]["ocpi-from-country-code"], got["headers"]["ocpi-from-party-id"]), ("BE", "BEC"))
        expected = copy.deepcopy(h.load("tv03_location_put.expected.v221.json"))
        expected["id"] = "DAY1"
        h.assert_json_equal(got["body"], expected, "TV-03 Location as IOP received it")
        self.assertEqual([c["tariff_ids"] for c in got["body"]["evses"][0]["connectors"]], [["11"], ["11"]])

        tariff = dict(data("tariffs", "tv18a_gireve_cpo_put.v211.json"), id="11")
        self.assertOcpi(self.cpo("PUT", "/tariffs/BE/BEC/11", tariff), 200, 1000, "F1 PUT")
        got = W.wait_requests("hub", "PUT", f"{HUB_RX}/tariffs/BE/BEC/11")[0]["body"]
        expected = dict(data("tariffs", "tv18a_gireve_cpo_put.v221.json"), id="11", country_code="BE", party_id="BEC")
        h.assert_json_equal(got, expected, "TV-18(a) Tariff as IOP received it")

    def test_a03_hub_pushes_a_token_to_the_cpo(self):
        W.admin("hub", "POST", "/_sim/config", {"known_tokens": [DRIVER_A]})  # IOP knows DE*TNM's driver
        r = self.hub("PUT", f"/cpo/tokens/DE/TNM/{DRIVER_A['uid']}", DRIVER_A)
        self.assertOcpi(r, 200, 1000, "T8 token push")
        got = W.wait_requests("cpo", "PUT", f"{CPO_SIM}/tokens/DE/TNM/{DRIVER_A['uid']}")[0]
        self.assertEqual(got["headers"]["authorization"], "Token " + CPO_TOKEN, "the CPO's handshake token, raw")
        body = got["body"]
        self.assertEqual((body["uid"], body["type"], body["auth_id"], body["issuer"], body["valid"], body["whitelist"]),
                         (DRIVER_A["uid"], "RFID", DRIVER_A["contract_id"], "DE*TNM", True, "ALLOWED"))
        for absent in ("contract_id", "country_code", "party_id"):
            self.assertNotIn(absent, body)

    def test_a04_cpo_authorizes_the_driver(self):
        refs = {"location_id": "DAY1", "evse_uids": ["3256"], "connector_ids": ["1"]}
        r = self.cpo("POST", f"/tokens/{DRIVER_A['uid']}/authorize", refs)
        self.assertOcpi(r, 200, 1000, "T7 authorize")
        info = r.body["data"]
        self.assertEqual((info["allowed"], info["authorization_id"]), ("ALLOWED", "IOP-AUTH-" + DRIVER_A["uid"]))
        self.assertNotIn("authorization_reference", info)
        sent = W.wait_requests("hub", "POST", f"{HUB_TX}/tokens/{DRIVER_A['uid']}/authorize")[0]
        self.assertEqual(sent["query"], {})  # RFID: no ?type=
        self.assertEqual(sent["body"], {"location_id": "DAY1", "evse_uids": ["3256"]}, "2.2.1 LocationReferences")
        A["authorization"] = info["authorization_id"]

    def test_a05_hub_starts_the_session(self):
        cmd = {"response_url": W.sim_url("hub") + f"{HUB_TX}/commands/START_SESSION/day-a-1", "token": DRIVER_A,
               "location_id": "DAY1", "evse_uid": "3256", "connector_id": "1",
               "authorization_reference": A["authorization"]}
        r = self.hub("POST", "/cpo/commands/START_SESSION", cmd, headers={"X-Correlation-ID": "day-a-start"})
        self.assertOcpi(r, 200, 1000, "C3 START_SESSION")
        self.assertEqual(r.body["data"], {"result": "ACCEPTED", "timeout": 120})
        got = W.wait_requests("cpo", "POST", f"{CPO_SIM}/commands/START_SESSION")[0]["body"]
        self.assertEqual((got["location_id"], got["evse_uid"], got["authorization_id"], got["token"]["auth_id"]),
                         ("DAY1", "3256", A["authorization"], DRIVER_A["contract_id"]))
        self.assertIn("/ocpi/2.1.1/callbacks/", got["response_url"])
        # The CPO's asynchronous result reaches IOP's response_url with the original correlation id.
        r = W.send("cpo", "POST", got["response_url"], body={"result": "ACCEPTED"})
        self.assertOcpi(r, 200, 1000, "C4 result")
        res = W.wait_requests("hub", "POST", f"{HUB_TX}/commands/START_SESSION/day-a-1")[0]
        self.assertEqual(res["body"], {"result": "ACCEPTED"})
        self.assertEqual(res["headers"]["x-correlation-id"], "day-a-start")
        self.assertEqual((res["headers"]["ocpi-from-country-code"], res["headers"]["ocpi-from-party-id"]), ("BE", "BEC"))

    def session_211(self):
        loc = copy.deepcopy(h.load("tv03_location_put.v211.json"))
        evse = dict(loc["evses"][0], status="CHARGING", connectors=loc["evses"][0]["connectors"][:1])
        loc.update(id="DAY1", evses=[evse])
        return {"id": "DAY-S1", "start_datetime": "2024-06-01T08:00:00Z", "kwh": 0, "auth_id": DRIVER_A["contract_id"],
                "auth_method": "AUTH_REQUEST", "authorization_id": A["authorization"], "location": loc,
                "currency": "EUR", "charging_periods": [], "status": "ACTIVE", "last_updated": "2024-06-01T08:00:05Z"}

    def test_a06_cpo_sends_the_session_and_its_updates(self):
        self.assertOcpi(self.cpo("PUT", "/sessions/BE/BEC/DAY-S1", self.session_211()), 200, 1000, "S1 PUT")
        path = f"{HUB_RX}/sessions/BE/BEC/DAY-S1"
        got = W.wait_requests("hub", "PUT", path)[0]["body"]
        self.assertEqual((got["country_code"], got["party_id"], got["id"], got["location_id"], got["evse_uid"],
                          got["connector_id"], got["status"], got["start_date_time"]),
                         ("BE", "BEC", "DAY-S1", "DAY1", "3256", "1", "ACTIVE", "2024-06-01T08:00:00Z"))
        # The Token learnt from the authorization, not a derived one (§3.4.4 step 2).
        self.assertEqual(got["cdr_token"], {"country_code": "DE", "party_id": "TNM", "uid": DRIVER_A["uid"],
                                            "type": "RFID", "contract_id": DRIVER_A["contract_id"]})
        self.assertEqual(got["authorization_reference"], A["authorization"])
        self.assertNotIn("location", got)
        # PATCHes: IOP has no Session PATCH, each becomes the merged full PUT (§3.4.6).
        p1 = {"start_date_time": "2024-06-01T08:00:00Z", "dimensions": [{"type": "ENERGY", "volume": 3.5}]}
        p2 = {"start_date_time": "2024-06-01T08:30:00Z", "dimensions": [{"type": "ENERGY", "volume": 4.25}]}
        steps = [({"kwh": 3.5, "charging_periods": [p1], "last_updated": "2024-06-01T08:30:00Z"}, [p1], "first period"),
                 ({"kwh": 7.75, "charging_periods": [p2], "last_updated": "2024-06-01T09:00:00Z"}, [p1, p2],
                  "a list starting after the cached one continues it (A-31)")]
        for i, (patch, periods, what) in enumerate(steps):
            self.assertOcpi(self.cpo("PATCH", "/sessions/BE/BEC/DAY-S1", patch), 200, 1000, what)
            put = W.wait_requests("hub", "PUT", path, count=i + 2)[i + 1]["body"]
            h.assert_json_equal(put["charging_periods"], periods, what)
            self.assertEqual((put["kwh"], put["last_updated"], put["cdr_token"]["uid"], put["authorization_reference"]),
                             (patch["kwh"], patch["last_updated"], DRIVER_A["uid"], A["authorization"]), what)
        self.assertEqual(W.matching("hub", "PATCH", path), [])

    def test_a07_sigkill_in_the_middle_of_the_day(self):
        # A STOP_SESSION in flight when the bridge dies: its pending record must survive.
        cmd = {"response_url": W.sim_url("hub") + f"{HUB_TX}/commands/STOP_SESSION/day-a-2", "session_id": "DAY-S1"}
        r = self.hub("POST", "/cpo/commands/STOP_SESSION", cmd, headers={"X-Correlation-ID": "day-a-stop"})
        self.assertOcpi(r, 200, 1000, "C3 STOP_SESSION")
        got = W.wait_requests("cpo", "POST", f"{CPO_SIM}/commands/STOP_SESSION")[0]["body"]
        self.assertEqual(got["session_id"], "DAY-S1")
        A["stop_callback"] = got["response_url"]
        status = sigkill_and_restart(self)
        self.assertGreaterEqual(status["pending_commands"], 1, status)
        # Registrations survived: IOP's and the CPO's exchanged tokens are still accepted.
        r = until_ready(lambda: W.send("hub", "GET", "/ocpi/2.2.1"))
        self.assertOcpi(r, 200, 1000, "IOP after the restart")
        r = until_ready(lambda: self.cpo("GET", "/tokens/" + DRIVER_A["uid"]))
        self.assertOcpi(r, 200, 1000, "token cache after the restart (T6)")
        self.assertEqual(r.body["data"]["auth_id"], DRIVER_A["contract_id"])

    def test_a08_stop_result_after_the_restart(self):
        r = W.send("cpo", "POST", on_new_port(A["stop_callback"]), body={"result": "ACCEPTED"})
        self.assertOcpi(r, 200, 1000, "C4 result of a command sent before the SIGKILL")
        res = W.wait_requests("hub", "POST", f"{HUB_TX}/commands/STOP_SESSION/day-a-2")[0]
        self.assertEqual(res["body"], {"result": "ACCEPTED"})
        self.assertEqual(res["headers"]["x-correlation-id"], "day-a-stop")
        self.assertEqual(res["headers"]["authorization"], "Token " + h.b64(HUB_TOKEN))
        # The Session cache survived: the final PATCH is merged onto the pre-kill periods.
        patch = {"status": "COMPLETED", "end_datetime": "2024-06-01T09:15:00Z", "kwh": 8.5,
                 "last_updated": "2024-06-01T09:15:01Z"}
        self.assertOcpi(self.cpo("PATCH", "/sessions/BE/BEC/DAY-S1", patch), 200, 1000, "S2 after the restart")
        put = W.wait_requests("hub", "PUT", f"{HUB_RX}/sessions/BE/BEC/DAY-S1")[0]["body"]
        self.assertEqual((put["status"], put["end_date_time"], put["kwh"]), ("COMPLETED", "2024-06-01T09:15:00Z", 8.5))
        self.assertEqual([p["start_date_time"] for p in put["charging_periods"]],
                         ["2024-06-01T08:00:00Z", "2024-06-01T08:30:00Z"])
        self.assertEqual(put["cdr_token"]["uid"], DRIVER_A["uid"], "authorization map survived")

    def test_a09_cpo_posts_the_cdr(self):
        loc = copy.deepcopy(h.load("tv03_location_put.v211.json"))
        loc.update(id="DAY1", evses=[dict(loc["evses"][0], connectors=loc["evses"][0]["connectors"][:1])])
        cdr = {"id": "DAY-CDR1", "start_date_time": "2024-06-01T08:00:00Z", "stop_date_time": "2024-06-01T09:15:00Z",
               "auth_id": DRIVER_A["contract_id"], "authorization_id": A["authorization"], "auth_method": "AUTH_REQUEST",
               "location": loc, "currency": "EUR",
               "tariffs": [dict(data("tariffs", "tv18a_gireve_cpo_put.v211.json"), id="11")],
               "charging_periods": [{"start_date_time": "2024-06-01T08:00:00Z",
                                     "dimensions": [{"type": "ENERGY", "volume": 8.5}, {"type": "TIME", "volume": 1.25}]}],
               "total_cost": 25.5, "total_energy": 8.5, "total_time": 1.25, "last_updated": "2024-06-01T09:16:00Z"}
        r = self.cpo("POST", "/cdrs", cdr)
        self.assertOcpi(r, 201, 1000, "D1 POST")
        location = r.headers.get("location", "")
        self.assertTrue(location.startswith(f"{W.bridge_legacy}{CPO_FACE}/cdrs/"), f"a bridge URL: {location!r}")
        got = W.wait_requests("hub", "POST", f"{HUB_RX}/cdrs")[0]["body"]
        self.assertEqual((got["country_code"], got["party_id"], got["id"]), ("BE", "BEC", "DAY-CDR1"))
        self.assertEqual(got["authorization_reference"], A["authorization"], "the authorization's reference")
        self.assertEqual(got["cdr_token"]["uid"], DRIVER_A["uid"])
        cl = got["cdr_location"]
        self.assertEqual((cl["id"], cl["evse_uid"], cl["connector_id"], cl["address"], cl["city"], cl["country"],
                          cl["connector_standard"], cl["connector_format"], cl["connector_power_type"]),
                         ("DAY1", "3256", "1", "F.Rooseveltlaan 3A", "Gent", "BEL", "IEC_62196_T2", "CABLE", "AC_3_PHASE"))
        self.assertEqual(cl["coordinates"], loc["coordinates"])
        self.assertEqual(got["total_cost"]["excl_vat"], 25.5)
        self.assertEqual(got["tariffs"][0]["id"], "11")
        # The bridge URL serves the CDR back (D2), from IOP.
        back = W.send("cpo", "GET", location)
        self.assertOcpi(back, 200, 1000, "D2")
        self.assertEqual((back.body["data"]["id"], back.body["data"]["authorization_id"]), ("DAY-CDR1", A["authorization"]))


# ==== B: hub <-> legacy eMSP =================================================================================
class B_LegacyEmspDay(Base):
    def test_b01_registration(self):
        W.admin("emsp", "POST", "/_sim/config", {"token_accepted": EMSP_TOKEN})
        token, versions_url = token_a("FR*EMP")
        self.assertTrue(versions_url.endswith("/ocpi/cpo/versions"), versions_url)
        result = register("emsp", token, versions_url)
        self.assertEqual((result["status"], result["body"]["status_code"]), (200, 1000), result)
        self.assertEqual((result["body"]["data"]["country_code"], result["body"]["data"]["party_id"]), ("FR", "107"))
        self.assertEqual(sources()["FR*EMP"], "handshake")
        self.assertTrue(W.requests("emsp"), "the bridge fetched the eMSP's endpoints")
        for g in W.requests("emsp"):
            self.assertEqual(g["headers"]["authorization"], "Token " + EMSP_TOKEN, g["target"])
        # Re-registration while registered, on the 2.1.1 face: 405 there too.
        r = self.emsp("POST", "/credentials", {"token": "again", "url": W.sim_url("emsp") + "/ocpi/emsp/versions",
                                               "business_details": {"name": "x"}, "country_code": "FR", "party_id": "EMP"})
        self.assertEqual(r.status, 405, r)
        r = self.emsp("GET", "/credentials")
        self.assertOcpi(r, 200, 1000, "still registered")

    def test_b02_emsp_pushes_its_token(self):
        r = self.emsp("PUT", f"/tokens/FR/EMP/{DRIVER_B['uid']}", DRIVER_B)
        self.assertOcpi(r, 200, 1000, "T1 token push")
        got = W.wait_requests("hub", "PUT", f"{HUB_RX}/tokens/FR/EMP/{DRIVER_B['uid']}")[0]
        self.assertEqual(got["headers"]["authorization"], "Token " + h.b64(HUB_TOKEN))
        body = got["body"]
        self.assertEqual((body["country_code"], body["party_id"], body["uid"], body["type"], body["contract_id"],
                          body["issuer"], body["whitelist"]),
                         ("FR", "EMP", DRIVER_B["uid"], "RFID", DRIVER_B["auth_id"], "Example eMSP", "ALLOWED"))
        self.assertNotIn("auth_id", body)

    def test_b03_hub_pushes_locations_and_a_tariff(self):
        seed = h.load("hub_seed_locations.v221.json")
        published, unpublished = seed[0], seed[1]
        self.assertOcpi(self.hub("PUT", "/emsp/locations/BE/BEC/LOC1", published, to=FROM_CPO_TO_EMSP), 200, 1000, "L5 PUT")
        got = W.wait_requests("emsp", "PUT", f"{EMSP_SIM}/locations/BE/BEC/GIR-0000042")[0]
        self.assertEqual(got["headers"]["authorization"], "Token " + EMSP_TOKEN)
        loc = got["body"]
        self.assertEqual((loc["id"], loc["operator"]["name"], loc["evses"][0]["uid"],
                          loc["evses"][0]["connectors"][0]["tariff_id"]),
                         ("GIR-0000042", "BE*BEC", "3256", "11"), "2.1.1 shape: Gireve id, EMI3 operator, one tariff_id")
        self.assertNotIn("publish", loc)
        path = f"/emsp/locations/{unpublished['country_code']}/{unpublished['party_id']}/{unpublished['id']}"
        self.assertOcpi(self.hub("PUT", path, unpublished, to=FROM_CPO_TO_EMSP), 200, 1000, "publish=false Location")
        time.sleep(0.5)
        self.assertEqual([r["target"] for r in W.requests("emsp") if r["method"] == "PUT" and "/locations/" in r["path"]],
                         [got["target"]], "publish=false is not forwarded to the eMSP (§3.1)")

        tariff = dict(data("tariffs", "tv18a_gireve_cpo_put.v221.json"), id="11", country_code="BE", party_id="BEC")
        self.assertOcpi(self.hub("PUT", "/emsp/tariffs/BE/BEC/11", tariff, to=FROM_CPO_TO_EMSP), 200, 1000, "F6 PUT")
        got = W.wait_requests("emsp", "PUT", f"{EMSP_SIM}/tariffs/BE/BEC/11")[0]["body"]
        self.assertEqual((got["id"], got["currency"], got["country_code"], got["party_id"]), ("11", "EUR", "BE", "BEC"),
                         "Gireve 2.1.1 owner extension fields (§4.6)")
        self.assertEqual([(c["type"], c["price"], c["step_size"]) for c in got["elements"][0]["price_components"]],
                         [("TIME", 6, 1), ("FLAT", 1, 1), ("ENERGY", 2, 1)])
        self.assertTrue(all(c.get("exact_price_component") is True for c in got["elements"][0]["price_components"]),
                        "Gireve 2.1.1 tariff extensions (§3.6.3)")
        for absent in ("type", "start_date_time"):
            self.assertNotIn(absent, got)

    def test_b04_hub_authorizes_the_driver_at_the_emsp(self):
        r = self.hub("POST", f"/emsp/tokens/{DRIVER_B['uid']}/authorize", {"location_id": "LOC1", "evse_uids": ["3256"]},
                     to=FROM_CPO_TO_EMSP)
        self.assertOcpi(r, 200, 1000, "T4 authorize (FromIOP)")
        info = r.body["data"]
        self.assertEqual((info["allowed"], info["authorization_reference"]), ("ALLOWED", "EMSP-AUTH-" + DRIVER_B["uid"]))
        self.assertEqual((info["token"]["uid"], info["token"]["contract_id"], info["token"]["country_code"]),
                         (DRIVER_B["uid"], DRIVER_B["auth_id"], "FR"), "the Token the eMSP pushed (token cache)")
        sent = W.wait_requests("emsp", "POST", f"{EMSP_SIM}/tokens/{DRIVER_B['uid']}/authorize")[0]
        self.assertEqual(sent["body"]["location_id"], "GIR-0000042", "the Location id the eMSP knows (§4.6)")
        self.assertEqual(sent["body"]["evse_uids"], ["3256"])
        B["authorization"] = info["authorization_reference"]

    def test_b05_emsp_starts_the_session(self):
        cmd = {"response_url": W.sim_url("emsp") + f"{EMSP_SIM}/commands/START_SESSION/day-b-1",
               "token": DRIVER_B, "location_id": "GIR-0000042", "evse_uid": "3256", "authorization_id": B["authorization"]}
        r = self.emsp("POST", "/commands/START_SESSION", cmd)
        self.assertOcpi(r, 200, 1000, "C1 START_SESSION")
        self.assertEqual(r.body["data"], {"result": "ACCEPTED"})
        sent = W.wait_requests("hub", "POST", f"{HUB_RX}/commands/START_SESSION")[0]
        body = sent["body"]
        self.assertEqual((body["location_id"], body["evse_uid"], body["authorization_reference"],
                          body["token"]["contract_id"]),
                         ("LOC1", "3256", B["authorization"], DRIVER_B["auth_id"]))
        self.assertIn("/ocpi/2.2.1/callbacks/", body["response_url"])
        cid = sent["headers"]["x-correlation-id"]
        r = W.send("hub", "POST", body["response_url"], body={"result": "ACCEPTED"}, headers=TO_EMSP)
        self.assertOcpi(r, 200, 1000, "C2 result")
        res = W.wait_requests("emsp", "POST", f"{EMSP_SIM}/commands/START_SESSION/day-b-1")[0]
        self.assertEqual(res["body"], {"result": "ACCEPTED"})
        self.assertEqual(res["headers"]["authorization"], "Token " + EMSP_TOKEN)
        self.assertEqual(res["headers"]["x-correlation-id"], cid)

    def session_221(self):
        return {"country_code": "BE", "party_id": "BEC", "id": "DAY-B-S1", "start_date_time": "2024-06-01T12:00:00Z",
                "kwh": 0, "cdr_token": {"country_code": "FR", "party_id": "EMP", "uid": DRIVER_B["uid"], "type": "RFID",
                                        "contract_id": DRIVER_B["auth_id"]},
                "auth_method": "COMMAND", "authorization_reference": B["authorization"], "location_id": "LOC1",
                "evse_uid": "3256", "connector_id": "1", "currency": "EUR", "charging_periods": [], "status": "ACTIVE",
                "last_updated": "2024-06-01T12:00:05Z"}

    def test_b06_hub_sends_the_session_and_its_updates(self):
        r = self.hub("PUT", "/emsp/sessions/BE/BEC/DAY-B-S1", self.session_221(), to=FROM_CPO_TO_EMSP)
        self.assertOcpi(r, 200, 1000, "S6 PUT")
        got = W.wait_requests("emsp", "PUT", f"{EMSP_SIM}/sessions/BE/BEC/DAY-B-S1")[0]["body"]
        self.assertEqual((got["id"], got["auth_id"], got["auth_method"], got["status"], got["start_datetime"], got["kwh"]),
                         ("DAY-B-S1", DRIVER_B["auth_id"], "AUTH_REQUEST", "ACTIVE", "2024-06-01T12:00:00Z", 0))
        self.assertEqual(got.get("authorization_id"), B["authorization"])
        loc = got["location"]  # rebuilt from the cached Location of step b03
        self.assertEqual((loc["id"], loc["name"], loc["city"], [e["uid"] for e in loc["evses"]],
                          [c["id"] for c in loc["evses"][0]["connectors"]]),
                         ("GIR-0000042", "Gent Zuid", "Gent", ["3256"], ["1"]))
        self.assertEqual(W.matching("hub", "GET", f"{HUB_TX}/locations/LOC1"), [], "served from the cache")
        # 2.2.1 PATCHes append; the eMSP gets 2.1.1 PATCHes carrying the whole list (§3.4.6 FromIOP).
        p1 = {"start_date_time": "2024-06-01T12:00:00Z", "dimensions": [{"type": "ENERGY", "volume": 5}]}
        p2 = {"start_date_time": "2024-06-01T12:30:00Z", "dimensions": [{"type": "ENERGY", "volume": 6}]}
        path = f"{EMSP_SIM}/sessions/BE/BEC/DAY-B-S1"
        steps = [({"kwh": 5, "charging_periods": [p1], "last_updated": "2024-06-01T12:30:00Z"}, [p1]),
                 ({"kwh": 11, "charging_periods": [p2], "last_updated": "2024-06-01T13:00:00Z"}, [p1, p2])]
        for i, (patch, periods) in enumerate(steps):
            r = self.hub("PATCH", "/emsp/sessions/BE/BEC/DAY-B-S1", patch, to=FROM_CPO_TO_EMSP)
            self.assertOcpi(r, 200, 1000, f"PATCH {i + 1}")
            got = W.wait_requests("emsp", "PATCH", path, count=i + 1)[i]["body"]
            h.assert_json_equal(got, {"kwh": patch["kwh"], "last_updated": patch["last_updated"],
                                      "charging_periods": periods},
                                f"2.1.1 PATCH {i + 1} received by the eMSP")

    def test_b07_sigkill_in_the_middle_of_the_day(self):
        # The driver stops from the eMSP's app; the bridge dies before IOP reports the result.
        cmd = {"response_url": W.sim_url("emsp") + f"{EMSP_SIM}/commands/STOP_SESSION/day-b-2", "session_id": "DAY-B-S1"}
        r = self.emsp("POST", "/commands/STOP_SESSION", cmd)
        self.assertOcpi(r, 200, 1000, "C1 STOP_SESSION")
        sent = W.wait_requests("hub", "POST", f"{HUB_RX}/commands/STOP_SESSION")[0]
        self.assertEqual(sent["body"]["session_id"], "DAY-B-S1")
        B["stop_callback"], B["stop_cid"] = sent["body"]["response_url"], sent["headers"]["x-correlation-id"]
        sigkill_and_restart(self)
        self.assertEqual(sources(), {"iop": "handshake", "BE*BEC": "handshake", "FR*EMP": "handshake"},
                         "registrations reloaded from the store")
        status = json.loads(W.bridge_admin("status")[1])
        self.assertGreaterEqual(status["pending_commands"], 1, status)
        r = until_ready(lambda: self.emsp("GET", "/credentials"))
        self.assertOcpi(r, 200, 1000, "the eMSP's exchanged token after the restart")
        r = until_ready(lambda: W.send("hub", "GET", "/ocpi/2.2.1"))
        self.assertOcpi(r, 200, 1000, "IOP's exchanged token after the restart")

    def test_b08_updates_and_stop_after_the_restart(self):
        # The Session cache survived: the next PATCH still carries the whole list.
        p3 = {"start_date_time": "2024-06-01T13:00:00Z", "dimensions": [{"type": "ENERGY", "volume": 2}]}
        patch = {"kwh": 13, "charging_periods": [p3], "last_updated": "2024-06-01T13:10:00Z"}
        r = self.hub("PATCH", "/emsp/sessions/BE/BEC/DAY-B-S1", patch, to=FROM_CPO_TO_EMSP)
        self.assertOcpi(r, 200, 1000, "PATCH after restart")
        got = W.wait_requests("emsp", "PATCH", f"{EMSP_SIM}/sessions/BE/BEC/DAY-B-S1")[0]["body"]
        self.assertEqual([p["start_date_time"] for p in got["charging_periods"]],
                         ["2024-06-01T12:00:00Z", "2024-06-01T12:30:00Z", "2024-06-01T13:00:00Z"])
        # IOP's result of the STOP sent before the SIGKILL reaches the eMSP's own response_url.
        r = W.send("hub", "POST", on_new_port(B["stop_callback"]), body={"result": "ACCEPTED"}, headers=TO_EMSP)
        self.assertOcpi(r, 200, 1000, "C2 STOP result after the restart")
        res = W.wait_requests("emsp", "POST", f"{EMSP_SIM}/commands/STOP_SESSION/day-b-2")[0]
        self.assertEqual(res["body"], {"result": "ACCEPTED"})
        self.assertEqual(res["headers"]["x-correlation-id"], B["stop_cid"])
        self.assertEqual(res["headers"]["authorization"], "Token " + EMSP_TOKEN)
        done = dict(self.session_221(), status="COMPLETED", end_date_time="2024-06-01T13:15:00Z", kwh=13,
                    last_updated="2024-06-01T13:15:01Z")
        r = self.hub("PUT", "/emsp/sessions/BE/BEC/DAY-B-S1", done, to=FROM_CPO_TO_EMSP)
        self.assertOcpi(r, 200, 1000, "final PUT")
        got = W.wait_requests("emsp", "PUT", f"{EMSP_SIM}/sessions/BE/BEC/DAY-B-S1")[0]["body"]
        self.assertEqual((got["status"], got["end_datetime"]), ("COMPLETED", "2024-06-01T13:15:00Z"))

    def test_b09_hub_posts_the_cdr(self):
        cdr = copy.deepcopy(data("cdrs", "tv17_post.v221.json"))
        cdr.update(id="DAY-B-CDR1", start_date_time="2024-06-01T12:00:00Z", end_date_time="2024-06-01T13:15:00Z",
                   cdr_token=self.session_221()["cdr_token"], authorization_reference=B["authorization"],
                   session_id="DAY-B-S1", last_updated="2024-06-01T13:20:00Z")
        cdr["cdr_location"].update(evse_id="BE*BEC*E041503001", connector_format="CABLE", connector_power_type="AC_3_PHASE")
        r = self.hub("POST", "/emsp/cdrs", cdr, to=FROM_CPO_TO_EMSP)
        self.assertOcpi(r, 201, 1000, "D4 POST")
        self.assertTrue(r.headers.get("location", "").startswith(f"{W.bridge_hub}/ocpi/2.2.1/cdrs-created/"),
                        f"2.2.1 requires a Location header: {r.headers.get('location')!r}")
        got = W.wait_requests("emsp", "POST", f"{EMSP_SIM}/cdrs")[0]
        self.assertEqual(got["headers"]["authorization"], "Token " + EMSP_TOKEN)
        body = got["body"]
        self.assertEqual(body["id"], "BEBEC-DAY-B-CDR1", "unique across CPOs (§3.5, emsp.cdr_id_mode=PREFIXED)")
        self.assertEqual((body["auth_id"], body.get("authorization_id"), body["stop_date_time"], body["total_cost"]),
                         (DRIVER_B["auth_id"], B["authorization"], "2024-06-01T13:15:00Z", 4.0))
        self.assertEqual((body["location"]["id"], [e["uid"] for e in body["location"]["evses"]]), ("GIR-0000042", ["3256"]))
        back = W.send("hub", "GET", r.headers["location"], headers=TO_EMSP)
        self.assertOcpi(back, 200, 1000, "D5 GET of the created CDR")
        self.assertEqual((back.body["data"]["id"], back.body["data"]["party_id"]), ("DAY-B-CDR1", "BEC"))


# ==== C: TIMEOUT synthesis and late callbacks (MAPPING §3.3.2 steps 5-6) ======================================
class C_CommandTimeouts(Base):
    def test_c1_iop_command_to_the_cpo_times_out(self):
        cmd = {"response_url": W.sim_url("hub") + f"{HUB_TX}/commands/UNLOCK_CONNECTOR/day-c-1",
               "location_id": "DAY1", "evse_uid": "3256", "connector_id": "1"}
        r = self.hub("POST", "/cpo/commands/UNLOCK_CONNECTOR", cmd, headers={"X-Correlation-ID": "day-c-unlock"})
        self.assertOcpi(r, 200, 1000, "C3 UNLOCK_CONNECTOR")
        self.assertEqual(r.body["data"], {"result": "ACCEPTED", "timeout": UNLOCK_TIMEOUT_S})
        callback = W.wait_requests("cpo", "POST", f"{CPO_SIM}/commands/UNLOCK_CONNECTOR")[0]["body"]["response_url"]
        # The CPO never answers: after timeout + grace IOP's response_url receives TIMEOUT.
        res = W.wait_requests("hub", "POST", f"{HUB_TX}/commands/UNLOCK_CONNECTOR/day-c-1",
                              timeout=UNLOCK_TIMEOUT_S + GRACE_S + 15)[0]
        self.assertEqual(res["body"], {"result": "TIMEOUT"})
        self.assertEqual(res["headers"]["x-correlation-id"], "day-c-unlock")
        self.assertEqual((res["headers"]["ocpi-from-country-code"], res["headers"]["ocpi-from-party-id"]), ("BE", "BEC"))
        self.assertTrue(bridge_log_lines(r"cid=day-c-unlock UNLOCK_CONNECTOR .* timed out"), "TIMEOUT logged")
        # The late callback: expired -> 404/2001, nothing more reaches IOP.
        r = W.send("cpo", "POST", callback, body={"result": "UNLOCKED"}, headers={"X-Correlation-ID": "day-c-late-1"})
        self.assertOcpi(r, 404, 2001, "late C4 callback")
        self.assertLogged("day-c-late-1", 404, 2001)
        time.sleep(0.5)
        self.assertEqual(len(received("hub", "POST", f"{HUB_TX}/commands/UNLOCK_CONNECTOR/day-c-1")), 1)

    def test_c2_emsp_command_through_iop_times_out(self):
        W.admin("hub", "POST", "/_sim/config", {"command_timeout": 1})  # IOP announces 1 s
        try:
            cmd = {"response_url": W.sim_url("emsp") + f"{EMSP_SIM}/commands/STOP_SESSION/day-c-2",
                   "session_id": "NEVER-ENDS"}
            r = self.emsp("POST", "/commands/STOP_SESSION", cmd)
        finally:
            W.admin("hub", "POST", "/_sim/config", {"command_timeout": 30})
        self.assertOcpi(r, 200, 1000, "C1 STOP_SESSION")
        sent = W.wait_requests("hub", "POST", f"{HUB_RX}/commands/STOP_SESSION")[0]
        res = W.wait_requests("emsp", "POST", f"{EMSP_SIM}/commands/STOP_SESSION/day-c-2", timeout=1 + GRACE_S + 15)[0]
        self.assertEqual(res["body"], {"result": "TIMEOUT"})
        self.assertEqual(res["headers"]["x-correlation-id"], sent["headers"]["x-correlation-id"])
        r = W.send("hub", "POST", sent["body"]["response_url"], body={"result": "ACCEPTED"},
                   headers={**TO_EMSP, "X-Correlation-ID": "day-c-late-2"})
        self.assertOcpi(r, 404, 2001, "late C2 callback")
        self.assertLogged("day-c-late-2", 404, 2001)
        time.sleep(0.5)
        self.assertEqual(len(received("emsp", "POST", f"{EMSP_SIM}/commands/STOP_SESSION/day-c-2")), 1)
        code, out, _ = W.bridge_admin("status")
        self.assertEqual(json.loads(out)["pending_commands"], 0, "nothing left waiting")


# ==== D: bad input and faults ===================================================================================
class D_BadInputAndFaults(Base):
    def test_d1_unknown_callback_on_the_211_face(self):
        r = W.send("cpo", "POST", f"{W.bridge_legacy}/ocpi/2.1.1/callbacks/no-such-command", body={"result": "ACCEPTED"},
                   headers={"X-Correlation-ID": "day-d-unknown"})
        self.assertOcpi(r, 404, 2001, "unknown C4 callback")
        self.assertLogged("day-d-unknown", 404, 2001)
        self.assertEqual(W.requests("hub"), [])

    def test_d2_session_with_an_authorization_the_bridge_never_saw(self):
        body = A_LegacyCpoDay.session_211(self)
        body.update(id="DAY-S-BAD", authorization_id="NEVER-SEEN-REF", auth_id="12345678")
        r = self.cpo("PUT", "/sessions/BE/BEC/DAY-S-BAD", body, headers={"X-Correlation-ID": "day-d-unauth"})
        self.assertOcpi(r, 200, 2001, "no map entry, no cached token, no eMA-like auth_id (§3.4.4 step 5)")
        self.assertIn("token", r.body.get("status_message", "").lower(), r)
        self.assertLogged("day-d-unauth", 200, 2001)
        # An eMA-like auth_id of an unknown authorization: derived CdrToken (step 4), reference kept.
        body.update(auth_id="FR-XYZ-C1234567")
        self.assertOcpi(self.cpo("PUT", "/sessions/BE/BEC/DAY-S-BAD", body), 200, 1000, "derived token")
        got = W.wait_requests("hub", "PUT", f"{HUB_RX}/sessions/BE/BEC/DAY-S-BAD")
        self.assertEqual(len(got), 1)
        self.assertEqual(got[0]["body"]["cdr_token"], {"country_code": "FR", "party_id": "XYZ", "uid": "FR-XYZ-C1234567",
                                                       "type": "OTHER", "contract_id": "FR-XYZ-C1234567"})
        self.assertEqual(got[0]["body"]["authorization_reference"], "NEVER-SEEN-REF")

    def test_d3_cdr_for_a_location_iop_does_not_know(self):
        cdr = copy.deepcopy(data("cdrs", "tv16a_post.v211.json"))
        cdr["id"], cdr["location"]["id"] = "DAY-CDR-NOLOC", "NOWHERE"
        r = self.cpo("POST", "/cdrs", cdr, headers={"X-Correlation-ID": "day-d-noloc"})
        self.assertOcpi(r, 200, 2003, "IOP's unknown Location relayed")
        self.assertNotIn("location", r.headers)
        self.assertLogged("day-d-noloc", 200, 2003)

    def test_d4_legacy_cpo_answers_garbage(self):
        W.fault("cpo", "garbage", count=1)
        token = dict(DRIVER_A, uid="0GARBAGE0", contract_id="DE-TNM-C00000099")
        r = self.hub("PUT", f"/cpo/tokens/DE/TNM/{token['uid']}", token, headers={"X-Correlation-ID": "day-d-garbage"})
        self.assertOcpi(r, 502, 3000, "no OCPI envelope from the legacy CPO")
        self.assertLogged("day-d-garbage", 502, 3000)
        # A command answered with garbage: the pending record is dropped (no callback will come).
        W.fault("cpo", "garbage", count=1)
        cmd = {"response_url": W.sim_url("hub") + f"{HUB_TX}/commands/START_SESSION/day-d-g", "token": DRIVER_A,
               "location_id": "DAY1", "evse_uid": "3256", "authorization_reference": "GARBAGE-REF"}
        r = self.hub("POST", "/cpo/commands/START_SESSION", cmd, headers={"X-Correlation-ID": "day-d-garbage-2"})
        self.assertOcpi(r, 502, 3000, "command answered with garbage")
        callback = W.wait_requests("cpo", "POST", f"{CPO_SIM}/commands/START_SESSION")[0]["body"]["response_url"]
        r = W.send("cpo", "POST", callback, body={"result": "ACCEPTED"})
        self.assertOcpi(r, 404, 2001, "the failed command left no pending record")
        # The bridge is alive and consistent: the same push goes through once the CPO is sane again.
        r = self.hub("PUT", f"/cpo/tokens/DE/TNM/{token['uid']}", token)
        self.assertOcpi(r, 200, 1000, "retry after the fault")
        got = W.wait_requests("cpo", "PUT", f"{CPO_SIM}/tokens/DE/TNM/{token['uid']}", count=2)
        self.assertEqual(got[-1]["body"]["auth_id"], "DE-TNM-C00000099")
        self.assertEqual(received("hub", "POST", f"{HUB_TX}/commands/START_SESSION/day-d-g"), [])

    def test_d5_hub_answers_garbage_to_a_cpo_push(self):
        W.fault("hub", "garbage", count=1)
        patch = {"status": "BLOCKED", "last_updated": "2024-06-01T18:00:00Z"}
        r = self.cpo("PATCH", "/locations/BE/BEC/DAY1/3256", patch, headers={"X-Correlation-ID": "day-d-hubgarbage"})
        self.assertEqual(r.status // 100, 5, r)
        self.assertEqual(r.body.get("status_code"), 3000, r)
        self.assertLogged("day-d-hubgarbage", r.status, 3000)
        # Nothing was recorded as sent: the same status change goes through once IOP is sane again
        # (the status de-duplication of §4.15 must not swallow it).
        r = self.cpo("PATCH", "/locations/BE/BEC/DAY1/3256", patch)
        self.assertOcpi(r, 200, 1000, "retry after the fault")
        got = W.wait_requests("hub", "PATCH", f"{HUB_RX}/locations/BE/BEC/DAY1/3256", count=2)
        self.assertEqual(got[-1]["body"]["status"], "BLOCKED")
        self.assertEqual(got[-1]["status"], 200)


if __name__ == "__main__":
    unittest.main(argv=h.parse_cli(sys.argv), verbosity=2)
