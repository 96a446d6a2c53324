#!/usr/bin/env python3
"""Onboarding from zero (issue 13, defect 1; MAPPING §2.2-§2.4): the real bridge starts on an empty
data directory with NO static token anywhere in its configuration, the operator hands out tokens A
(`ocpi-bridge admin token-a ...`, README "Onboarding") and the peers register as credentials Senders
the way the spec orders it: versions, then version details, then POST credentials. Both orders:

- IopFirst: IOP registers first (README step 3), then the legacy CPO and the legacy eMSP;
- LegacyFirst: the legacy CPO registers first, then IOP (with the eMSP's `modules` narrowed);
- BridgeCallsCpoFirst: the bridge registers with the legacy CPO (`admin register`), then IOP.

IOP (Gireve) reads the bridge's version details only at registration (guide §3.4: no credentials
update), so the details the hub simulator read *before its POST* must already list every endpoint it
will use: the test takes every URL it calls from what the simulators read at registration, never
from a hard-coded path. Then, in each order: a Pull EVCI (IOP pulls the legacy CPO's Locations), a
Location push (legacy CPO -> IOP), START_SESSION (IOP -> legacy CPO, the result back to IOP's
response_url), and a call to a module a peer does not offer (an OCPI error naming it, logged with the
correlation id).

Run: test_onboarding_e2e.py --bridge PATH --hub-sim PATH --legacy-sim PATH [--tls] [--keep-logs]
"""

import os
import re
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

CPO_CONNECTION = f"{h.CPO['country_code']}*{h.CPO['party_id']}"
EMSP_CONNECTION = f"{h.EMSP['country_code']}*{h.EMSP['party_id']}"
TO_CPO = {"OCPI-to-country-code": h.CPO["country_code"], "OCPI-to-party-id": h.CPO["party_id"]}
TO_EMSP = {"OCPI-to-country-code": h.EMSP["country_code"], "OCPI-to-party-id": h.EMSP["party_id"]}

# What the bridge serves IOP on behalf of a legacy CPO / eMSP (MAPPING §2.2), as (identifier, role).
CPO_ENDPOINTS_221 = {("locations", "SENDER"), ("tariffs", "SENDER"), ("sessions", "SENDER"), ("cdrs", "SENDER"),
                     ("tokens", "RECEIVER"), ("commands", "RECEIVER")}
EMSP_ENDPOINTS_221 = {("locations", "RECEIVER"), ("tariffs", "RECEIVER"), ("sessions", "RECEIVER"),
                      ("cdrs", "RECEIVER"), ("tokens", "SENDER"), ("commands", "SENDER")}
MODULES_211 = {"credentials", "locations", "tariffs", "sessions", "cdrs", "tokens", "commands"}


def directory_221(seen):
    """{(identifier, role): url} of the 2.2.1 version details a simulator read at registration."""
    return {(e["identifier"], e.get("role")): e["url"] for e in seen["details"]["endpoints"]}


def directory_211(seen):
    return {e["identifier"]: e["url"] for e in seen["details"]["endpoints"]}


class Onboarding:
    """The story both orders share; subclasses set ORDER and, optionally, the eMSP's modules."""

    ORDER = ()
    EMSP_MODULES = None  # None: every module (the default)
    W = None
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        modules = {"emsp": cls.EMSP_MODULES} if cls.EMSP_MODULES else {}
        cls.W = h.World(static_tokens=False, legacy_modules=modules).start()
        cls.seen = {}

    @classmethod
    def tearDownClass(cls):
        if cls.W:
            cls.W.stop()

    def setUp(self):
        h.fresh_start(self, self.W)

    # -- helpers
    def assertOcpi(self, r, http, code, what):
        self.assertIsNone(r.error, f"{what}: transport error {r}")
        self.assertEqual((r.status, (r.body or {}).get("status_code")), (http, code), f"{what}: {r}")

    def onboard(self, sim, connection):
        result = self.W.onboard(sim, connection)
        self.assertEqual((result["status"], result["body"]["status_code"]), (200, 1000), f"{sim} registration: {result}")
        self.seen[sim] = result["seen"]
        return result

    def bridge_log_lines(self, pattern, wait_s=5.0):
        deadline = time.monotonic() + wait_s
        while True:
            with open(self.W.bridge.err_path, "rb") as f:
                found = [line for line in f.read().decode(errors="replace").splitlines() if re.search(pattern, line)]
            if found or time.monotonic() > deadline:
                return found
            time.sleep(0.1)

    # -- the story
    def test_0_nothing_static(self):
        with open(self.W.config_paths["bridge"]) as f:
            config = f.read()
        self.assertIsNone(re.search(r"^\s*(token|accepts_token)\s*=", config, re.M), "no static token in the config")
        code, out, err = self.W.bridge_admin("status")
        self.assertEqual(code, 0, err)
        self.assertNotIn('"registered": true', out, "an empty data directory: nobody registered")
        # Before any registration every peer is a stranger.
        self.assertEqual(self.W.send("hub", "GET", "/ocpi/versions").status, 401)
        self.assertEqual(self.W.send("cpo", "GET", "/ocpi/emsp/versions").status, 401)

    def bridge_registers_with_cpo(self):
        """README step 4, a backend that wants to be called first: the operator runs `ocpi-bridge admin
        register` with the backend's token A; the backend, the credentials receiver, reads the bridge's
        versions and details with the token the bridge POSTs before it answers."""
        code, out, err = self.W.bridge_admin("register", CPO_CONNECTION, "--versions-url",
                                             self.W.sim_url("cpo") + "/ocpi/cpo/versions",
                                             "--token", h.CPO["token_bridge_sends"])
        self.assertEqual(code, 0, f"admin register {CPO_CONNECTION}: {out} {err}")
        seen = self.W.admin("cpo", "GET", "/_sim/registration").json
        self.assertEqual(seen["as"], "receiver", seen)
        self.seen["cpo"] = seen

    def test_1_peers_register_in_order(self):
        for sim in self.ORDER:
            if sim == "bridge->cpo":
                self.bridge_registers_with_cpo()
            else:
                self.onboard(sim, {"hub": "iop", "cpo": CPO_CONNECTION}[sim])
        # What IOP read during Register FromIOP, before its POST: every endpoint the configured roles
        # serve, whatever had registered on the other side by then.
        hub = directory_221(self.seen["hub"])
        expected = {("credentials", "SENDER")} | CPO_ENDPOINTS_221 | EMSP_ENDPOINTS_221
        if self.EMSP_MODULES:
            expected -= {e for e in EMSP_ENDPOINTS_221 if e[0] not in self.EMSP_MODULES}
        self.assertEqual(set(hub), expected, f"2.2.1 details IOP read at registration: {self.seen['hub']['details']}")
        self.assertTrue(hub[("commands", "SENDER")].endswith("/ocpi/2.2.1/callbacks"), hub)
        # What the legacy CPO read before its POST: the eMSP interfaces of Gireve 2.1.1, all of them.
        cpo = directory_211(self.seen["cpo"])
        self.assertEqual(set(cpo), MODULES_211, f"2.1.1 details the CPO read: {self.seen['cpo']['details']}")
        self.assertTrue(all("/ocpi/emsp/2.1.1/" in u for u in cpo.values()), cpo)

    def test_2_pull_evci(self):
        url = directory_221(self.seen["hub"])[("locations", "SENDER")]
        r = self.W.send("hub", "GET", url + "?offset=0&limit=10", headers=TO_CPO)
        self.assertOcpi(r, 200, 1000, "Pull EVCI")
        self.assertEqual([loc["id"] for loc in r.body["data"]], ["LOC1", "LOC2"])
        self.assertTrue(all((loc["country_code"], loc["party_id"]) == ("BE", "BEC") for loc in r.body["data"]), r)
        pulled = self.W.wait_requests("cpo", "GET", "/ocpi/cpo/2.1.1/locations")[0]
        # The bridge calls the CPO with the token the CPO handed out in its handshake (raw, 2.1.1).
        self.assertEqual(pulled["headers"]["authorization"], "Token " + h.CPO["token_bridge_sends"])

    def test_3_location_push(self):
        url = directory_211(self.seen["cpo"])["locations"]
        loc = dict(h.load("legacy_cpo_seed_locations.v211.json")[0], id="ONB1")
        r = self.W.send("cpo", "PUT", f"{url}/{h.CPO['country_code']}/{h.CPO['party_id']}/ONB1", body=loc)
        self.assertOcpi(r, 200, 1000, "Location push")
        got = self.W.wait_requests("hub", "PUT", "/ocpi/2.2.1/receiver/locations/BE/BEC/ONB1")[0]
        self.assertEqual(got["headers"]["authorization"], "Token " + h.b64(h.IOP["token_bridge_sends"]))
        self.assertEqual((got["body"]["id"], got["body"]["country_code"], got["body"]["party_id"]), ("ONB1", "BE", "BEC"))

    def test_4_start_session_and_its_result(self):
        url = directory_221(self.seen["hub"])[("commands", "RECEIVER")]
        token = {"country_code": "DE", "party_id": "TNM", "uid": "ONB-TOKEN-1", "type": "RFID",
                 "contract_id": "DE-TNM-C00000077", "issuer": "TheNewMotion", "valid": True, "whitelist": "ALLOWED",
                 "last_updated": "2024-06-01T06:00:00Z"}
        response_url = self.W.sim_url("hub") + "/ocpi/2.2.1/sender/commands/START_SESSION/onb-1"
        cmd = {"response_url": response_url, "token": token, "location_id": "LOC1", "evse_uid": "3256",
               "connector_id": "1"}
        r = self.W.send("hub", "POST", url + "/START_SESSION", body=cmd, headers={**TO_CPO, "X-Correlation-ID": "onb-start"})
        self.assertOcpi(r, 200, 1000, "START_SESSION")
        self.assertEqual(r.body["data"]["result"], "ACCEPTED", r)
        got = self.W.wait_requests("cpo", "POST", "/ocpi/cpo/2.1.1/commands/START_SESSION")[0]["body"]
        self.assertEqual((got["location_id"], got["evse_uid"], got["token"]["uid"]), ("LOC1", "3256", "ONB-TOKEN-1"))
        self.assertIn("/ocpi/2.1.1/callbacks/", got["response_url"])
        r = self.W.send("cpo", "POST", got["response_url"], body={"result": "ACCEPTED"})
        self.assertOcpi(r, 200, 1000, "START_SESSION result")
        res = self.W.wait_requests("hub", "POST", "/ocpi/2.2.1/sender/commands/START_SESSION/onb-1")[0]
        self.assertEqual(res["body"], {"result": "ACCEPTED"})
        self.assertEqual(res["headers"]["x-correlation-id"], "onb-start")

    def test_5_a_module_the_peer_does_not_offer(self):
        """The legacy eMSP simulator publishes no tariffs endpoint (like Gireve's 2.1.1 eMSP example)."""
        hub = directory_221(self.seen["hub"])
        tariff = h.load_data("tariffs", "spec_tariff_1_simple_2hour.v221.json")
        if ("tariffs", "RECEIVER") not in hub:  # narrowed by `modules`: never published, IOP has nothing to call
            self.assertTrue(self.EMSP_MODULES and "tariffs" not in self.EMSP_MODULES)
            self.onboard("emsp", EMSP_CONNECTION)
            self.assertEqual(set(directory_211(self.seen["emsp"])), MODULES_211, "the CPO interfaces shown to an eMSP")
            return
        url = f"{hub[('tariffs', 'RECEIVER')]}/{tariff['country_code']}/{tariff['party_id']}/{tariff['id']}"
        # The eMSP has not registered yet: its endpoints are unknown (a passing state).
        r = self.W.send("hub", "PUT", url, body=tariff, headers={**TO_EMSP, "X-Correlation-ID": "onb-early"})
        self.assertOcpi(r, 503, 3000, "eMSP not registered yet")
        self.assertIn(EMSP_CONNECTION, r.body["status_message"])
        self.assertIn("not discovered", r.body["status_message"])
        self.onboard("emsp", EMSP_CONNECTION)
        emsp = directory_211(self.seen["emsp"])
        self.assertEqual(set(emsp), MODULES_211, "the CPO interfaces shown to a legacy eMSP")
        r = self.W.send("hub", "PUT", url, body=tariff, headers={**TO_EMSP, "X-Correlation-ID": "onb-no-tariffs"})
        # OCPI 3003 ("expected endpoints missing between parties") on HTTP 200: the resource was
        # published, the request reached the OCPI layer, the caller did nothing wrong.
        self.assertOcpi(r, 200, 3003, "module not offered by the legacy eMSP")
        message = r.body["status_message"]
        self.assertIn("tariffs", message)
        self.assertIn(EMSP_CONNECTION, message)
        self.assertEqual(r.headers.get("ocpi-from-party-id"), h.EMSP["party_id"], r)
        self.assertEqual(self.W.matching("emsp", "PUT"), [], "nothing forwarded")
        lines = self.bridge_log_lines(r"cid=onb-no-tariffs .*ocpi=3003")
        self.assertTrue(lines and "tariffs" in lines[0] and EMSP_CONNECTION in lines[0], lines)


class IopFirst(Onboarding, unittest.TestCase):
    """README order: IOP registers while no legacy backend is known yet."""
    ORDER = ("hub", "cpo")


class LegacyFirst(Onboarding, unittest.TestCase):
    """The legacy CPO registers while IOP is unknown; the eMSP is configured without tariffs."""
    ORDER = ("cpo", "hub")
    EMSP_MODULES = ["locations", "sessions", "cdrs", "tokens", "commands"]


class BridgeCallsCpoFirst(Onboarding, unittest.TestCase):
    """The bridge registers with the legacy CPO (`admin register`), then IOP registers."""
    ORDER = ("bridge->cpo", "hub")


if __name__ == "__main__":
    unittest.main(argv=h.parse_cli(sys.argv), verbosity=2)
