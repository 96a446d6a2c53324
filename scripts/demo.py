#!/usr/bin/env python3
"""Runs the bridge between the bundled simulated peers, onboards them from zero the way README
"Onboarding" tells an operator (a token A per peer from `ocpi-bridge admin token-a`, each peer
registers: versions, version details, POST credentials), then shows a whole roaming day crossing it,
one line per message each side sent or received: Locations and Tariffs both ways, a Token, a
real-time authorization, a remote START_SESSION with its asynchronous result, Session updates,
STOP_SESSION and the CDR — legacy CPO FR*CPO -> hub, then hub -> legacy eMSP FR*EMP.
The bridge runs on its embedded defaults with a fresh data directory and no static token (a
configuration file never inherits the embedded default's tokens).
Usage: demo.py BUILD_DIR [--serve]  (see scripts/demo.sh)."""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

build = sys.argv[1] if len(sys.argv) > 1 else "build/release"
serve = "--serve" in sys.argv
procs = []
# A fresh data directory per run (removed at exit): onboarding starts from zero every time.
workdir = tempfile.mkdtemp(prefix="ocpi-demo-")
PORTS = {"hub": 9221, "cpo": 9211, "emsp": 9212}  # the simulators' default ports (embedded configuration)
TO_CPO = {"OCPI-to-country-code": "FR", "OCPI-to-party-id": "CPO"}
# IOP forwards a CPO's messages to an eMSP with that CPO in OCPI-from (Gireve 2.2.1 routing).
CPO_TO_EMSP = {"OCPI-to-country-code": "FR", "OCPI-to-party-id": "EMP", "OCPI-from-country-code": "BE",
               "OCPI-from-party-id": "BEC"}
seen = {name: 0 for name in PORTS}  # last request seq shown per simulator


def start(name, argv, expect):
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=open(f"/tmp/ocpi-demo-{name}.log", "w"), text=True)
    procs.append(p)
    deadline = time.time() + 20
    lines = []
    while len(lines) < expect:
        line = p.stdout.readline()
        if not line:
            raise SystemExit(f"{name} exited early; see /tmp/ocpi-demo-{name}.log")
        if line.startswith("LISTENING"):
            lines.append(line.strip())
        if time.time() > deadline:
            raise SystemExit(f"{name} did not start")
    print(f"  {name:<10} {' / '.join(lines)}")


def admin(sim, path, payload=None):
    data = None if payload is None else json.dumps(payload).encode()
    req = urllib.request.Request(f"http://127.0.0.1:{PORTS[sim]}{path}", data=data, method="POST" if data else "GET",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read() or b"null")


def short_url(url):
    """A URL without scheme, and a callback id cut to its first characters."""
    url = url.split("://", 1)[-1]
    head, _, cbid = url.rpartition("/callbacks/")
    return f"{head}/callbacks/{cbid[:8]}..." if head else url


def brief(body):
    """The fields of an OCPI object (either version) that tell what it is, on one line."""
    if isinstance(body, list):
        return f"{len(body)} object(s): " + ", ".join(str(o.get("id")) for o in body if isinstance(o, dict))
    if not isinstance(body, dict):
        return "" if body is None else json.dumps(body)[:80]
    out = []
    for key in ("id", "uid", "country_code", "party_id", "type", "contract_id", "auth_id", "issuer", "allowed",
                "result", "timeout", "status", "location_id", "evse_uid", "session_id", "authorization_reference",
                "authorization_id", "kwh", "currency", "total_cost"):
        if key in body and not isinstance(body[key], (dict, list)):
            out.append(f"{key}={body[key]}")
        elif key == "total_cost" and isinstance(body.get(key), dict):
            out.append(f"total_cost={body[key].get('excl_vat')}")
    if isinstance(body.get("cdr_token"), dict):
        out.append(f"cdr_token={body['cdr_token'].get('uid')}/{body['cdr_token'].get('type')}")
    if isinstance(body.get("token"), dict):
        out.append(f"token={body['token'].get('uid')}")
    for key in ("location", "cdr_location"):
        if isinstance(body.get(key), dict) and "id" in body[key]:
            evses = [e.get("uid") for e in body[key].get("evses", [])] or [body[key].get("evse_uid")]
            out.append(f"{key}={body[key].get('id')} evses={evses}")
    if isinstance(body.get("evses"), list) and "location" not in body:
        tariffs = sorted({t for e in body["evses"] for c in e.get("connectors", [])
                          for t in (c.get("tariff_ids") or ([c["tariff_id"]] if c.get("tariff_id") else []))})
        out.append(f"{len(body['evses'])} EVSEs, tariffs {tariffs}")
    if isinstance(body.get("charging_periods"), list):
        out.append(f"{len(body['charging_periods'])} charging period(s)")
    if isinstance(body.get("elements"), list):
        out.append("prices " + ",".join(f"{c.get('type')}:{c.get('price')}" for e in body["elements"]
                                        for c in e.get("price_components", [])))
    if "evse_uids" in body:
        out.append(f"evse_uids={body['evse_uids']}")
    if "response_url" in body:
        out.append("response_url=" + short_url(body["response_url"]))
    return " ".join(out)


def send(sim, method, url, body=None, headers=None):
    """`sim` calls the bridge; prints one line for the call and its answer; returns the answer."""
    request = {"method": method, "url": url, "headers": headers or {}}
    if body:
        request["body"] = body
    r = admin(sim, "/_sim/send", request)
    answer = r.get("body") if isinstance(r.get("body"), dict) else {}
    location = {k.lower(): v for k, v in r.get("headers", {}).items()}.get("location")
    extra = f" Location: {location}" if location else ""
    data = brief(answer.get("data")) if answer.get("data") else ""
    print(f"  {sim:>4} -> bridge  {method} {short_url(url) if '://' in url else url}\n"
          f"  {'':>4}    answer  HTTP {r.get('status')} OCPI {answer.get('status_code')} {data}{extra}")
    return r


def received():
    """One line per request each simulator received from the bridge since the last call."""
    time.sleep(0.2)
    for sim in PORTS:
        for req in admin(sim, "/_sim/requests"):
            if req["seq"] <= seen[sim]:
                continue
            seen[sim] = req["seq"]
            if req["path"].endswith(("/versions", "/2.2.1", "/2.1.1")):
                continue  # endpoint discovery
            print(f"  {sim:>4} <- bridge  {req['method']} {req['path']}  {brief(req['body'])}")


def callback_of(sim, command_path):
    """The response_url of the last command `sim` received on `command_path` (the bridge's callback)."""
    return [r for r in admin(sim, "/_sim/requests") if r["path"].endswith(command_path)][-1]["body"]["response_url"]


def operator_token_a(config, connection):
    """`ocpi-bridge admin --config CONFIG token-a CONNECTION`: the token A and versions URL to hand out."""
    cmd = [f"{build}/ocpi-bridge", "admin", "--config", config, "token-a", connection]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=30, check=True).stdout
    lines = dict(line.split(" ", 1) for line in out.strip().splitlines())
    print(f"  operator  ocpi-bridge admin token-a {connection}\n"
          f"            -> TOKEN_A {lines['TOKEN_A'][:8]}... VERSIONS_URL {lines['VERSIONS_URL']}")
    return lines["TOKEN_A"], lines["VERSIONS_URL"]


def peer_registers(sim, token_a, versions_url):
    """`sim` registers as the credentials Sender; prints what it read before its POST and the answer."""
    r = admin(sim, "/_sim/register", {"token_a": token_a, "versions_url": versions_url})
    seen = r.get("seen") or {}
    endpoints = (seen.get("details") or {}).get("endpoints", [])
    listed = ", ".join(e["identifier"] + (f" {e['role']}" if "role" in e else "") for e in endpoints)
    answer = r.get("body") or {}
    print(f"  {sim:>4} -> bridge  GET {short_url(versions_url)}, GET {short_url(seen.get('details_url', '?'))}:\n"
          f"  {'':>4}            {len(endpoints)} endpoints: {listed}\n"
          f"  {sim:>4} -> bridge  POST credentials -> HTTP {r.get('status')} OCPI {answer.get('status_code')}"
          f" (the bridge fetched {sim}'s endpoints; {sim} now uses the token it got back)")
    if answer.get("status_code") != 1000:
        raise SystemExit(f"{sim} could not register: {r}")


def onboard(config):
    print("\n== 0. onboarding from zero (README \"Onboarding\"): the operator hands out a token A per peer, each registers")
    for sim, connection in (("hub", "iop"), ("cpo", "FR*CPO"), ("emsp", "FR*EMP")):
        peer_registers(sim, *operator_token_a(config, connection))
    received()


def step(title, *calls):
    print(f"\n== {title}")
    results = [send(*c) for c in calls]
    received()
    return results


def main():
    # A configuration that only names the data directory: embedded defaults, no token.
    config = os.path.join(workdir, "bridge.toml")
    with open(config, "w") as f:
        f.write(f'[bridge]\ndata_dir = "{workdir}/data"\n')
    print(f"Starting the simulated peers and the bridge (embedded defaults, no static token, state in {workdir}/data):")
    start("hub-sim", [f"{build}/tests/peers/ocpi-hub-sim"], 1)
    start("cpo-sim", [f"{build}/tests/peers/ocpi-legacy-sim", "--role", "CPO"], 1)
    start("emsp-sim", [f"{build}/tests/peers/ocpi-legacy-sim", "--role", "EMSP", "--with-tariffs"], 1)
    start("bridge", [f"{build}/ocpi-bridge", "run", "--config", config], 3)
    print("\n(cpo/emsp: the legacy OCPI 2.1.1 backends; hub: the OCPI 2.2.1 IOP simulator)")
    onboard(config)

    location = json.load(open("tests/data/peers/legacy_cpo_seed_locations.v211.json"))[0]
    evse = location["evses"][0]["uid"]
    tariff = json.load(open("tests/data/tariffs/tv18a_gireve_cpo_put.v211.json"))
    step("1. the legacy CPO publishes a Location and its Tariff",
         ("cpo", "PUT", f"/ocpi/emsp/2.1.1/locations/FR/CPO/{location['id']}", location),
         ("cpo", "PUT", "/ocpi/emsp/2.1.1/tariffs/FR/CPO/11", dict(tariff, id="11")))

    step("2. the hub pulls the legacy CPO's Locations (page of 1)",
         ("hub", "GET", "/ocpi/2.2.1/cpo/locations?limit=1", None, TO_CPO))

    token = {"uid": "DEMO-TOKEN-1", "type": "RFID", "auth_id": "FR-EMP-C00042", "issuer": "Example eMSP",
             "valid": True, "whitelist": "ALLOWED", "last_updated": "2024-06-01T10:00:00Z"}
    step("3. the legacy eMSP pushes its driver's Token to the hub",
         ("emsp", "PUT", "/ocpi/cpo/2.1.1/tokens/FR/EMP/DEMO-TOKEN-1", token))

    step("4. the driver badges at the legacy CPO: real-time authorization through IOP",
         ("cpo", "POST", "/ocpi/emsp/2.1.1/tokens/DEMO-TOKEN-1/authorize",
          {"location_id": location["id"], "evse_uids": [evse], "connector_ids": ["1"]}))
    authorization = "IOP-AUTH-DEMO-TOKEN-1"  # what the hub simulator answers

    token_221 = {"country_code": "FR", "party_id": "EMP", "uid": "DEMO-TOKEN-1", "type": "RFID",
                 "contract_id": "FR-EMP-C00042", "issuer": "Example eMSP", "valid": True, "whitelist": "ALLOWED",
                 "last_updated": "2024-06-01T10:00:00Z"}
    command = {"response_url": "http://127.0.0.1:9221/ocpi/2.2.1/sender/commands/START_SESSION/demo-1",
               "token": token_221, "location_id": location["id"], "evse_uid": evse, "connector_id": "1",
               "authorization_reference": authorization}
    step("5. the hub starts the session remotely at the legacy CPO",
         ("hub", "POST", "/ocpi/2.2.1/cpo/commands/START_SESSION", command, TO_CPO))
    callback = callback_of("cpo", "/commands/START_SESSION")
    step("6. the legacy CPO reports its result on the bridge's callback; IOP's response_url gets it",
         ("cpo", "POST", callback, {"result": "ACCEPTED"}))

    charging = dict(location["evses"][0], status="CHARGING", connectors=location["evses"][0]["connectors"][:1])
    own = dict(location, evses=[charging])
    session = {"id": "DEMO-S1", "start_datetime": "2024-06-01T10:05:00Z", "kwh": 0, "auth_id": "FR-EMP-C00042",
               "auth_method": "AUTH_REQUEST", "authorization_id": authorization, "location": own, "currency": "EUR",
               "charging_periods": [], "status": "ACTIVE", "last_updated": "2024-06-01T10:05:01Z"}
    period = {"start_date_time": "2024-06-01T10:05:00Z", "dimensions": [{"type": "ENERGY", "volume": 7.5}]}
    step("7. the legacy CPO sends the Session, then a 2.1.1 PATCH (IOP gets the merged PUT: no PATCH at IOP)",
         ("cpo", "PUT", "/ocpi/emsp/2.1.1/sessions/FR/CPO/DEMO-S1", session),
         ("cpo", "PATCH", "/ocpi/emsp/2.1.1/sessions/FR/CPO/DEMO-S1",
          {"kwh": 7.5, "charging_periods": [period], "last_updated": "2024-06-01T10:35:00Z"}))

    step("8. the hub stops the session remotely",
         ("hub", "POST", "/ocpi/2.2.1/cpo/commands/STOP_SESSION",
          {"response_url": "http://127.0.0.1:9221/ocpi/2.2.1/sender/commands/STOP_SESSION/demo-2", "session_id": "DEMO-S1"},
          TO_CPO))
    callback = callback_of("cpo", "/commands/STOP_SESSION")
    step("9. the legacy CPO reports the stop, completes the Session and bills it with a CDR",
         ("cpo", "POST", callback, {"result": "ACCEPTED"}),
         ("cpo", "PATCH", "/ocpi/emsp/2.1.1/sessions/FR/CPO/DEMO-S1",
          {"status": "COMPLETED", "end_datetime": "2024-06-01T10:40:00Z", "last_updated": "2024-06-01T10:40:01Z"}),
         ("cpo", "POST", "/ocpi/emsp/2.1.1/cdrs",
          {"id": "DEMO-CDR-1", "start_date_time": "2024-06-01T10:05:00Z", "stop_date_time": "2024-06-01T10:40:00Z",
           "auth_id": "FR-EMP-C00042", "authorization_id": authorization, "auth_method": "AUTH_REQUEST",
           "location": own, "currency": "EUR", "tariffs": [dict(tariff, id="11")],
           "charging_periods": [dict(period, dimensions=[{"type": "ENERGY", "volume": 7.5},
                                                         {"type": "TIME", "volume": 0.58}])],
           "total_cost": 19.66, "total_energy": 7.5, "total_time": 0.58, "last_updated": "2024-06-01T10:41:00Z"}))

    print("\n---- the other direction: the hub's CPOs toward the legacy eMSP FR*EMP")
    hub_loc = json.load(open("tests/data/peers/hub_seed_locations.v221.json"))[0]  # BE*BEC's LOC1, gireve_id GIR-0000042
    hub_tariff = json.load(open("tests/data/tariffs/tv18a_gireve_cpo_put.v221.json"))
    step("10. the hub pushes a CPO's Location and Tariff to the legacy eMSP (2.1.1 shapes, Gireve ids)",
         ("hub", "PUT", "/ocpi/2.2.1/emsp/locations/BE/BEC/LOC1", hub_loc, CPO_TO_EMSP),
         ("hub", "PUT", "/ocpi/2.2.1/emsp/tariffs/BE/BEC/11", dict(hub_tariff, id="11", country_code="BE", party_id="BEC"),
          CPO_TO_EMSP))
    step("11. the CPO behind the hub authorizes the eMSP's driver at the legacy eMSP",
         ("hub", "POST", "/ocpi/2.2.1/emsp/tokens/DEMO-TOKEN-1/authorize", {"location_id": "LOC1", "evse_uids": ["3256"]},
          CPO_TO_EMSP))
    step("12. the legacy eMSP starts a session through IOP",
         ("emsp", "POST", "/ocpi/cpo/2.1.1/commands/START_SESSION",
          {"response_url": "http://127.0.0.1:9212/ocpi/emsp/2.1.1/commands/START_SESSION/demo-3", "token": token,
           "location_id": "GIR-0000042", "evse_uid": "3256", "authorization_id": "EMSP-AUTH-DEMO-TOKEN-1"}))
    callback = callback_of("hub", "/receiver/commands/START_SESSION")
    hub_session = {"country_code": "BE", "party_id": "BEC", "id": "DEMO-S2", "start_date_time": "2024-06-01T11:00:00Z",
                   "kwh": 0,
                   "cdr_token": {k: token_221[k] for k in ("country_code", "party_id", "uid", "type", "contract_id")},
                   "auth_method": "COMMAND", "authorization_reference": "EMSP-AUTH-DEMO-TOKEN-1", "location_id": "LOC1",
                   "evse_uid": "3256", "connector_id": "1", "currency": "EUR", "charging_periods": [], "status": "ACTIVE",
                   "last_updated": "2024-06-01T11:00:01Z"}
    step("13. IOP reports the result to the legacy eMSP, then the CPO's Session and a 2.2.1 PATCH (appends a period)",
         ("hub", "POST", callback, {"result": "ACCEPTED"}, CPO_TO_EMSP),
         ("hub", "PUT", "/ocpi/2.2.1/emsp/sessions/BE/BEC/DEMO-S2", hub_session, CPO_TO_EMSP),
         ("hub", "PATCH", "/ocpi/2.2.1/emsp/sessions/BE/BEC/DEMO-S2",
          {"kwh": 5,
           "charging_periods": [{"start_date_time": "2024-06-01T11:00:00Z", "dimensions": [{"type": "ENERGY", "volume": 5}]}],
           "last_updated": "2024-06-01T11:30:00Z"}, CPO_TO_EMSP))
    cdr = json.load(open("tests/data/cdrs/tv17_post.v221.json"))
    cdr.update(id="DEMO-CDR-2", cdr_token=hub_session["cdr_token"], authorization_reference="EMSP-AUTH-DEMO-TOKEN-1",
               session_id="DEMO-S2")
    step("14. the legacy eMSP stops the session through IOP",
         ("emsp", "POST", "/ocpi/cpo/2.1.1/commands/STOP_SESSION",
          {"response_url": "http://127.0.0.1:9212/ocpi/emsp/2.1.1/commands/STOP_SESSION/demo-4", "session_id": "DEMO-S2"}))
    callback = callback_of("hub", "/receiver/commands/STOP_SESSION")
    step("15. IOP reports the stop, then posts the CDR (unique id for the eMSP, a bridge Location header for IOP)",
         ("hub", "POST", callback, {"result": "ACCEPTED"}, CPO_TO_EMSP),
         ("hub", "POST", "/ocpi/2.2.1/emsp/cdrs", cdr, CPO_TO_EMSP))

    print("\nThe bridge's exchange log (one line per exchange): /tmp/ocpi-demo-bridge.log")
    if serve:
        print("Serving until Ctrl-C (hub face :8221, legacy face :8211).")
        signal.sigwait({signal.SIGINT, signal.SIGTERM})


try:
    main()
finally:
    for p in reversed(procs):
        p.send_signal(signal.SIGTERM)
    for p in procs:
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
    shutil.rmtree(workdir, ignore_errors=True)
