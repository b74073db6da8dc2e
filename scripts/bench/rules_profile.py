"""Where the rules' cost lands inside the server, per request: reads `perf report --children`
(demangled) on stdin and prints the CPU of each part of rule routing, from the share of the
server's samples whose stack holds it. Arguments: requests served over the profile, total
samples, samples per second."""
import re
import sys

# Each part, by the functions that hold it (specialised copies included, closures inside them
# counted by their outer frame only).
PARTS = [
    ("the rules (20, the last deciding)", ["RoutingTable.decide("]),
    ("auto: classifier and model choice", ["RequestRouter.chooseAuto"]),
    ("the rules' view of the headers", ["static RequestBody.ruleHeaders("]),
    ("X-LLMRouter-Rule/-Policy/-Auto headers", ["static RoutingHeaders.decided(", "AutoChoice.header("]),
]
LINE = re.compile(r"^\s*([\d.]+)%\s+([\d.]+)%\s+\[\.\]\s+(.*)$")


def main() -> None:
    requests, samples, frequency = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
    if requests <= 0 or samples <= 0:
        print("rules profile: no requests or no samples")
        return
    per_request_us = samples / frequency / requests * 1e6
    shares = {name: 0.0 for name, _ in PARTS}
    for line in sys.stdin:
        match = LINE.match(line)
        if not match:
            continue
        children, symbol = float(match.group(1)), match.group(3).removeprefix("specialized ")
        for name, prefixes in PARTS:
            if any(symbol.startswith(prefix) for prefix in prefixes):
                shares[name] += children
    total = 0.0
    print(f"rules profile (perf, 64 connections, {requests} requests, {per_request_us:.1f} µs server CPU per request):")
    for name, _ in PARTS:
        cost = shares[name] / 100 * per_request_us
        total += cost
        print(f"  {name:42} {cost:6.2f} µs  ({shares[name]:.2f}% of the server's CPU)")
    verdict = "met" if total <= 5 else "not met"
    print(f"  {'together':42} {total:6.2f} µs  (target <= 5 µs: {verdict})")


if __name__ == "__main__":
    main()
