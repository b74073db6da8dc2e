"""Reads one wrk --latency output (with a "ticks N" line appended) and prints
"req/s p50_ms p99_ms [cpu_us_per_request]" for scripts/bench.sh.
Usage: wrk_figures.py WRK_OUTPUT CLOCK_TICKS_PER_SECOND"""
import re
import sys

text = open(sys.argv[1]).read()


def ms(value):
    match = re.match(r"([\d.]+)(ns|us|ms|s|m)$", value)
    if not match:
        sys.exit(f"cannot read wrk latency {value!r} in:\n{text}")
    number, unit = match.groups()
    return float(number) * {"ns": 1e-6, "us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
done = int(re.search(r"(\d+) requests in", text).group(1))
ticks = int(re.search(r"^ticks (\d+)", text, re.M).group(1))
p50 = ms(re.search(r"^\s+50%\s+(\S+)", text, re.M).group(1))
p99 = ms(re.search(r"^\s+99%\s+(\S+)", text, re.M).group(1))
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
if errors:
    sys.exit(f"wrk saw {errors.group(1)} non-2xx responses")
cpu = f" {ticks * 1e6 / int(sys.argv[2]) / max(done, 1):.1f}" if ticks else ""
print(f"{rps:.0f} {p50:.3f} {p99:.3f}{cpu}")
