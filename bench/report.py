#!/usr/bin/env python3
"""Result table and RESULT lines of the micro-benchmarks (ocpi_bench --benchmark_format=json).

For every case: the bridge's translation throughput beside simdjson DOM parse and DOM parse +
serialize on the same bytes (and the nlohmann baseline where there is one), as ratios. Throughput
is bytes of input per CPU second (Google Benchmark's bytes_per_second), so a loaded machine skews
the absolute numbers more than the ratios.

Usage: report.py results.json [--table]
"""
import json
import statistics
import sys


def main():
    with open(sys.argv[1], encoding="utf-8") as fh:
        doc = json.load(fh)
    show_table = "--table" in sys.argv
    runs = {}
    for b in doc["benchmarks"]:
        if b.get("run_type", "iteration") != "iteration":
            continue
        kind, _, case = b["name"].partition("/")
        runs.setdefault(case, {}).setdefault(kind, []).append(b["bytes_per_second"])
    # With --benchmark_repetitions each repetition is one entry: the median of them.
    rate = {case: {kind: statistics.median(v) for kind, v in kinds.items()} for case, kinds in runs.items()}

    rows = []
    for case, r in rate.items():
        if "translate" not in r:
            continue
        t = r["translate"]
        rows.append((case, t / 1e6, t / r["simdjson_parse"], t / r["simdjson_parse_serialize"],
                     t / r["nlohmann"] if "nlohmann" in r else None))
    if show_table:
        print(f"{'case':64} {'MB/s':>8} {'/parse':>7} {'/p+ser':>7} {'/nlohmann':>9}")
        for case, mbs, vp, vps, vn in rows:
            print(f"{case[:64]:64} {mbs:8.1f} {vp:7.3f} {vps:7.3f} {'' if vn is None else f'{vn:9.1f}'}")
        print()

    def result(name, value):
        print(f"RESULT {name} {value:.3f}")

    by_case = {case: (vp, vps, vn) for case, _, vp, vps, vn in rows}
    page = by_case.get("generated/location_page_100/down")
    if page:
        result("micro_location_page_100_translate_over_simdjson_parse", page[0])
        result("micro_location_page_100_translate_over_simdjson_parse_serialize", page[1])
        result("micro_location_page_100_translate_over_nlohmann", page[2])
    for case, (vp, vps, vn) in sorted(by_case.items()):
        if case.startswith("generated/") and case != "generated/location_page_100/down":
            name = case.removeprefix("generated/").replace("/", "_")
            result(f"micro_{name}_translate_over_simdjson_parse_serialize", vps)
            if vn is not None:
                result(f"micro_{name}_translate_over_nlohmann", vn)
    golden = [vps for case, (_, vps, _) in by_case.items() if not case.startswith("generated/")]
    if golden:
        result("micro_golden_translate_over_simdjson_parse_serialize_min", min(golden))
        result("micro_golden_translate_over_simdjson_parse_serialize_median", statistics.median(golden))
        print(f"RESULT micro_golden_cases_at_least_simdjson_parse_serialize "
              f"{sum(1 for v in golden if v >= 1.0)}/{len(golden)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
