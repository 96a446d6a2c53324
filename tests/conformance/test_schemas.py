#!/usr/bin/env python3
"""Schema conformance of the golden suite (issue 3).

For every golden pair of tests/data/golden_cases.json and each direction it names, runs the real
`ocpi-bridge translate` on the input, checks the output is the pair's expected file (so the
manifest really describes how the pair is translated) and validates the output against the
JSON Schema of the target version in tests/data/schemas/. Every expected file is validated too.

A schema disagreement fails the test unless it is listed in EXCEPTIONS below, each with the spec
text that makes the schema, not our output, wrong. An exception that no longer matches anything
also fails: the list cannot rot.

Usage: test_schemas.py --bridge path/to/ocpi-bridge [--data tests/data] [-v]
"""
import argparse
import concurrent.futures
import json
import os
import re
import subprocess
import sys

try:
    import jsonschema
except ImportError:
    sys.exit("test_schemas.py: the jsonschema module is missing: run scripts/install-deps.sh (python3-jsonschema)")

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DATA = os.path.join(HERE, "..", "data")

# (object kind, target version, shape) -> (schema file under schemas/, JSON pointer into it).
# Objects: the PUT/POST request schema of the receiving interface (it carries the `required` list
# the object schemas leave out); PATCH bodies: the PATCH request schema; pages (shape list) are
# validated element by element with the object schema, as the schemas' own listing responses say
# ("validation is done in the client for each object independently").
V221, V211 = "2.2.1", "2.1.1"
SCHEMAS = {
    ("location", V221, "object"): ("V2_2_1/Receiver/Locations/locationPutRequest.schema.json", ""),
    ("location", V221, "patch"): ("V2_2_1/Receiver/Locations/locationPatchRequest.schema.json", ""),
    ("evse", V221, "object"): ("V2_2_1/Receiver/Locations/Evses/evsePutRequest.schema.json", ""),
    ("evse", V221, "patch"): ("V2_2_1/Receiver/Locations/Evses/evsePatchRequest.schema.json", ""),
    ("connector", V221, "object"): ("V2_2_1/Receiver/Locations/Evses/Connectors/connectorPutRequest.schema.json", ""),
    ("connector", V221, "patch"): ("V2_2_1/Receiver/Locations/Evses/Connectors/connectorPatchRequest.schema.json", ""),
    ("token", V221, "object"): ("V2_2_1/Receiver/Tokens/tokenPutRequest.schema.json", ""),
    ("token", V221, "patch"): ("V2_2_1/Receiver/Tokens/tokenPatchRequest.schema.json", ""),
    ("authorization_info", V221, "object"): ("V2_2_1/Common/common.schema.json", "/definitions/authorization_info"),
    ("location_references", V221, "object"): ("V2_2_1/Common/common.schema.json", "/definitions/location_references"),
    ("session", V221, "object"): ("V2_2_1/Receiver/Sessions/sessionPutRequest.schema.json", ""),
    ("session", V221, "patch"): ("V2_2_1/Receiver/Sessions/sessionPatchRequest.schema.json", ""),
    ("cdr", V221, "object"): ("V2_2_1/Receiver/CDRs/cdrPostRequest.schema.json", ""),
    ("tariff", V221, "object"): ("V2_2_1/Receiver/Tariffs/tariffPutRequest.schema.json", ""),
    ("credentials", V221, "object"): ("V2_2_1/Common/Credentials/credentialsPostRequest.schema.json", ""),
    ("version_details", V221, "object"): ("V2_2_1/Common/Versions/versionGetDetailResponse.schema.json", "/properties/data"),
    ("location", V211, "object"): ("V2_1_1/eMSP/Locations/locationPutRequest.schema.json", ""),
    ("location", V211, "patch"): ("V2_1_1/eMSP/Locations/locationPatchRequest.schema.json", ""),
    ("evse", V211, "object"): ("V2_1_1/eMSP/Locations/Evses/evsePutRequest.schema.json", ""),
    ("evse", V211, "patch"): ("V2_1_1/eMSP/Locations/Evses/evsePatchRequest.schema.json", ""),
    ("connector", V211, "object"): ("V2_1_1/eMSP/Locations/Evses/Connectors/connectorPutRequest.schema.json", ""),
    ("connector", V211, "patch"): ("V2_1_1/eMSP/Locations/Evses/Connectors/connectorPatchRequest.schema.json", ""),
    ("token", V211, "object"): ("V2_1_1/CPO/Tokens/tokenPutRequest.schema.json", ""),
    ("token", V211, "patch"): ("V2_1_1/CPO/Tokens/tokenPatchRequest.schema.json", ""),
    ("authorization_info", V211, "object"): ("V2_1_1/Common/common.schema.json", "/definitions/authorization_info"),
    ("location_references", V211, "object"): ("V2_1_1/Common/common.schema.json", "/definitions/location_references"),
    ("command_result", V211, "object"): ("V2_1_1/eMSP/Commands/commandResultPostRequest.schema.json", ""),
    ("session", V211, "object"): ("V2_1_1/eMSP/Sessions/sessionPutRequest.schema.json", ""),
    ("session", V211, "patch"): ("V2_1_1/eMSP/Sessions/sessionPatchRequest.schema.json", ""),
    ("cdr", V211, "object"): ("V2_1_1/eMSP/CDRs/cdrPostRequest.schema.json", ""),
    ("tariff", V211, "object"): ("V2_1_1/eMSP/Tariffs/tariffPutRequest.schema.json", ""),
    ("tariff", V211, "patch"): ("V2_1_1/eMSP/Tariffs/tariffPatchRequest.schema.json", ""),
    ("credentials", V211, "object"): ("V2_1_1/Common/Credentials/credentialsPostRequest.schema.json", ""),
    ("version_details", V211, "object"): ("V2_1_1/Common/Versions/versionGetDetailResponse.schema.json", "/properties/data"),
}
for _kind in ("start_session", "stop_session", "reserve_now", "cancel_reservation", "unlock_connector",
              "command_response", "command_result"):
    SCHEMAS.setdefault((_kind, V221, "object"), ("V2_2_1/Common/commands.schema.json", "/definitions/" + _kind))
    if _kind != "cancel_reservation":  # not a 2.1.1 command
        SCHEMAS.setdefault((_kind, V211, "object"), ("V2_1_1/Common/commands.schema.json", "/definitions/" + _kind))

# Where the third-party schemas and the specs disagree, the specs win (shared/spec/README.md).
# Each entry: which document(s), which schema keyword at which instance path, and why the schema
# is wrong. `files` matches the data file (case) name; `path` the instance path as printed.
GIREVE_TARIFF_211 = ("Gireve 2.1.1 extensions toward eMSPs (gireve-2.1.1/emsp_tariffs.md A, D, E, F: country_code, "
                     "party_id, price_round, step_round, exact_price_component are mandatory there; MAPPING 3.6.2/3.6.3, "
                     "tariffs.emit_gireve_211_extensions). The schema is plain OCPI 2.1.1.")
PRICE_COMPONENT_EXTRAS = ["exact_price_component", "price_round", "step_round"]
EXCEPTIONS = [
    {"kind": "tariff", "version": V211, "files": r".*", "path": r"\.", "keyword": "additionalProperties",
     "extra": ["country_code", "party_id"], "why": GIREVE_TARIFF_211},
    {"kind": "tariff", "version": V211, "files": r".*", "path": r"elements\[\d+\]\.price_components\[\d+\]",
     "keyword": "additionalProperties", "extra": PRICE_COMPONENT_EXTRAS, "why": GIREVE_TARIFF_211},
    # A CDR toward a legacy eMSP embeds its tariffs down-converted exactly as the Tariffs module does.
    {"kind": "cdr", "version": V211, "files": r"tv17_.*", "path": r"tariffs\[\d+\]", "keyword": "additionalProperties",
     "extra": ["country_code", "party_id"], "why": GIREVE_TARIFF_211},
    {"kind": "cdr", "version": V211, "files": r"tv17_.*",
     "path": r"tariffs\[\d+\]\.elements\[\d+\]\.price_components\[\d+\]", "keyword": "additionalProperties",
     "extra": PRICE_COMPONENT_EXTRAS, "why": GIREVE_TARIFF_211},
    {"kind": "authorization_info", "version": V211, "files": r".*", "path": r"\.", "keyword": "additionalProperties",
     "extra": ["authorization_id"],
     "why": "Gireve 2.1.1 adds authorization_id to AuthorizationInfo (gireve-2.1.1/README.md: 'POST Authorize request: new attribute authorization_id'; MAPPING 4.1)"},
    {"kind": "start_session", "version": V211, "files": r".*", "path": r"\.", "keyword": "additionalProperties",
     "extra": ["authorization_id"],
     "why": "Gireve 2.1.1 adds authorization_id to StartSession (gireve-2.1.1/README.md: 'StartSession request: new attribute authorization_id'; MAPPING 4.1)"},
    {"kind": "reserve_now", "version": V211, "files": r".*", "path": r"reservation_id", "keyword": "type",
     "why": "OCPI 2.1.1 mod_commands.md ReserveNow: reservation_id is `int`; the schema says string (it is "
            "CiString(36) only in 2.2.1). MAPPING 3.3.3 converts int <-> CiString(36)."},
    # Only the hub simulator's data: the bridge never sends gireve_id (MAPPING 3.1.2, "never sent").
    {"kind": "location", "version": V221, "files": r"hub_seed_locations\.v221\.json", "path": r"\.",
     "keyword": "additionalProperties", "extra": ["gireve_id"],
     "why": "Gireve 2.2.1 extends the Locations it transfers to a receiver with gireve_id (gireve-2.2.1 "
            "implementation-guide-v1.0.txt, 'Gireve decides to extend Locations and Tariffs with \"gireve_id\"'); "
            "the hub simulator plays IOP, so its Locations carry it."},
    {"kind": "location", "version": V221, "files": r"tv04_location_put_nulls", "path": r"evses\[\d+\]\.floor_level",
     "keyword": "minLength",
     "why": "OCPI 2.2.1 types.asciidoc string(n) sets a maximum length only; floor_level string(4) may be empty. "
            "MAPPING 3.1.3 copies floor_level as received (also \"\"), as the Gireve TV-04 example sends it."},
]


def load_schemas(root):
    """Every schema file, keyed by file URI, with `$ref` siblings made effective.

    The schemas are written as if keywords beside a `$ref` were merged into the referenced schema
    (e.g. a PUT request is {"$ref": "location.schema.json", "required": [...]}); draft-07 ignores
    such siblings. {"$ref": X, k: v...} becomes {"allOf": [{"$ref": X}], k: v...}, without the
    sibling `additionalProperties: false`, which every referenced object schema already has and
    which beside an allOf would forbid every member.
    """
    def rewrite(node):
        if isinstance(node, dict):
            node = {k: rewrite(v) for k, v in node.items()}
            if "$ref" in node and len(node) > 1:
                siblings = {k: v for k, v in node.items() if k not in ("$ref", "additionalProperties")}
                node = dict(siblings, allOf=[{"$ref": node["$ref"]}])
            return node
        if isinstance(node, list):
            return [rewrite(v) for v in node]
        return node

    store = {}
    for d, _, files in os.walk(root):
        for f in files:
            if f.endswith(".schema.json"):
                path = os.path.abspath(os.path.join(d, f))
                with open(path, encoding="utf-8") as fh:
                    store["file://" + path] = rewrite(json.load(fh))
    return store


def make_validator_factory(store):
    """Returns validator(uri_with_fragment) -> Draft7Validator, for jsonschema 4.10 (Debian 12)
    and for releases with the `referencing` library (4.18+)."""
    try:
        import referencing
        import referencing.jsonschema

        registry = referencing.Registry().with_resources(
            (uri, referencing.Resource.from_contents(s, default_specification=referencing.jsonschema.DRAFT7))
            for uri, s in store.items())

        def make(ref):
            return jsonschema.Draft7Validator({"$ref": ref}, registry=registry)
    except ImportError:
        def make(ref):
            resolver = jsonschema.RefResolver(base_uri=ref.split("#")[0], referrer=store[ref.split("#")[0]], store=store)
            return jsonschema.Draft7Validator({"$ref": ref}, resolver=resolver)
    return make


def instance_path(parts):
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "."


def leaf_errors(error):
    """The innermost errors: a oneOf/allOf/anyOf failure says little, its context says why."""
    if error.context:
        for e in error.context:
            yield from leaf_errors(e)
    else:
        yield error


def schema_problems(validate, instance):
    problems = set()
    for err in validate.iter_errors(instance):
        for leaf in leaf_errors(err):
            extras = ()
            if leaf.validator == "additionalProperties" and isinstance(leaf.instance, dict):
                extras = tuple(sorted(set(leaf.instance) - set(leaf.schema.get("properties", {}))))
            problems.add((tuple(leaf.absolute_path), leaf.validator, leaf.message[:200], extras))
    return sorted(problems, key=str)


class Checker:
    def __init__(self, data_dir, store):
        self.data_dir = data_dir
        self.store = store
        self.make = make_validator_factory(store)
        self.schema_root = os.path.abspath(os.path.join(data_dir, "schemas"))
        self.validators = {}
        self.used_exceptions = set()
        self.exceptions_applied = []
        self.failures = []
        self.validated = 0

    def validator(self, kind, version, shape):
        key = SCHEMAS.get((kind, version, "object" if shape == "list" else shape))
        if key is None:
            return None
        if key not in self.validators:
            self.validators[key] = self.make("file://" + os.path.join(self.schema_root, key[0]) + "#" + key[1])
        return self.validators[key]

    def excepted(self, name, kind, version, path, keyword, extras):
        for i, ex in enumerate(EXCEPTIONS):
            # An additionalProperties exception names the members it allows: any other is reported.
            if (ex["kind"] == kind and ex["version"] == version and re.fullmatch(ex["files"], name)
                    and re.fullmatch(ex["path"], path) and ex["keyword"] == keyword
                    and set(extras) <= set(ex.get("extra", []))):
                self.used_exceptions.add(i)
                return ex
        return None

    def validate(self, what, name, kind, version, shape, doc):
        """Validates one output or expected file; records failures and applied exceptions."""
        v = self.validator(kind, version, shape)
        if v is None:
            self.failures.append(f"{what}: no schema for {kind} {version} {shape}")
            return
        items = doc if shape == "list" else [doc]
        if shape == "list" and not isinstance(doc, list):
            self.failures.append(f"{what}: a page must be an array")
            return
        self.validated += 1
        for idx, item in enumerate(items):
            for parts, keyword, message, extras in schema_problems(v, item):
                shown = instance_path(([idx] if shape == "list" else []) + list(parts))
                ex = self.excepted(name, kind, version, instance_path(parts), keyword, extras)
                if ex:
                    self.exceptions_applied.append((EXCEPTIONS.index(ex), f"{what}: {shown} {keyword}"))
                else:
                    self.failures.append(f"{what}: schema {keyword} at {shown}: {message}")


def same_json(a, b):
    """JSON values compared as MAPPING 6.0 says: member order irrelevant, numbers by value (2 equals
    2.0), but true is not 1 (Python's == alone would say it is)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return float(a) == float(b)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_json(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same_json(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


def parties_args(manifest, spec):
    party = manifest["parties"].get(spec["party"], {"party": spec["party"]})
    args = ["--party", party["party"]]
    for key in ("role", "business_name", "operator_id", "default_time_zone"):
        if key in party:
            args += ["--set", f"{key}={party[key]}"]
    return args


def run_case(bridge, data_dir, manifest, case, direction, spec):
    kind, shape = case["object"], case.get("shape", "object")
    up = direction == "up"
    args = [bridge, "translate", "--object", kind, "--from", V211 if up else V221, "--to", V221 if up else V211,
            "--now", manifest["now"]] + parties_args(manifest, spec)
    if shape == "patch":
        args.append("--patch")
    elif shape == "list":
        args.append("--list")
    if spec.get("owner"):
        args += ["--owner", spec["owner"]]
    if spec.get("recipient"):
        args += ["--recipient", spec["recipient"]]
    for flag, key in (("--sender", "sender"), ("--command", "command"), ("--token-uid", "token_uid"),
                      ("--context", "context")):
        if spec.get(key):
            args += [flag, os.path.join(data_dir, spec[key]) if key == "context" else spec[key]]
    with open(os.path.join(data_dir, case["case"] + (".v211.json" if up else ".v221.json")), "rb") as fh:
        return subprocess.run(args, input=fh.read(), capture_output=True, timeout=60)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bridge", required=True)
    ap.add_argument("--data", default=DEFAULT_DATA)
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args()
    data_dir = os.path.abspath(a.data)
    with open(os.path.join(data_dir, "golden_cases.json"), encoding="utf-8") as fh:
        manifest = json.load(fh)
    checker = Checker(data_dir, load_schemas(os.path.join(data_dir, "schemas")))

    jobs = [(case, d, case[d]) for case in manifest["cases"] for d in ("up", "down") if d in case]
    # The bridge processes mostly wait (start-up of a large ASan binary): run several at once.
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda j: run_case(a.bridge, data_dir, manifest, *j), jobs))

    pairs, translations, expected_checked = len(manifest["cases"]), len(jobs), 0
    for (case, direction, spec), r in zip(jobs, results):
        kind, shape = case["object"], case.get("shape", "object")
        name = case["case"].split("/")[-1]
        target = V221 if direction == "up" else V211
        what = f"{case['case']} {direction}"
        stderr = r.stderr.decode(errors="replace")
        if spec.get("refused"):
            if r.returncode != 2 or f" {spec['refused']}: " not in stderr:
                checker.failures.append(f"{what}: expected a refusal at {spec['refused']}, got exit {r.returncode}: {stderr}")
            continue
        if r.returncode != 0:
            checker.failures.append(f"{what}: exit {r.returncode}: {stderr}")
            continue
        if spec.get("suppressed"):
            if r.stdout.strip() or "suppressed" not in stderr:
                checker.failures.append(f"{what}: expected the object to be suppressed")
            continue
        out = json.loads(r.stdout)
        expected_file = spec.get("expected", case["case"] + (".v221.json" if direction == "up" else ".v211.json"))
        with open(os.path.join(data_dir, expected_file), encoding="utf-8") as fh:
            expected = json.load(fh)
        # `adds`: members the translation adds that the expected file lacks (a PATCH going up
        # gets last_updated; a legacy CPO's business name fills a missing operator, 3.1.2).
        added = [k for k in spec.get("adds", []) if k not in expected]
        compared = {k: v for k, v in out.items() if k not in added} if isinstance(out, dict) else out
        if not same_json(compared, expected):
            checker.failures.append(f"{what}: output differs from {expected_file}:\n  got      {json.dumps(out)[:600]}"
                                    f"\n  expected {json.dumps(expected)[:600]}")
        checker.validate(f"{what} output", name, kind, target, shape, out)
        checker.validate(f"{expected_file} (expected)", name, kind, target, shape, expected)
        expected_checked += 1

    # Data the simulators serve as real peers would: validated as they are.
    for doc in manifest.get("documents", []):
        with open(os.path.join(data_dir, doc["file"]), encoding="utf-8") as fh:
            body = json.load(fh)
        version = V211 if doc["file"].endswith(".v211.json") else V221
        checker.validate(doc["file"], os.path.basename(doc["file"]), doc["object"], version, doc.get("shape", "object"), body)

    # Every versioned file of tests/data is a case input, an expected output or a document: a new
    # pair missing from golden_cases.json would otherwise escape this test unnoticed.
    named = {d["file"] for d in manifest.get("documents", [])}
    for case, direction, spec in jobs:
        named.add(case["case"] + (".v211.json" if direction == "up" else ".v221.json"))
        if not spec.get("refused") and not spec.get("suppressed"):
            named.add(spec.get("expected", case["case"] + (".v221.json" if direction == "up" else ".v211.json")))
    for d, _, files in os.walk(data_dir):
        if os.path.relpath(d, data_dir).split(os.sep)[0] == "schemas":
            continue
        for f in files:
            rel = os.path.relpath(os.path.join(d, f), data_dir).replace(os.sep, "/")
            if re.search(r"\.v2[12]1\.json$", f) and rel not in named:
                checker.failures.append(f"{rel} is in no case of golden_cases.json")

    unused = [EXCEPTIONS[i] for i in range(len(EXCEPTIONS)) if i not in checker.used_exceptions]
    for ex in unused:
        checker.failures.append(f"exception no longer needed (remove it): {ex['kind']} {ex['version']} {ex['path']} {ex['keyword']}")
    for i, ex in enumerate(EXCEPTIONS):
        hits = [line for n, line in checker.exceptions_applied if n == i]
        print(f"exception {i + 1}: {ex['kind']} {ex['version']} {ex['keyword']} at {ex['path']} "
              f"({len(hits)} findings): {ex['why']}")
        for line in hits if a.verbose else []:
            print("   ", line)
    for f in checker.failures:
        print("FAIL", f)
    single = sum(1 for _, _, spec in jobs if spec.get("refused") or spec.get("suppressed"))
    print(f"schemas: {pairs} golden cases ({pairs - single} pairs, {single} inputs refused or suppressed), "
          f"{translations} translations run, {checker.validated} documents schema-validated ({expected_checked} outputs, "
          f"{expected_checked} expected files, {len(manifest.get('documents', []))} peer data files), "
          f"{len(checker.exceptions_applied)} schema findings excepted by {len(EXCEPTIONS)} documented exceptions")
    return 1 if checker.failures else 0


if __name__ == "__main__":
    sys.exit(main())
