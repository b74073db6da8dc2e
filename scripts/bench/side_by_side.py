"""Prints two servers measured in turn by scripts/bench.sh side by side: medians of the rounds,
and the medians of the rounds' differences (p50, p99 at 1 connection) and CPU ratios, which
cancel most of what the machine's neighbours add to both.
Usage: side_by_side.py TITLE BASE_LABEL OTHER_LABEL ROUNDS TAIL_LINE BASE1 OTHER1 BASE64 OTHER64
(each run list: "req/s p50 p99 cpu;" per round)."""
import statistics
import sys

title, base_label, other_label, rounds, tail_line = sys.argv[1:6]
base1, other1, base64, other64 = ([tuple(map(float, run.split())) for run in value.split(";") if run] for value in sys.argv[6:10])
median = statistics.median


def listed(values, form):
    return ", ".join(form.format(value) for value in values)


print(f"\n{title}, medians of {rounds} rounds:")
print(f"  {'':28} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'µs CPU/request':>15}")
for label, base, other in (("1 connection", base1, other1), ("64 connections", base64, other64)):
    for state, runs in ((base_label, base), (other_label, other)):
        rps, p50, p99, cpu = (median(column) for column in zip(*runs))
        print(f"  {label + ' ' + state:28} {rps:9.0f} {p50:8.3f} {p99:8.3f} {cpu:15.1f}")
p50_gaps = [o[1] - b[1] for b, o in zip(base1, other1)]
p99_gaps = [o[2] - b[2] for b, o in zip(base1, other1)]
cpu1 = [o[3] / b[3] for b, o in zip(base1, other1)]
cpu64 = [o[3] / b[3] for b, o in zip(base64, other64)]
versus = f"{other_label} - {base_label}"
print(f"p99 at 1 connection, {versus}: {median(p99_gaps):+.3f} ms (rounds {listed(p99_gaps, '{:+.3f}')}) (target <= +0.1)")
print(f"p50 at 1 connection, {versus}: {median(p50_gaps):+.3f} ms (rounds {listed(p50_gaps, '{:+.3f}')}) (target <= +0.05)")
print(f"server CPU per request, {other_label} / {base_label}: {median(cpu1):.2f}x at 1 connection (rounds {listed(cpu1, '{:.2f}')}), "
      f"{median(cpu64):.2f}x at 64 connections (rounds {listed(cpu64, '{:.2f}')}) (target <= 1.1x at 64)")
gaps1 = [o[3] - b[3] for b, o in zip(base1, other1)]
gaps64 = [o[3] - b[3] for b, o in zip(base64, other64)]
print(f"server CPU per request, {versus}: {median(gaps1):+.1f} µs at 1 connection (rounds {listed(gaps1, '{:+.1f}')}), "
      f"{median(gaps64):+.1f} µs at 64 connections (rounds {listed(gaps64, '{:+.1f}')})")
share = median(o[0] / b[0] for b, o in zip(base64, other64)) * 100
print(f"req/s at 64 connections, {other_label} / {base_label}: {share:.0f}%; {tail_line}")
