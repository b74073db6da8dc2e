"""Checks for scripts/e2e-dashboard.sh on the DOM Chromium dumped after the page's script ran.

Usage: dashboard_dom.py WIDE.html NARROW.html. Prints one line per check, `ok NAME` or
`FAIL NAME: why`, with what it found, so the shell script can grep for `ok NAME`.
"""
import re
import sys
from html.parser import HTMLParser


class Tracking(HTMLParser):
    """Every element as [tag, attributes, route, text]: route is the routes-table row it sits
    in (named by its `.route-name`), text the text directly inside it."""

    def __init__(self):
        super().__init__()
        self.rows = []
        self.route = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.route = None
        self.rows.append([tag, dict(attrs), self.route, ""])

    def handle_data(self, data):
        if not self.rows:
            return
        if self.rows[-1][1].get("class") == "route-name":
            self.route = data.strip()
            self.rows[-1][2] = self.route
        self.rows[-1][3] += data


def parse(path):
    parser = Tracking()
    parser.feed(open(path, encoding="utf-8").read())
    return parser.rows


def report(name, passed, detail):
    print(("ok " if passed else "FAIL ") + name + ("" if passed else ": " + detail) + "    [" + detail + "]")


def main():
    wide, narrow = parse(sys.argv[1]), parse(sys.argv[2])
    quotas = [(r[2], r[1].get("data-kind"), r[1].get("data-remaining"), r[1].get("data-limit")) for r in wide if r[1].get("class") == "quota"]
    print("quota bars: " + "; ".join(f"{route} {kind} {remaining}/{limit or '?'}" for route, kind, remaining, limit in quotas))

    qwen = [q for q in quotas if q[0] == "qwen-echo" and q[1] == "rpm"]
    # 11 calls within the minute leave 9; more only if a minute passed on a slow machine.
    report("qwen-rpm", len(qwen) == 1 and qwen[0][3] == "20" and 9 <= int(qwen[0][2]) < 20, str(qwen))

    learned = {q[1]: q for q in quotas if q[0] == "limited-upstream"}
    requests, tokens = learned.get("req (hdr)"), learned.get("tok (hdr)")
    report("learned-bars", requests is not None and requests[2:] == ("0", "5") and tokens is not None and tokens[3] == "60000", str(learned))

    # The countdown is the first `.countdown` inside the cool-down cell.
    cool = []
    for index, r in enumerate(wide):
        if r[1].get("class") == "cooldown":
            clock = next((c[3] for c in wide[index:] if c[1].get("class") == "countdown"), "")
            cool.append((r[2], r[1].get("data-reason"), clock))
    countdown = re.compile(r"\d+ (s|min)")
    report("cool-down", any(route == "limited-upstream" and reason == "remaining_zero" and countdown.search(text) for route, reason, text in cool), str(cool))

    shares = {r[2]: (r[1].get("data-count"), r[1].get("data-share")) for r in wide if r[1].get("class") == "share-cell"}
    limited = shares.get("limited-upstream")
    report("share", limited is not None and limited[0] == "5" and 0 < float(limited[1]) < 100, str(shares))

    legend = [r[3] for r in wide if r[0] == "span" and r[1].get("class") == "choice"]
    bars = sum(int(r[1].get("data-count", 0)) for r in wide if r[0] == "rect" and r[1].get("data-label") == "rule:prefer-upstream")
    report("rule-chart", "rule:prefer-upstream 10" in legend and bars == 10, f"legend {legend}, bar total {bars}")

    for name, rows in (("fit-wide", wide), ("fit-narrow", narrow)):
        fits = {r[1].get("id"): r[1].get("data-fit") for r in rows if "data-fit" in r[1]}
        page = next((r[1].get("data-page-fit") for r in rows if r[0] == "body"), None)
        report(name, len(fits) == 3 and all(v == "yes" for v in fits.values()) and page == "yes", f"tables {fits}, page {page}")


main()
