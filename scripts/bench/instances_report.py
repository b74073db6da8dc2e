"""Tables of scripts/bench-instances.sh. Exits 3 when a check fails.

  instances_report.py freetier SCENARIO:SETUP:SUMMARY...
      SETUP one (1 instance, the reference), three (3 instances, no database) or shared (3 sharing
      PostgreSQL); SUMMARY the --summary JSON of freetier_scenario.py (missing: the run failed).
      Prints one row per run and, per scenario, PASS/FAIL: the 3 sharing provoke no more upstream
      429s than the 1 alone.
  instances_report.py killed WRK_OUTPUT
      wrk --latency output of the run during which the database was killed: answered/sent, the
      failures the client saw (PASS: none), p50/p99/max latency.
"""
import json
import os
import re
import sys

SETUPS = {"one": "1 instance", "three": "3 instances, no database", "shared": "3 instances, shared database"}


def freetier(specs):
    runs = {}
    for spec in specs:
        scenario, setup, path = spec.split(":", 2)
        runs.setdefault(scenario, {})[setup] = json.load(open(path)) if os.path.exists(path) else None
    print("\n== free tiers through nginx round-robin (3 fakes, 5 calls per 5 s each)")
    print(f"   {'scenario':<18}{'setup':<31}{'answered/sent':>14}{'upstream 429s':>15}{'cooled calls':>14}{'p50/p95 ms':>18}")
    failed = False
    for scenario, setups in runs.items():
        for setup, label in SETUPS.items():
            if setup not in setups:
                continue
            run = setups[setup]
            if run is None:
                print(f"   {scenario:<18}{label:<31}{'did not run':>14}")
                continue
            latency = "-" if run["p50_ms"] is None else f"{run['p50_ms']:.0f}/{run['p95_ms']:.0f}"
            print(f"   {scenario:<18}{label:<31}{run['answered']:>7}/{run['sent']:<6}{run['upstream_429s']:>15}"
                  f"{run['cooled_calls']:>14}{latency:>18}")
        one, shared = setups.get("one"), setups.get("shared")
        if one is None or shared is None:
            print(f"   FAIL {scenario}: a run is missing, 429s not compared")
            failed = True
            continue
        passed = shared["upstream_429s"] <= one["upstream_429s"]
        failed |= not passed
        print(f"   {'PASS' if passed else 'FAIL'} {scenario}: 3 sharing provoke no more upstream 429s than 1 alone "
              f"({shared['upstream_429s']} vs {one['upstream_429s']})")
    return 3 if failed else 0


def milliseconds(value):
    number, unit = re.match(r"([\d.]+)(us|ms|s|m)$", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def killed(path):
    text = open(path).read()
    done = int(re.search(r"(\d+) requests in", text).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    non_2xx = int(non_2xx.group(1)) if non_2xx else 0
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    connect, read, write, timeout = map(int, errors.groups()) if errors else (0, 0, 0, 0)
    # A request that failed on the socket or timed out got no answer: sent, not done.
    sent = done + read + write + timeout
    answered = done - non_2xx
    failures = sent - answered + connect
    maximum = milliseconds(re.search(r"^\s+Latency\s+\S+\s+\S+\s+(\S+)", text, re.M).group(1))
    p50 = milliseconds(re.search(r"^\s+50%\s+(\S+)", text, re.M).group(1))
    p99 = milliseconds(re.search(r"^\s+99%\s+(\S+)", text, re.M).group(1))
    print(f"   answered/sent        {answered}/{sent} ({answered / max(sent, 1) * 100:.2f}%)")
    print(f"   client failures      {failures} (non-2xx {non_2xx}; socket errors: connect {connect}, read {read}, "
          f"write {write}, timeout {timeout})")
    print(f"   client ms            p50 {p50:.3f}, p99 {p99:.3f}, max {maximum:.1f}")
    print(f"   {'PASS' if failures == 0 else 'FAIL'} 0 client failures with the database killed halfway ({failures})")
    return 0 if failures == 0 else 3


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 2 else ""
    if command == "freetier":
        sys.exit(freetier(sys.argv[2:]))
    if command == "killed":
        sys.exit(killed(sys.argv[2]))
    sys.exit(__doc__)
