#!/usr/bin/env python3
"""Sessions, CDRs and Tariffs end to end: the real ocpi-bridge between the simulated IOP hub and the
simulated legacy CPO/eMSP (MAPPING.md §3.4-§3.6, §4.4-§4.5, vectors TV-13..TV-20). Every assertion is
on what a simulator RECEIVED or on the answer the bridge gave to the simulator that called it.

The legacy CPO of the harness is CPO-B (BE/BEC): TV-13/TV-14/TV-16/TV-18 inputs (written for CPO-A,
FR/CPO) are pushed under BE/BEC, so the expected owner fields are BE/BEC. The authorization map of
TV-13/TV-16 is filled by the Tokens/Commands flows, not by these tests: `cdr_token` is therefore the
derived one of MAPPING §3.4.4 step 4 (type OTHER, uid = auth_id).

Run: test_sessions_cdrs_tariffs_e2e.py --bridge PATH --hub-sim PATH --legacy-sim PATH [--tls] [--keep-logs]
"""

import copy
import os
import sys
import time
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

W = None
QUIET_S = 0.7
CPO_FACE = "/ocpi/emsp/2.1.1"      # legacy face shown to the legacy CPO (eMSP interfaces)
EMSP_FACE = "/ocpi/cpo/2.1.1"      # legacy face shown to the legacy eMSP (CPO interfaces)
HUB_RECEIVER = "/ocpi/2.2.1/receiver"
EMSP_SIM = "/ocpi/emsp/2.1.1"      # the legacy eMSP simulator's own interfaces
TS = h.TIMESTAMP_RE


def setUpModule():
    global W
    # The legacy eMSP exposes tariffs here (MAPPING §3.6.1 F6 "only if the legacy eMSP exposes tariffs").
    W = h.World(emsp_args=["--with-tariffs"]).start()


def tearDownModule():
    if W:
        W.stop()


data = h.load_data


def as_cpo_b(obj):
    """A golden 2.2.1 object of CPO-A (FR/CPO) as CPO-B (BE/BEC) pushes it."""
    out = copy.deepcopy(obj)
    out["country_code"], out["party_id"] = "BE", "BEC"
    return out


def derived_token(auth_id):
    """MAPPING §3.4.4 step 4 (DERIVE): no authorization map entry, no token cache hit."""
    return {"country_code": auth_id[:2].upper(), "party_id": auth_id[3:6].upper(), "uid": auth_id, "type": "OTHER",
            "contract_id": auth_id}


def iop_to(party):
    return {"OCPI-to-country-code": party["country_code"], "OCPI-to-party-id": party["party_id"]}


def without(obj, *keys):
    return {k: v for k, v in obj.items() if k not in keys}


class Base(unittest.TestCase):
    maxDiff = None

    def setUp(self):
        h.fresh_start(self, W)

    def assertOcpi(self, r, http_status, status_code, what=""):
        if r.error:
            self.fail(f"{what}: no answer from the bridge: {r}\n{W.bridge.diagnostics(15)}")
        body = r.body if isinstance(r.body, dict) else {}
        self.assertEqual((r.status, body.get("status_code")), (http_status, status_code),
                         f"{what}: expected HTTP {http_status} + OCPI {status_code}, got {r}")

    def assertToIop(self, req):
        hd = req["headers"]
        self.assertEqual(hd.get("authorization"), "Token " + h.b64(h.IOP["token_bridge_sends"]))
        self.assertEqual((hd.get("ocpi-from-country-code"), hd.get("ocpi-from-party-id")), ("BE", "BEC"))
        self.assertEqual((hd.get("ocpi-to-country-code"), hd.get("ocpi-to-party-id")), ("FR", "107"))
        self.assertRegex(hd.get("x-request-id", ""), h.UUID_RE)

    def assertError(self, r, what):
        """Issue 13: one envelope shape for errors on both faces, and an error is no page."""
        self.assertNotIn("data", r.body, f"{what}: an error carries no data")
        for header in ("x-total-count", "x-limit", "link"):
            self.assertIsNone(r.headers.get(header), f"{what}: no {header} on an error")

    def assertNothing(self, sim, path_contains, what, method=None):
        time.sleep(QUIET_S)
        got = W.matching(sim, method=method, path_contains=path_contains)
        self.assertEqual(got, [], f"{what}: {sim}-sim should have received nothing, got:\n  {h.summary(got)}")

    def cpo(self, method, path, body=None, body_raw=None):
        return W.send("cpo", method, f"{W.bridge_legacy}{CPO_FACE}{path}", body=body, body_raw=body_raw)

    def hub(self, method, path, body=None, party=h.EMSP, body_raw=None):
        return W.send("hub", method, f"{W.bridge_hub}/ocpi/2.2.1{path}", body=body, body_raw=body_raw, headers=iop_to(party))


# ---- S1-S3: the legacy CPO's Sessions (TV-13, TV-14) ------------------------------------------------
class A_CpoSessions(Base):
    def expected_tv13(self):
        e = as_cpo_b(data("sessions", "tv13_put.v221.json"))
        e["cdr_token"] = derived_token("FR*EMP*11111")
        return e

    def test_s1_tv13_put_then_s2_patch_becomes_merged_put(self):
        r = self.cpo("PUT", "/sessions/BE/BEC/AAAAAAA", data("sessions", "tv13_put.v211.json"))
        self.assertOcpi(r, 200, 1000, "TV-13 PUT")
        self.assertEqual(r.body.get("data"), {})
        req = W.wait_requests("hub", "PUT", f"{HUB_RECEIVER}/sessions/BE/BEC/AAAAAAA")[0]
        self.assertToIop(req)
        h.assert_json_equal(req["body"], self.expected_tv13(), "TV-13 body received by IOP")

        # TV-14(a): IOP has no Session PATCH; the cached TV-13 body goes again with kwh 2 (PUT_MERGED).
        r = self.cpo("PATCH", "/sessions/BE/BEC/AAAAAAA", {"kwh": 2, "id": "AAAAAAA"})
        self.assertOcpi(r, 200, 1000, "TV-14(a) PATCH")
        puts = W.wait_requests("hub", "PUT", f"{HUB_RECEIVER}/sessions/BE/BEC/AAAAAAA", count=2)
        self.assertEqual(W.matching("hub", "PATCH", f"{HUB_RECEIVER}/sessions/BE/BEC/AAAAAAA"), [])
        merged = puts[1]["body"]
        self.assertRegex(merged.get("last_updated", ""), TS, "last_updated = receive time (1.8.4)")
        h.assert_json_equal(without(merged, "last_updated"), dict(without(self.expected_tv13(), "last_updated"), kwh=2),
                            "TV-14(a) merged PUT")

    def test_s2_tv14b_charging_periods_replace_and_append(self):
        base = dict(data("sessions", "tv13_put.v211.json"), id="SESS-P")
        self.assertOcpi(self.cpo("PUT", "/sessions/BE/BEC/SESS-P", base), 200, 1000, "PUT SESS-P")
        p1 = {"start_date_time": "2020-01-17T09:39:29Z", "dimensions": [{"type": "ENERGY", "volume": 2}]}
        p2 = {"start_date_time": "2020-01-17T10:00:00Z",
              "dimensions": [{"type": "ENERGY", "volume": 3.5}, {"type": "MAX_CURRENT", "volume": 16}]}
        p3 = {"start_date_time": "2020-01-17T10:15:00Z", "dimensions": [{"type": "ENERGY", "volume": 1}]}
        path = f"{HUB_RECEIVER}/sessions/BE/BEC/SESS-P"
        steps = [({"charging_periods": [p1], "last_updated": "2020-01-17T10:00:00Z"}, [p1], "first period"),
                 ({"kwh": 5.5, "charging_periods": [p1, p2], "last_updated": "2020-01-17T10:30:00Z"}, [p1, p2],
                  "TV-14(b): the full list replaces"),
                 ({"charging_periods": [p3], "last_updated": "2020-01-17T10:45:00Z"}, [p1, p2, p3],
                  "A-31: a list starting after the cached one continues it")]
        for i, (patch, periods, what) in enumerate(steps):
            self.assertOcpi(self.cpo("PATCH", "/sessions/BE/BEC/SESS-P", patch), 200, 1000, what)
            put = W.wait_requests("hub", "PUT", path, count=i + 2)[i + 1]["body"]
            h.assert_json_equal(put["charging_periods"], periods, what)
            self.assertEqual(put["last_updated"], patch["last_updated"], what)
        self.assertEqual(put["kwh"], 5.5, "fields of earlier PATCHes stay merged")

    def test_s3_check_comes_back_with_the_cpos_own_location(self):
        body = dict(data("sessions", "tv13_put.v211.json"), id="SESS-L1")
        own = h.load("legacy_cpo_seed_locations.v211.json")[0]
        evse = dict(own["evses"][0], connectors=own["evses"][0]["connectors"][:1])
        body["location"] = dict(own, evses=[evse])
        self.assertOcpi(self.cpo("PUT", "/sessions/BE/BEC/SESS-L1", body), 200, 1000, "PUT SESS-L1")
        r = self.cpo("GET", "/sessions/BE/BEC/SESS-L1")
        self.assertOcpi(r, 200, 1000, "S3 GET")
        got = r.body["data"]
        self.assertEqual((got["id"], got["auth_id"], got["start_datetime"]), ("SESS-L1", "FR*EMP*11111", "2020-01-17T09:39:29.000Z"))
        self.assertEqual(got["location"]["id"], "LOC1", "the CPO's own Location id, no eMSP emulation (3.1.1 L3)")
        self.assertEqual([e["uid"] for e in got["location"]["evses"]], ["3256"])
        W.wait_requests("hub", "GET", f"{HUB_RECEIVER}/sessions/BE/BEC/SESS-L1")

    def test_bad_input(self):
        r = self.cpo("PUT", "/sessions/BE/BEC/OTHER-ID", data("sessions", "tv13_put.v211.json"))
        self.assertOcpi(r, 200, 2001, "URL id vs body id (1.8.2)")
        r = self.cpo("PUT", "/sessions/FR/CPO/AAAAAAA", data("sessions", "tv13_put.v211.json"))
        self.assertOcpi(r, 404, 2001, "another party's URL segments (1.8.2)")
        r = self.cpo("PATCH", "/sessions/BE/BEC/AAAAAAA", body_raw='{"kwh": ')
        self.assertEqual(r.status, 400, f"malformed JSON: {r}")
        self.assertNothing("hub", "/sessions/", "refused Session requests")


# ---- D1/D2: the legacy CPO's CDRs (TV-16) -----------------------------------------------------------
class B_CpoCdrs(Base):
    def setUp(self):
        super().setUp()
        # IOP refuses CDRs of Locations it does not know (2003): the TV-16 Location is pushed first.
        loc = data("cdrs", "tv16a_post.v211.json")["location"]
        self.assertOcpi(self.cpo("PUT", "/locations/BE/BEC/1", loc), 200, 1000, "L1 PUT of the CDR's Location")
        W.clear_all()

    def test_d1_tv16_post_with_location_header_then_d2(self):
        r = self.cpo("POST", "/cdrs", data("cdrs", "tv16a_post.v211.json"))
        self.assertOcpi(r, 201, 1000, "TV-16 POST (IOP's 201 relayed)")
        self.assertEqual(r.body.get("data"), {})
        req = W.wait_requests("hub", "POST", f"{HUB_RECEIVER}/cdrs")[0]
        self.assertToIop(req)
        expected = as_cpo_b(data("cdrs", "tv16a_post.v221.json"))
        expected["cdr_token"] = derived_token("FR*EMP*1111")
        h.assert_json_equal(req["body"], expected, "TV-16 body received by IOP")

        location = r.headers.get("location", "")
        prefix = f"{W.bridge_legacy}{CPO_FACE}/cdrs/"
        self.assertTrue(location.startswith(prefix), f"Location rewritten to the bridge (3.5.7): {location!r}")
        self.assertRegex(location[len(prefix):], r"^[A-Za-z0-9_-]{22}$", "opaque id: 128 bits base64url (1.2.3)")

        back = W.send("cpo", "GET", location)
        self.assertOcpi(back, 200, 1000, "D2 GET through the bridge URL")
        W.wait_requests("hub", "GET", f"{HUB_RECEIVER}/cdrs/BE/BEC/AAAAA")
        got = back.body["data"]
        self.assertEqual((got["id"], got["stop_date_time"], got["auth_id"]), ("AAAAA", "2020-01-17T07:59:08Z", "FR*EMP*1111"))
        self.assertEqual(got["location"]["id"], "1")
        self.assertEqual(got["total_cost"], 0)

        r = W.send("cpo", "GET", prefix + "AAAAAAAAAAAAAAAAAAAAAA")
        self.assertOcpi(r, 404, 2000, "unknown opaque id")

    def test_cdr_for_a_location_unknown_to_iop_gets_2003(self):
        cdr = data("cdrs", "tv16a_post.v211.json")
        cdr["id"], cdr["location"]["id"] = "CDR-NOPE", "NOPE"
        r = self.cpo("POST", "/cdrs", cdr)
        self.assertOcpi(r, 200, 2003, "IOP's 'Unknown Location' relayed (1.6.4: 2000-2003 copied)")
        self.assertNotIn("location", r.headers)

    def test_malformed_and_invalid_cdrs(self):
        r = self.cpo("POST", "/cdrs", body_raw='{"id": "X", ')
        self.assertEqual(r.status, 400, f"malformed JSON (1.6.3): {r}")
        self.assertEqual(r.body.get("status_code") // 1000, 2, r)
        bad = without(data("cdrs", "tv16a_post.v211.json"), "location")
        self.assertOcpi(self.cpo("POST", "/cdrs", bad), 200, 2001, "CDR without location")
        self.assertNothing("hub", "/cdrs", "refused CDRs")


# ---- F1-F4: the legacy CPO's Tariffs (TV-18, TV-19) ---------------------------------------------------
class C_CpoTariffs(Base):
    def test_f1_tv18a_put_and_f4_check(self):
        r = self.cpo("PUT", "/tariffs/BE/BEC/Tariff-1", data("tariffs", "tv18a_gireve_cpo_put.v211.json"))
        self.assertOcpi(r, 200, 1000, "TV-18(a) PUT")
        req = W.wait_requests("hub", "PUT", f"{HUB_RECEIVER}/tariffs/BE/BEC/Tariff-1")[0]
        self.assertToIop(req)
        h.assert_json_equal(req["body"], as_cpo_b(data("tariffs", "tv18a_gireve_cpo_put.v221.json")), "TV-18(a) at IOP")
        r = self.cpo("GET", "/tariffs/BE/BEC/Tariff-1")
        self.assertOcpi(r, 200, 1000, "F4 GET")
        h.assert_json_equal(r.body["data"], data("tariffs", "tv18a_gireve_cpo_put.v211.json"),
                            "F4: the CPO's own Tariff, no Gireve eMSP extensions")

    def test_f2_tv18b_patch_becomes_merged_put(self):
        self.assertOcpi(self.cpo("PUT", "/tariffs/BE/BEC/12", data("tariffs", "tv18b_cached_base.v211.json")), 200, 1000)
        patch = {"elements": [{"price_components": [{"type": "TIME", "price": 2.50, "step_size": 300}]}]}
        self.assertOcpi(self.cpo("PATCH", "/tariffs/BE/BEC/12", patch), 200, 1000, "TV-18(b) PATCH")
        puts = W.wait_requests("hub", "PUT", f"{HUB_RECEIVER}/tariffs/BE/BEC/12", count=2)
        self.assertEqual(W.matching("hub", "PATCH", f"{HUB_RECEIVER}/tariffs/BE/BEC/12"), [], "2.2.1 has no Tariff PATCH")
        got = puts[1]["body"]
        self.assertRegex(got["last_updated"], TS)
        self.assertEqual(got["start_date_time"], got["last_updated"], "start_date_time from last_updated (3.6.2)")
        expected = as_cpo_b(data("tariffs", "tv18b_patch_merged_put.v221.json"))
        h.assert_json_equal(without(got, "last_updated", "start_date_time"), without(expected, "last_updated", "start_date_time"),
                            "TV-18(b) merged PUT")

    def test_f2_without_base_and_after_f3_delete(self):
        r = self.cpo("PATCH", "/tariffs/BE/BEC/NO-BASE", {"currency": "EUR"})
        self.assertOcpi(r, 200, 2001, "TV-18(b): PATCH of an uncached tariff")
        self.assertEqual(r.body.get("status_message"), "send a PUT")
        tariff = dict(data("tariffs", "tv18a_gireve_cpo_put.v211.json"), id="T-DEL")
        self.assertOcpi(self.cpo("PUT", "/tariffs/BE/BEC/T-DEL", tariff), 200, 1000)
        self.assertOcpi(self.cpo("DELETE", "/tariffs/BE/BEC/T-DEL"), 200, 1000, "F3 DELETE")
        W.wait_requests("hub", "DELETE", f"{HUB_RECEIVER}/tariffs/BE/BEC/T-DEL")
        r = self.cpo("PATCH", "/tariffs/BE/BEC/T-DEL", {"currency": "EUR"})
        self.assertOcpi(r, 200, 2001, "a deleted tariff is no PATCH base")
        self.assertNothing("hub", "NO-BASE", "PATCH without base")

    def test_tv19_session_time(self):
        r = self.cpo("PUT", "/tariffs/BE/BEC/T-ST", data("tariffs", "tv19_session_time.v211.json"))
        self.assertOcpi(r, 200, 1000, "TV-19")
        req = W.wait_requests("hub", "PUT", f"{HUB_RECEIVER}/tariffs/BE/BEC/T-ST")[0]
        h.assert_json_equal(req["body"], as_cpo_b(data("tariffs", "tv19_session_time.v221.json")), "TV-19 at IOP")
        both = data("tariffs", "tv19_session_time.v211.json")
        both["id"] = "T-ST2"
        both["elements"][0]["price_components"].append({"type": "TIME", "price": 1, "step_size": 60})
        self.assertOcpi(self.cpo("PUT", "/tariffs/BE/BEC/T-ST2", both), 200, 2001, "SESSION_TIME next to TIME (3.6.5)")
        r = self.cpo("PUT", "/tariffs/BE/BEC/OTHER", data("tariffs", "tv18a_gireve_cpo_put.v211.json"))
        self.assertOcpi(r, 200, 2001, "URL id vs body id")
        self.assertNothing("hub", "T-ST2", "refused tariff")
        self.assertNothing("hub", "OTHER", "refused tariff")


# ---- S6, D4/D5, F6: IOP pushes to the legacy eMSP (TV-15, TV-17, §3.6.7) -----------------------------
class D_IopPushesToEmsp(Base):
    @classmethod
    def setUpClass(cls):
        # The Location first, so that the cache has it (TV-15/TV-17 state: TV-07's LOC1).
        r = W.send("hub", "PUT", f"{W.bridge_hub}/ocpi/2.2.1/emsp/locations/BE/BEC/LOC1",
                   body=h.load("tv07_location_put.v221.json"), headers=iop_to(h.EMSP))
        assert (r.status, (r.body or {}).get("status_code")) == (200, 1000), r

    def test_s6_tv15_put_then_patch_sends_the_whole_list(self):
        r = self.hub("PUT", "/emsp/sessions/BE/BEC/101", data("sessions", "tv15_put.v221.json"))
        self.assertOcpi(r, 200, 1000, "TV-15 PUT")
        self.assertEqual((r.headers.get("ocpi-from-country-code"), r.headers.get("ocpi-from-party-id")), ("FR", "EMP"))
        req = W.wait_requests("emsp", "PUT", f"{EMSP_SIM}/sessions/BE/BEC/101")[0]
        self.assertEqual(req["headers"].get("authorization"), "Token " + h.EMSP["token_bridge_sends"])
        h.assert_json_equal(req["body"], data("sessions", "tv15_put.v211.json"), "TV-15 body received by the eMSP")

        p4 = {"start_date_time": "2015-06-29T23:40:00Z", "dimensions": [{"type": "ENERGY", "volume": 2}]}
        r = self.hub("PATCH", "/emsp/sessions/BE/BEC/101", {"kwh": 43.12, "charging_periods": [p4], "last_updated": "2015-06-29T23:55:00Z"})
        self.assertOcpi(r, 200, 1000, "2.2.1 PATCH appending a period")
        got = W.wait_requests("emsp", "PATCH", f"{EMSP_SIM}/sessions/BE/BEC/101")[0]["body"]
        h.assert_json_equal(got, {"kwh": 43.12, "last_updated": "2015-06-29T23:55:00Z",
                                  "charging_periods": data("sessions", "tv15_put.v211.json")["charging_periods"] + [p4]},
                            "3.4.6 FromIOP: the whole merged list, 2.1.1 replace semantics")

    def test_s6_location_fetched_from_iop_on_a_miss(self):
        session = dict(data("sessions", "tv15_put.v221.json"), id="102", location_id="LOC2", evse_uid="4001", connector_id="1")
        self.assertOcpi(self.hub("PUT", "/emsp/sessions/BE/BEC/102", session), 200, 1000, "Session on an uncached Location")
        W.wait_requests("hub", "GET", "/ocpi/2.2.1/sender/locations/LOC2")
        got = W.wait_requests("emsp", "PUT", f"{EMSP_SIM}/sessions/BE/BEC/102")[0]["body"]
        self.assertEqual(got["location"]["id"], "GIR-0000043", "exposed id of the fetched Location (4.6)")
        self.assertEqual([e["uid"] for e in got["location"]["evses"]], ["4001"])

    def test_s6_unknown_location_is_3000_and_nothing_sent(self):
        session = dict(data("sessions", "tv15_put.v221.json"), id="103", location_id="NOPE")
        self.assertOcpi(self.hub("PUT", "/emsp/sessions/BE/BEC/103", session), 200, 3000, "Location not obtainable (3.4.5)")
        self.assertNothing("emsp", "/sessions/", "Session without a Location")
        r = self.hub("PUT", "/emsp/sessions/BE/BEC/104", data("sessions", "tv15_put.v221.json"))
        self.assertOcpi(r, 200, 2001, "URL id vs body id")
        r = self.hub("PUT", "/emsp/sessions/BE/BEC/101", body_raw="{")
        self.assertEqual(r.status, 400, r)

    def test_d4_tv17_post_then_d5(self):
        r = self.hub("POST", "/emsp/cdrs", data("cdrs", "tv17_post.v221.json"))
        self.assertOcpi(r, 201, 1000, "TV-17 POST (the eMSP's 201 relayed)")
        req = W.wait_requests("emsp", "POST", f"{EMSP_SIM}/cdrs")[0]
        h.assert_json_equal(req["body"], data("cdrs", "tv17_post.v211.json"), "TV-17 body received by the eMSP")
        location = r.headers.get("location", "")
        prefix = f"{W.bridge_hub}/ocpi/2.2.1/cdrs-created/"
        self.assertTrue(location.startswith(prefix), f"Location required by 2.2.1, rewritten (3.5.7): {location!r}")

        back = W.send("hub", "GET", location, headers=iop_to(h.EMSP))
        self.assertOcpi(back, 200, 1000, "D5 GET")
        W.wait_requests("emsp", "GET", f"{EMSP_SIM}/cdrs/BEBEC-12345")
        got = back.body["data"]
        self.assertEqual((got["country_code"], got["party_id"], got["id"]), ("BE", "BEC", "12345"), "owner id restored (3.5.8)")
        self.assertEqual(got["cdr_location"]["id"], "LOC1", "exposed Location id mapped back (4.6)")

    def test_d4_without_legacy_location_header(self):
        W.admin("emsp", "POST", "/_sim/config", {"cdr_location_header": False})
        try:
            cdr = dict(data("cdrs", "tv17_post.v221.json"), id="12346")
            r = self.hub("POST", "/emsp/cdrs", cdr)
        finally:
            W.admin("emsp", "POST", "/_sim/config", {"cdr_location_header": True})
        self.assertOcpi(r, 201, 1000)
        self.assertTrue(r.headers.get("location", "").startswith(f"{W.bridge_hub}/ocpi/2.2.1/cdrs-created/"),
                        "2.2.1 requires the header even when the 2.1.1 eMSP sent none")
        back = W.send("hub", "GET", r.headers["location"], headers=iop_to(h.EMSP))
        self.assertOcpi(back, 200, 1000, "D5 on the assumed {cdrs}/{exposed id} URL")
        self.assertEqual(back.body["data"]["id"], "12346")

    def test_d4_cdr_for_an_unknown_location_still_goes_with_fallbacks(self):
        cdr = data("cdrs", "tv17_no_cache.v221.json")
        cdr["id"], cdr["cdr_location"]["id"] = "12347", "LOC9"
        r = self.hub("POST", "/emsp/cdrs", cdr)
        self.assertOcpi(r, 201, 1000, "billing data is not blocked by a missing Location (3.5.4)")
        W.wait_requests("hub", "GET", "/ocpi/2.2.1/sender/locations/LOC9")
        got = W.wait_requests("emsp", "POST", f"{EMSP_SIM}/cdrs")[0]["body"]
        expected = data("cdrs", "tv17_no_cache.v211.json")
        expected["id"], expected["location"]["id"] = "BEBEC-12347", "LOC9"
        h.assert_json_equal(got, expected, "TV-17 variant without any cached Location")

    def test_d4_credit_cdr_forwarded(self):
        cdr = data("cdrs", "tv17_post.v221.json")
        cdr.update(id="12345-C", credit=True, credit_reference_id="12345", total_cost={"excl_vat": -4.0})
        self.assertOcpi(self.hub("POST", "/emsp/cdrs", cdr), 201, 1000, "credit CDR")
        got = W.wait_requests("emsp", "POST", f"{EMSP_SIM}/cdrs")[0]["body"]
        self.assertEqual(got["id"], "BEBEC-12345-C")
        self.assertEqual(got["total_cost"], -4.0)
        self.assertTrue(got.get("remark", "").startswith("CREDIT of BEBEC-12345"), got.get("remark"))
        r = self.hub("POST", "/emsp/cdrs", body_raw='{"id": ')
        self.assertEqual(r.status, 400, r)

    def test_f6_variants_put_and_delete(self):
        page = data("tariffs", "tv20_emsp_pull_page.v221.json")
        default, for_mp1 = dict(page[2], id="tariff_V"), dict(page[1], id="tariff_V")
        path, at_emsp = "/emsp/tariffs/FR/CPO/tariff_V", f"{EMSP_SIM}/tariffs/FR/CPO/tariff_V"
        self.assertOcpi(self.hub("PUT", path, default), 200, 1000, "default variant")
        got = W.wait_requests("emsp", "PUT", at_emsp)[0]["body"]
        h.assert_json_equal(got, dict(data("tariffs", "tv20_emsp_pull_page.v211.json")[1], id="tariff_V"),
                            "default variant as a 2.1.1 Tariff with the Gireve extensions (TV-20)")

        self.assertOcpi(self.hub("PUT", path, for_mp1), 200, 1000, "variant for DE/MP1")
        for_emp = dict(for_mp1, target_operator_country_code="FR", target_operator_party_id="EMP")
        for_emp["elements"] = [{"price_components": [{"type": "TIME", "price": 0.60, "step_size": 60}]}]
        self.assertOcpi(self.hub("PUT", path, for_emp), 200, 1000, "variant for FR/EMP")
        puts = W.wait_requests("emsp", "PUT", at_emsp, count=2)
        self.assertEqual(len(puts), 2, "the DE/MP1 variant is never forwarded (3.6.7)")
        self.assertEqual(puts[1]["body"]["elements"][0]["price_components"][0]["price"], 0.60)
        self.assertNotIn("target_operator_country_code", puts[1]["body"])

        newer_default = dict(default, elements=[{"price_components": [{"type": "TIME", "price": 0.90, "step_size": 60}]}])
        self.assertOcpi(self.hub("PUT", path, newer_default), 200, 1000, "default after a targeted variant")
        self.assertOcpi(self.hub("DELETE", path), 200, 1000, "F6 DELETE")
        W.wait_requests("emsp", "DELETE", at_emsp)
        self.assertEqual(len(W.matching("emsp", "PUT", at_emsp)), 2, "a default after a targeted variant is stored only")

        self.assertOcpi(self.hub("DELETE", "/emsp/tariffs/FR/CPO/never-sent"), 200, 1000, "DELETE of an unknown tariff")
        self.assertOcpi(self.hub("PUT", "/emsp/tariffs/FR/CPO/tariff_X", page[3]), 200, 2001, "URL id vs body id")
        self.assertOcpi(self.hub("PUT", "/emsp/tariffs/FR/CPO/tariff_Fx", dict(page[3], id="tariff_Fx")), 200, 1000,
                        "PROFILE_FAST: acknowledged, not forwarded (3.6.2)")
        self.assertOcpi(self.hub("PATCH", path, {"currency": "EUR"}), 405, 2000, "2.2.1 has no Tariff PATCH")
        self.assertNothing("emsp", "never-sent", "DELETE of a tariff the eMSP never had")
        self.assertNothing("emsp", "tariff_F", "filtered tariff")
        self.assertNothing("emsp", "tariff_X", "refused tariff")


# ---- pulls: S4/D3/F5 (IOP pulls the legacy CPO), S8/D6/F7 (the legacy eMSP pulls IOP) ---------------------
class E_Pulls(Base):
    def test_f7_tv20_tariff_pull_by_the_emsp(self):
        W.admin("hub", "POST", "/_sim/config", {"clear_store": True, "seed_tariffs": data("tariffs", "tv20_emsp_pull_page.v221.json")})
        r = W.send("emsp", "GET", f"{W.bridge_legacy}{EMSP_FACE}/tariffs?offset=0&limit=10")
        self.assertOcpi(r, 200, 1000, "TV-20 pull")
        h.assert_json_equal(r.body["data"], data("tariffs", "tv20_emsp_pull_page.v211.json"), "TV-20 page seen by the eMSP")
        # Two of IOP's four Tariffs are other eMSPs' variants: the count says what this eMSP can get.
        self.assertEqual((r.headers.get("x-total-count"), r.headers.get("x-limit")), ("2", "10"),
                         "X-Total-Count = IOP's 4 minus the 2 left out of the page (1.7 rule 2), X-Limit IOP's")
        self.assertIsNone(h.parse_link_next(r.headers.get("link")), "last page: no Link")
        req = W.wait_requests("hub", "GET", "/ocpi/2.2.1/sender/tariffs")[0]
        self.assertEqual(req["query"], {"offset": "0", "limit": "10"})
        self.assertEqual((req["headers"]["ocpi-from-country-code"], req["headers"]["ocpi-from-party-id"]), ("FR", "EMP"))

    def test_s8_sessions_pull_needs_date_from(self):
        r = W.send("emsp", "GET", f"{W.bridge_legacy}{EMSP_FACE}/sessions")
        self.assertOcpi(r, 200, 2001, "no date_from (1.7 rule 5)")
        self.assertError(r, "S8 refusal")
        self.assertNothing("hub", "/sender/sessions", "Sessions pull without date_from")
        W.admin("hub", "POST", "/_sim/config", {"clear_store": True, "seed_sessions": [data("sessions", "tv15_put.v221.json")]})
        r = W.send("emsp", "GET", f"{W.bridge_legacy}{EMSP_FACE}/sessions?date_from=2015-01-01T00:00:00Z&limit=5")
        self.assertOcpi(r, 200, 1000, "S8 pull")
        h.assert_json_equal(r.body["data"], [data("sessions", "tv15_put.v211.json")], "S8 page (each Session as in TV-15)")

    def test_list_route_errors_have_one_shape_on_both_faces(self):
        # The upstream fails: neither the legacy eMSP (2.1.1) nor IOP (2.2.1) gets data or
        # pagination headers (those the bridge would have synthesised for a header-less legacy CPO).
        W.fault("hub", "http500")
        r = W.send("emsp", "GET", f"{W.bridge_legacy}{EMSP_FACE}/cdrs?offset=0&limit=5")
        self.assertGreaterEqual(r.body.get("status_code", 0), 2000, f"D6 with IOP failing: {r}")
        self.assertError(r, "D6 error toward the legacy eMSP")
        W.fault("cpo", "http500")
        r = self.hub("GET", "/cpo/cdrs?offset=0&limit=5", party=h.CPO)
        self.assertGreaterEqual(r.body.get("status_code", 0), 2000, f"D3 with the CPO failing: {r}")
        self.assertError(r, "D3 error toward IOP")
        r = W.send("emsp", "GET", f"{W.bridge_legacy}{EMSP_FACE}/cdrs/unknown-route")
        self.assertOcpi(r, 404, 2000, "unknown route under a list module")
        self.assertError(r, "local refusal toward the legacy eMSP")

    def test_d6_cdrs_pull_by_the_emsp(self):
        W.admin("hub", "POST", "/_sim/config", {"clear_store": True, "seed_cdrs": [data("cdrs", "tv17_post.v221.json")]})
        r = W.send("emsp", "GET", f"{W.bridge_legacy}{EMSP_FACE}/cdrs?limit=1")
        self.assertOcpi(r, 200, 1000, "D6 pull")
        h.assert_json_equal(r.body["data"], [data("cdrs", "tv17_post.v211.json")], "D6 page (each CDR as in TV-17)")

    def test_s4_d3_f5_iop_pulls_the_legacy_cpo(self):
        session = data("sessions", "tv13_put.v211.json")
        broken = dict(session, id="BROKEN", status="NOT-A-STATUS")
        W.admin("cpo", "POST", "/_sim/config", {"seed_sessions": [broken, session],
                                                "seed_cdrs": [data("cdrs", "tv16a_post.v211.json")],
                                                "seed_tariffs": [data("tariffs", "tv18a_gireve_cpo_put.v211.json")]})
        r = self.hub("GET", "/cpo/sessions?date_from=2019-01-01T00:00:00Z", party=h.CPO)
        self.assertOcpi(r, 200, 1000, "S4")
        expected = as_cpo_b(data("sessions", "tv13_put.v221.json"))
        expected["cdr_token"] = derived_token("FR*EMP*11111")
        h.assert_json_equal(r.body["data"], [expected], "S4 page: the untranslatable Session left out (1.7 rule 2)")
        self.assertEqual(r.headers.get("x-total-count"), "1",
                         "the upstream's count minus the Session left out (1.7 rule 2)")
        self.assertEqual((r.headers.get("ocpi-from-country-code"), r.headers.get("ocpi-from-party-id")), ("BE", "BEC"))

        r = self.hub("GET", "/cpo/cdrs", party=h.CPO)
        self.assertOcpi(r, 200, 1000, "D3")
        cdr = as_cpo_b(data("cdrs", "tv16a_post.v221.json"))
        cdr["cdr_token"] = derived_token("FR*EMP*1111")
        h.assert_json_equal(r.body["data"], [cdr], "D3 page")

        r = self.hub("GET", "/cpo/tariffs?limit=1", party=h.CPO)
        self.assertOcpi(r, 200, 1000, "F5")
        h.assert_json_equal(r.body["data"], [as_cpo_b(data("tariffs", "tv18a_gireve_cpo_put.v221.json"))], "F5 page")
        self.assertEqual(r.headers.get("x-limit"), "1")
        legacy = W.wait_requests("cpo", "GET", "/ocpi/cpo/2.1.1/tariffs")[0]
        self.assertEqual(legacy["query"], {"limit": "1"})

    def test_s4_sessions_pull_needs_date_from_as_s8_does(self):
        # One rule on both faces (1.7 rule 5): both specs list Sessions' date_from as required.
        W.admin("cpo", "POST", "/_sim/config", {"seed_sessions": [data("sessions", "tv13_put.v211.json")]})
        r = self.hub("GET", "/cpo/sessions?limit=5", party=h.CPO)
        self.assertOcpi(r, 200, 2001, "S4 without date_from")
        self.assertIn("date_from", r.body.get("status_message", ""))
        self.assertError(r, "S4 refusal")
        self.assertNothing("cpo", "/sessions", "Sessions pull without date_from")

    def test_s5_charging_preferences(self):
        r = self.hub("PUT", "/cpo/sessions/AAAAAAA/charging_preferences", {"profile_type": "FAST"}, party=h.CPO)
        self.assertOcpi(r, 404, 2001, "S5 (3.4.1)")
        self.assertNothing("cpo", "charging_preferences", "S5")


# ---- what the bridge announces (MAPPING §2.2) ---------------------------------------------------------------
class F_VersionDetails(Base):
    def test_modules_published_on_both_faces(self):
        r = W.send("hub", "GET", f"{W.bridge_hub}/ocpi/2.2.1")
        eps = {(e["identifier"], e["role"]): e["url"] for e in r.body["data"]["endpoints"]}
        for m in ("sessions", "cdrs", "tariffs"):
            self.assertEqual(eps.get((m, "SENDER")), f"{W.bridge_hub}/ocpi/2.2.1/cpo/{m}")
            self.assertEqual(eps.get((m, "RECEIVER")), f"{W.bridge_hub}/ocpi/2.2.1/emsp/{m}")
        for sim, face in (("cpo", CPO_FACE), ("emsp", EMSP_FACE)):
            r = W.send(sim, "GET", f"{W.bridge_legacy}{face}")
            ids = {e["identifier"]: e["url"] for e in r.body["data"]["endpoints"]}
            for m in ("sessions", "cdrs", "tariffs"):
                self.assertEqual(ids.get(m), f"{W.bridge_legacy}{face}/{m}", f"{face} details")


if __name__ == "__main__":
    unittest.main(argv=h.parse_cli(sys.argv), verbosity=2)
