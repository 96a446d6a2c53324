#!/usr/bin/env python3
"""Writes the libFuzzer seed corpus from the golden suite (tests/data/golden_cases.json).

Each input of each golden pair becomes one seed: the 3-byte header of harness.hpp choosing the
pair's kind, direction, shape, legacy party, recipient, owner and URL parameters, then the JSON.
So that every kind x direction x shape starts from a meaningful input, each golden input is also
written in the two other shapes (an object as a page of one; a page's elements as objects and as
PATCH bodies), and the kept reproducers of tests/fuzz/regressions/ are copied as they are.

Usage: make_corpus.py OUT_DIR [--data tests/data]
"""
import argparse
import hashlib
import json
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))

KINDS = ["location", "evse", "connector", "token", "authorization_info", "location_references", "start_session",
         "stop_session", "reserve_now", "cancel_reservation", "unlock_connector", "command_response",
         "command_result", "session", "cdr", "tariff", "credentials", "version_details"]  # object_kind order
SHAPES = {"object": 0, "patch": 1, "list": 2}
RECIPIENTS = {"hub": 0, "legacy_cpo": 1, "legacy_emsp": 2}
COMMANDS = {"START_SESSION": 1, "STOP_SESSION": 2, "RESERVE_NOW": 3, "CANCEL_RESERVATION": 4, "UNLOCK_CONNECTOR": 5}
FIXTURE = {"CPO-A": 0, "CPO-B": 1, "EMSP-A": 2}  # harness.hpp fixture_options order


def header(kind, up, shape, party, spec):
    """harness.hpp encode(): keep in step with its decode()."""
    owner = spec.get("owner", "legacy" if up else None)
    owner_bits = {None: 0, "FR*EMP": 2, "BE*BEC": 3}.get(owner, 1)
    b1 = ((0 if up else 1) | SHAPES[shape] << 1 | RECIPIENTS.get(spec.get("recipient"), 3) << 3 | party << 5)
    b2 = owner_bits | COMMANDS.get(spec.get("command"), 0) << 2 | (0x20 if "token_uid" in spec else 0) \
        | (0x40 if "sender" in spec else 0)
    return bytes([KINDS.index(kind), b1, b2])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--data", default=os.path.join(HERE, "..", "data"))
    a = ap.parse_args()
    with open(os.path.join(a.data, "golden_cases.json"), encoding="utf-8") as fh:
        manifest = json.load(fh)
    os.makedirs(a.out, exist_ok=True)
    written = set()

    def write(data):
        name = hashlib.sha1(data).hexdigest()
        if name not in written:
            written.add(name)
            with open(os.path.join(a.out, name), "wb") as fh:
                fh.write(data)

    for case in manifest["cases"]:
        for direction in ("up", "down"):
            spec = case.get(direction)
            if spec is None:
                continue
            up = direction == "up"
            named = manifest["parties"].get(spec["party"], {})
            party = FIXTURE.get(spec["party"], 2 if named.get("role") == "EMSP" else 1)
            path = os.path.join(a.data, case["case"] + (".v211.json" if up else ".v221.json"))
            with open(path, "rb") as fh:
                raw = fh.read()
            shape = case.get("shape", "object")
            write(header(case["object"], up, shape, party, spec) + raw)  # the golden input, byte for byte
            doc = json.loads(raw)
            objects = doc if isinstance(doc, list) else [doc]
            for obj in objects:
                for other in ("object", "patch"):
                    write(header(case["object"], up, other, party, spec) + json.dumps(obj).encode())
            write(header(case["object"], up, "list", party, spec) + json.dumps(objects).encode())
    # CancelReservation has no golden pair (2.1.1 has no such command): the 2.2.1 example body.
    cancel = b'{"response_url":"https://emsp.example.com/ocpi/2.2.1/commands/CANCEL_RESERVATION/8","reservation_id":"R1"}'
    for up in (True, False):
        write(header("cancel_reservation", up, "object", 1, {}) + cancel)
    regressions = os.path.join(HERE, "regressions")
    for f in sorted(os.listdir(regressions)):
        if not f.endswith(".md"):
            shutil.copy(os.path.join(regressions, f), os.path.join(a.out, "regression-" + f))
            written.add(f)
    print(f"make_corpus: {len(written)} seeds in {a.out}")


if __name__ == "__main__":
    main()
