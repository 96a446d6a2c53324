#!/usr/bin/env python3
"""Tokens, real-time authorization and commands end to end (MAPPING §3.2, §3.3, §4.1, TV-09..TV-12):
the real ocpi-bridge between the simulated IOP hub, a legacy CPO (BE*BEC) and a legacy eMSP (FR*EMP).
Assertions are on what each simulator RECEIVED and on the answers the callers got.

Run: test_roaming_e2e.py --bridge PATH --hub-sim PATH --legacy-sim PATH [--tls] [--keep-logs]
"""

import copy
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

W = None
CPO, EMSP, IOP = h.CPO, h.EMSP, h.IOP
TO_CPO = {"OCPI-to-country-code": CPO["country_code"], "OCPI-to-party-id": CPO["party_id"]}
TO_EMSP = {"OCPI-to-country-code": EMSP["country_code"], "OCPI-to-party-id": EMSP["party_id"]}
FROM_TNM = {"OCPI-from-country-code": "DE", "OCPI-from-party-id": "TNM"}  # an eMSP behind IOP

TOKEN_211 = {"uid": "TOK1", "type": "OTHER", "auth_id": "FR-EMP-C00001", "visual_number": "1234",
             "issuer": "Example eMSP", "valid": True, "whitelist": "ALLOWED", "language": "fr",
             "last_updated": "2024-05-01T10:00:00Z"}
# TV-12's token (spec examples/token_example_1_app_user.json).
TOKEN_221 = {"country_code": "DE", "party_id": "TNM", "uid": "bdf21bce-fc97-11e8-8eb2-f2801f1b9fd1",
             "type": "APP_USER", "contract_id": "DE8ACC12E46L89", "issuer": "TheNewMotion", "valid": True,
             "whitelist": "ALLOWED", "last_updated": "2018-12-10T17:16:15Z"}


def setUpModule():
    global W
    W = h.World().start()


def tearDownModule():
    if W:
        W.stop()


def received(sim, method, path):
    return W.matching(sim, method, path)


class Tokens(unittest.TestCase):
    maxDiff = None

    def setUp(self):
        W.clear_all()

    def test_t1_t2_token_push_and_check(self):
        path = f"/ocpi/cpo/2.1.1/tokens/{EMSP['country_code']}/{EMSP['party_id']}/TOK1"
        r = W.send("emsp", "PUT", path, body=TOKEN_211)
        self.assertEqual((r.status, r.body["status_code"]), (200, 1000), r)
        got = W.wait_requests("hub", "PUT", f"/ocpi/2.2.1/receiver/tokens/{EMSP['country_code']}/{EMSP['party_id']}/TOK1")
        self.assertEqual(got[0]["query"], {"type": "OTHER"})  # §3.2.2 note: type ≠ RFID goes in the query
        body = got[0]["body"]
        self.assertEqual(body["contract_id"], "FR-EMP-C00001")
        self.assertEqual((body["country_code"], body["party_id"]), (EMSP["country_code"], EMSP["party_id"]))
        self.assertNotIn("auth_id", body)
        r = W.send("emsp", "GET", path + "?type=OTHER")
        self.assertEqual(r.body["status_code"], 1000, r)
        self.assertEqual(r.body["data"]["auth_id"], "FR-EMP-C00001")
        self.assertNotIn("contract_id", r.body["data"])

    def test_t7_authorize_then_t6_unitary_get(self):
        self.test_t1_t2_token_push_and_check()  # the hub knows TOK1
        W.clear_all()
        refs = {"location_id": "LOC1", "evse_uids": ["3256"], "connector_ids": ["1"]}
        r = W.send("cpo", "POST", "/ocpi/emsp/2.1.1/tokens/TOK1/authorize?type=OTHER", body=refs)
        self.assertEqual((r.status, r.body["status_code"]), (200, 1000), r)
        info = r.body["data"]
        self.assertEqual(info["allowed"], "ALLOWED")
        self.assertEqual(info["authorization_id"], "IOP-AUTH-TOK1")  # §4.1 rename
        self.assertNotIn("token", info)
        sent = received("hub", "POST", "/ocpi/2.2.1/sender/tokens/TOK1/authorize")
        self.assertEqual(len(sent), 1)
        self.assertEqual(sent[0]["query"], {"type": "OTHER"})
        self.assertEqual(sent[0]["body"], {"location_id": "LOC1", "evse_uids": ["3256"]})  # connector_ids dropped
        # T6 (Gireve 2.1.1 "pull token by uid"): answered from what the authorize taught the bridge.
        W.clear("hub")
        r = W.send("cpo", "GET", "/ocpi/emsp/2.1.1/tokens/TOK1?tokenType=OTHER")
        self.assertEqual(r.body["status_code"], 1000, r)
        self.assertEqual(r.body["data"]["auth_id"], "FR-EMP-C00001")
        self.assertEqual(W.requests("hub"), [])  # never forwarded

    def test_t7_without_location_is_2002_locally(self):
        r = W.send("cpo", "POST", "/ocpi/emsp/2.1.1/tokens/TOK1/authorize")
        self.assertEqual(r.body["status_code"], 2002, r)
        self.assertEqual(received("hub", "POST", "/ocpi/2.2.1/sender/tokens/TOK1/authorize"), [])

    def test_t7_unknown_token_is_404_2000(self):
        r = W.send("cpo", "POST", "/ocpi/emsp/2.1.1/tokens/NOPE/authorize", body={"location_id": "LOC1", "evse_uids": ["3256"]})
        self.assertEqual((r.status, r.body["status_code"]), (404, 2000), r)  # 2004 does not exist in 2.1.1

    def test_t6_miss_is_2000_without_data(self):
        r = W.send("cpo", "GET", "/ocpi/emsp/2.1.1/tokens/NEVER-SEEN")
        self.assertEqual((r.status, r.body["status_code"]), (200, 2000), r)
        self.assertNotIn("data", r.body)

    def test_t5_never_an_empty_full_list(self):
        r = W.send("cpo", "GET", "/ocpi/emsp/2.1.1/tokens")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body["status_code"], 3000, r)  # the hub sim's list is empty
        self.assertNotIn("data", r.body)

    def test_t4_authorize_at_the_legacy_emsp(self):
        r = W.send("hub", "POST", "/ocpi/2.2.1/emsp/tokens/DRV1/authorize", headers=TO_EMSP,
                   body={"location_id": "LOC1", "evse_uids": ["3256"]})
        self.assertEqual((r.status, r.body["status_code"]), (200, 1000), r)
        info = r.body["data"]
        self.assertEqual(info["authorization_reference"], "EMSP-AUTH-DRV1")
        self.assertEqual(info["token"]["uid"], "DRV1")  # synthesised: the eMSP sent no Token (§3.2.3)
        self.assertEqual((info["token"]["country_code"], info["token"]["party_id"]),
                         (EMSP["country_code"], EMSP["party_id"]))
        self.assertEqual(len(received("emsp", "POST", "/ocpi/emsp/2.1.1/tokens/DRV1/authorize")), 1)
        self.assertEqual((r.headers.get("ocpi-from-party-id"), r.headers.get("ocpi-to-party-id")),
                         (EMSP["party_id"], IOP["party_id"]))
        r = W.send("hub", "POST", "/ocpi/2.2.1/emsp/tokens/UNKNOWN1/authorize", headers=TO_EMSP,
                   body={"location_id": "LOC1"})
        self.assertEqual((r.status, r.body["status_code"]), (404, 2004), r)

    def test_t8_token_push_to_the_legacy_cpo(self):
        path = f"/ocpi/2.2.1/cpo/tokens/DE/TNM/{TOKEN_221['uid']}?type=APP_USER"
        r = W.send("hub", "PUT", path, headers=TO_CPO, body=TOKEN_221)
        self.assertEqual((r.status, r.body["status_code"]), (200, 1000), r)
        got = W.wait_requests("cpo", "PUT", f"/ocpi/cpo/2.1.1/tokens/DE/TNM/{TOKEN_221['uid']}")
        body = got[0]["body"]
        self.assertEqual(got[0]["query"], {})  # ?type= dropped
        self.assertEqual(body["auth_id"], "DE8ACC12E46L89")
        self.assertEqual(body["type"], "OTHER")      # APP_USER has no 2.1.1 value
        self.assertEqual(body["issuer"], "DE*TNM")   # §4.2 issuer emulation (EMI3_PARTY)


class Commands(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        # The legacy eMSP learns LOC1 (BE*BEC) under its Gireve id, as IOP pushes it (L5).
        loc = copy.deepcopy(h.load("hub_seed_locations.v221.json")[0])
        r = W.send("hub", "PUT", f"/ocpi/2.2.1/emsp/locations/{loc['country_code']}/{loc['party_id']}/{loc['id']}",
                   headers=TO_EMSP, body=loc)
        assert r.status == 200 and r.body["status_code"] == 1000, r
        cls.location = loc

    def setUp(self):
        W.clear_all()

    def start_session_from_the_legacy_emsp(self, result_id, authorization_id):
        """C1: the legacy eMSP's START_SESSION through the bridge; its answer (checked 200 + 1000)."""
        cmd = {"response_url": W.sim_url("emsp") + f"/ocpi/emsp/2.1.1/commands/START_SESSION/{result_id}",
               "token": dict(TOKEN_211), "authorization_id": authorization_id,
               "location_id": self.location["gireve_id"], "evse_uid": self.location["evses"][0]["uid"]}
        r = W.send("emsp", "POST", "/ocpi/cpo/2.1.1/commands/START_SESSION", body=cmd)
        self.assertEqual((r.status, r.body["status_code"]), (200, 1000), r)
        return r

    def test_c1_c2_start_session_from_the_legacy_emsp(self):
        r = self.start_session_from_the_legacy_emsp("111-222", "aaa-vvv")
        self.assertEqual(r.body["data"], {"result": "ACCEPTED"})  # timeout dropped (§3.3.4)
        sent = received("hub", "POST", "/ocpi/2.2.1/receiver/commands/START_SESSION")
        self.assertEqual(len(sent), 1)
        body = sent[0]["body"]
        self.assertEqual(body["location_id"], self.location["id"])  # exposed id -> owner id (§4.6)
        self.assertEqual(body["authorization_reference"], "aaa-vvv")
        callback = body["response_url"]
        self.assertIn("/ocpi/2.2.1/callbacks/", callback)            # §3.3.2: always the bridge's
        correlation = sent[0]["headers"]["x-correlation-id"]
        # C2: IOP reports the result on the bridge's callback; the eMSP gets it in 2.1.1 terms.
        r = W.send("hub", "POST", callback, body={"result": "EVSE_OCCUPIED",
                                                  "message": [{"language": "en", "text": "EVSE is in use"}]})
        self.assertEqual((r.status, r.body["status_code"]), (200, 1000), r)
        got = received("emsp", "POST", "/ocpi/emsp/2.1.1/commands/START_SESSION/111-222")
        self.assertEqual(len(got), 1)
        self.assertEqual(got[0]["body"], {"result": "REJECTED"})
        self.assertEqual(got[0]["headers"]["authorization"], "Token " + EMSP["token_bridge_sends"])
        self.assertEqual(got[0]["headers"]["x-correlation-id"], correlation)
        # A duplicate callback is acknowledged without a second delivery.
        r = W.send("hub", "POST", callback, body={"result": "ACCEPTED"})
        self.assertEqual(r.body["status_code"], 1000, r)
        self.assertEqual(len(received("emsp", "POST", "/ocpi/emsp/2.1.1/commands/START_SESSION/111-222")), 1)

    def test_c2_result_relay_retried_when_the_legacy_emsp_is_down(self):
        """MAPPING §5.4: forwarding a result that fails is retried (3 times within 60 s)."""
        self.start_session_from_the_legacy_emsp("333-444", "retry-1")
        callback = [x for x in received("hub", "POST", "/ocpi/2.2.1/receiver/commands/START_SESSION")
                    if x["body"].get("authorization_reference") == "retry-1"][0]["body"]["response_url"]
        W.fault("emsp", "http500", count=1)  # the eMSP's first answer to the result: 500
        r = W.send("hub", "POST", callback, body={"result": "ACCEPTED"})
        self.assertEqual((r.status, r.body["status_code"]), (200, 1000), r)
        got = received("emsp", "POST", "/ocpi/emsp/2.1.1/commands/START_SESSION/333-444")
        self.assertEqual([g["status"] for g in got], [500, 200], "one failed attempt, then the retry delivered it")
        self.assertEqual(got[1]["body"], {"result": "ACCEPTED"})

    def test_unknown_callback_is_404_2001(self):
        r = W.send("hub", "POST", "/ocpi/2.2.1/callbacks/no-such-command", body={"result": "ACCEPTED"})
        self.assertEqual((r.status, r.body["status_code"]), (404, 2001), r)

    def test_unsupported_command_answered_locally(self):
        r = W.send("emsp", "POST", "/ocpi/cpo/2.1.1/commands/UNLOCK_CONNECTOR",
                   body={"response_url": W.sim_url("emsp") + "/r/1", "location_id": "X", "evse_uid": "E", "connector_id": "1"})
        self.assertEqual(r.body, {**r.body, "status_code": 1000, "data": {"result": "NOT_SUPPORTED"}})
        self.assertEqual(received("hub", "POST", "/ocpi/2.2.1/receiver/commands/UNLOCK_CONNECTOR"), [])

    def test_c3_c4_start_session_at_the_legacy_cpo(self):
        iop_result_url = W.sim_url("hub") + "/ocpi/2.2.1/sender/commands/START_SESSION/g-778"
        cmd = {"response_url": iop_result_url, "token": TOKEN_221, "location_id": "LOC1", "evse_uid": "3256",
               "connector_id": "1", "authorization_reference": "GIR-AUTH-42"}
        # As IOP relays it: OCPI-from is the eMSP that sent the command (DE*TNM), not IOP.
        r = W.send("hub", "POST", "/ocpi/2.2.1/cpo/commands/START_SESSION",
                   headers={**TO_CPO, **FROM_TNM, "X-Correlation-ID": "c-0012"}, body=cmd)
        self.assertEqual((r.status, r.body["status_code"]), (200, 1000), r)
        self.assertEqual(r.body["data"], {"result": "ACCEPTED", "timeout": 120})  # TV-12(a)
        got = received("cpo", "POST", "/ocpi/cpo/2.1.1/commands/START_SESSION")
        self.assertEqual(len(got), 1)
        body = got[0]["body"]
        self.assertEqual(body["authorization_id"], "GIR-AUTH-42")
        self.assertEqual(body["token"]["auth_id"], "DE8ACC12E46L89")
        self.assertNotIn("connector_id", body)
        callback = body["response_url"]
        self.assertIn("/ocpi/2.1.1/callbacks/", callback)
        # Another legacy connection cannot answer it (TV-12(b)).
        r = W.send("emsp", "POST", callback, body={"result": "ACCEPTED"})
        self.assertEqual((r.status, r.body["status_code"]), (404, 2001), r)
        # C4: the CPO's 2.1.1 result reaches IOP's response_url as a CommandResult.
        r = W.send("cpo", "POST", callback, body={"result": "UNKNOWN_SESSION"})
        self.assertEqual((r.status, r.body["status_code"]), (200, 1000), r)
        got = received("hub", "POST", "/ocpi/2.2.1/sender/commands/START_SESSION/g-778")
        self.assertEqual(len(got), 1)
        self.assertEqual(got[0]["body"], {"result": "FAILED", "message": [{"language": "en", "text": "UNKNOWN_SESSION"}]})
        hdr = got[0]["headers"]
        self.assertEqual(hdr["authorization"], "Token " + h.b64(IOP["token_bridge_sends"]))
        self.assertEqual((hdr["ocpi-from-country-code"], hdr["ocpi-from-party-id"]), (CPO["country_code"], CPO["party_id"]))
        # Gireve 2.2.1 2.1.3/2.1.6: every request goes to the IOP operator (issue 13 defect 3).
        self.assertEqual((hdr["ocpi-to-country-code"], hdr["ocpi-to-party-id"]), (IOP["country_code"], IOP["party_id"]))
        self.assertEqual(got[0]["status"], 200)
        self.assertEqual(hdr["x-correlation-id"], "c-0012")

    def test_c3_cancel_reservation_is_not_supported_by_a_211_cpo(self):
        r = W.send("hub", "POST", "/ocpi/2.2.1/cpo/commands/CANCEL_RESERVATION", headers=TO_CPO,
                   body={"response_url": W.sim_url("hub") + "/ocpi/2.2.1/sender/commands/x/1", "reservation_id": "42"})
        self.assertEqual(r.body["data"], {"result": "NOT_SUPPORTED", "timeout": 0}, r)
        self.assertEqual(received("cpo", "POST", "/ocpi/cpo/2.1.1/commands/CANCEL_RESERVATION"), [])


class CommandResultsDirectedToOwner(unittest.TestCase):
    """routing.directed_to = OWNER keeps the behaviour before issue 13: the result POSTed to IOP's
    response_url is addressed to the eMSP that sent the command. Its own bridge and simulators."""

    @classmethod
    def setUpClass(cls):
        cls.W = h.World(mapping={"routing.directed_to": "OWNER"}).start()

    @classmethod
    def tearDownClass(cls):
        cls.W.stop()

    def test_c4_result_to_the_commanding_emsp(self):
        w = self.W
        url = w.sim_url("hub") + "/ocpi/2.2.1/sender/commands/START_SESSION/owner-1"
        cmd = {"response_url": url, "token": TOKEN_221, "location_id": "LOC1", "evse_uid": "3256", "connector_id": "1"}
        r = w.send("hub", "POST", "/ocpi/2.2.1/cpo/commands/START_SESSION", headers={**TO_CPO, **FROM_TNM}, body=cmd)
        self.assertEqual((r.status, r.body["status_code"]), (200, 1000), r)
        callback = w.wait_requests("cpo", "POST", "/ocpi/cpo/2.1.1/commands/START_SESSION")[0]["body"]["response_url"]
        r = w.send("cpo", "POST", callback, body={"result": "ACCEPTED"})
        got = w.wait_requests("hub", "POST", "/ocpi/2.2.1/sender/commands/START_SESSION/owner-1")[0]
        self.assertEqual((got["headers"]["ocpi-to-country-code"], got["headers"]["ocpi-to-party-id"]), ("DE", "TNM"))


if __name__ == "__main__":
    unittest.main(argv=h.parse_cli(sys.argv), verbosity=2)
