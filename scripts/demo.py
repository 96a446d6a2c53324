#!/usr/bin/env python3
"""Runs the bridge on its embedded defaults between the bundled simulated peers and shows a
roaming day crossing it: Locations both ways, a Token push, a real-time authorization and a remote
start with its asynchronous result. Usage: demo.py BUILD_DIR [--serve]  (see scripts/demo.sh)."""
import json
import signal
import subprocess
import sys
import time
import urllib.request

build = sys.argv[1] if len(sys.argv) > 1 else "build/release"
serve = "--serve" in sys.argv
procs = []


def start(name, argv, expect):
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=open(f"/tmp/ocpi-demo-{name}.log", "w"), text=True)
    procs.append(p)
    deadline = time.time() + 20
    seen = []
    while len(seen) < expect:
        line = p.stdout.readline()
        if not line:
            raise SystemExit(f"{name} exited early; see /tmp/ocpi-demo-{name}.log")
        if line.startswith("LISTENING"):
            seen.append(line.strip())
        if time.time() > deadline:
            raise SystemExit(f"{name} did not start")
    print(f"  {name:<10} {' / '.join(seen)}")


def admin(port, path, payload=None):
    data = None if payload is None else json.dumps(payload).encode()
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method="POST" if data else "GET",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=20) as r:
        return json.loads(r.read() or b"null")


def show(title, obj, limit=900):
    text = json.dumps(obj, indent=2, ensure_ascii=False)
    print(f"\n--- {title}\n{text[:limit]}{' ...' if len(text) > limit else ''}")


def main():
    print("Starting the simulated peers and the bridge (embedded default configuration):")
    start("hub-sim", [f"{build}/tests/peers/ocpi-hub-sim"], 1)
    start("cpo-sim", [f"{build}/tests/peers/ocpi-legacy-sim", "--role", "CPO"], 1)
    start("emsp-sim", [f"{build}/tests/peers/ocpi-legacy-sim", "--role", "EMSP"], 1)
    start("bridge", [f"{build}/ocpi-bridge"], 2)
    time.sleep(2.5)  # endpoint discovery (MAPPING §1.2.2)

    print("\n== 1. legacy 2.1.1 CPO FR*CPO pushes a Location; the 2.2.1 hub receives it translated")
    # The CPO sim's own seed (the OCPI 2.1.1 spec Location example, MAPPING TV-03's input).
    location_211 = json.load(open("tests/data/peers/legacy_cpo_seed_locations.v211.json"))[0]
    answer = admin(9211, "/_sim/send", {"method": "PUT", "url": f"/ocpi/emsp/2.1.1/locations/FR/CPO/{location_211['id']}",
                                        "body": location_211})
    show("CPO got", answer.get("body"))
    received = [r for r in admin(9221, "/_sim/requests") if r.get("method") == "PUT"]
    if received:
        show("hub received (headers)", {k: v for k, v in received[-1]["headers"].items() if k.startswith(("ocpi-", "x-", "authorization"))})
        show("hub received (body)", received[-1]["body"])

    print("\n== 2. the hub pushes a Location to the legacy 2.1.1 eMSP FR*EMP through the bridge")
    hub_loc = json.load(open("tests/data/peers/hub_seed_locations.v221.json"))[0]
    answer = admin(9221, "/_sim/send", {"method": "PUT", "url": f"/ocpi/2.2.1/emsp/locations/{hub_loc['country_code']}/{hub_loc['party_id']}/{hub_loc['id']}",
                                        "headers": {"OCPI-to-country-code": "FR", "OCPI-to-party-id": "EMP"}, "body": hub_loc})
    show("hub got", answer.get("body"))
    received = [r for r in admin(9212, "/_sim/requests") if r.get("method") == "PUT"]
    if received:
        print(f"\n--- eMSP received PUT {received[-1]['target']}")
        show("eMSP received (body)", received[-1]["body"])

    print("\n== 3. the hub pulls the legacy CPO's Locations through the bridge (page of 1)")
    answer = admin(9221, "/_sim/send", {"method": "GET", "url": "/ocpi/2.2.1/cpo/locations?limit=1",
                                        "headers": {"OCPI-to-country-code": "FR", "OCPI-to-party-id": "CPO"}})
    show("hub got (pagination headers)", {k: v for k, v in answer.get("headers", {}).items() if k.lower() in ("link", "x-total-count", "x-limit")})
    show("hub got (body)", answer.get("body"), 600)

    print("\n== 4. the legacy eMSP pushes a driver's Token; the hub receives it as a 2.2.1 Token")
    token = {"uid": "DEMO-TOKEN-1", "type": "OTHER", "auth_id": "FR-EMP-C00042", "issuer": "Example eMSP",
             "valid": True, "whitelist": "ALLOWED", "last_updated": "2024-06-01T10:00:00Z"}
    answer = admin(9212, "/_sim/send", {"method": "PUT", "url": "/ocpi/cpo/2.1.1/tokens/FR/EMP/DEMO-TOKEN-1", "body": token})
    show("eMSP got", answer.get("body"))
    received = [r for r in admin(9221, "/_sim/requests") if r.get("method") == "PUT" and "/tokens/" in r.get("path", "")]
    if received:
        print(f"\n--- hub received PUT {received[-1]['target']}")
        show("hub received (body)", received[-1]["body"])

    print("\n== 5. the legacy CPO authorizes that driver in real time; IOP's answer comes back in 2.1.1 terms")
    answer = admin(9211, "/_sim/send", {"method": "POST", "url": "/ocpi/emsp/2.1.1/tokens/DEMO-TOKEN-1/authorize?type=OTHER",
                                        "body": {"location_id": location_211["id"], "evse_uids": [location_211["evses"][0]["uid"]]}})
    show("CPO got (authorization_id = IOP's authorization_reference)", answer.get("body"))

    print("\n== 6. the hub starts a session at the legacy CPO; the CPO's asynchronous result reaches the hub")
    command = {"response_url": "http://127.0.0.1:9221/ocpi/2.2.1/sender/commands/START_SESSION/demo-1",
               "token": {"country_code": "FR", "party_id": "EMP", "uid": "DEMO-TOKEN-1", "type": "OTHER",
                         "contract_id": "FR-EMP-C00042", "issuer": "Example eMSP", "valid": True, "whitelist": "ALLOWED",
                         "last_updated": "2024-06-01T10:00:00Z"},
               "location_id": location_211["id"], "evse_uid": location_211["evses"][0]["uid"],
               "authorization_reference": "DEMO-AUTH-1"}
    answer = admin(9221, "/_sim/send", {"method": "POST", "url": "/ocpi/2.2.1/cpo/commands/START_SESSION",
                                        "headers": {"OCPI-to-country-code": "FR", "OCPI-to-party-id": "CPO"}, "body": command})
    show("hub got (synchronous CommandResponse)", answer.get("body"))
    received = [r for r in admin(9211, "/_sim/requests") if r.get("path", "").endswith("/commands/START_SESSION")]
    if received:
        callback = received[-1]["body"]["response_url"]
        show("CPO received (response_url = the bridge's callback)", received[-1]["body"])
        answer = admin(9211, "/_sim/send", {"method": "POST", "url": callback, "body": {"result": "ACCEPTED"}})
        show("CPO posted its result, got", answer.get("body"))
        results = [r for r in admin(9221, "/_sim/requests") if r.get("path", "").endswith("/START_SESSION/demo-1")]
        if results:
            show("hub received at its response_url", results[-1]["body"])

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
