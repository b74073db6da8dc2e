"""What the SDK check scripts share: the check decorator, the fakes' /_stats, the summary line."""
import json
import sys
import urllib.request

results = []


def check(name):
    """Runs the decorated function at once as one named check; a failure is reported, not raised."""
    def run(function):
        try:
            function()
            results.append((name, None))
            print(f"ok   {name}")
        except Exception as error:  # noqa: BLE001 - report every failure and go on
            results.append((name, error))
            print(f"FAIL {name}: {type(error).__name__}: {error}")
        return function
    return run


def stats(base):
    """What a fake upstream received (scripts/e2e/fake_upstream.py's GET /_stats)."""
    with urllib.request.urlopen(base + "/_stats", timeout=5) as response:
        return json.load(response)


def finish(label):
    """Prints the 'N passed, N failed' line and exits non-zero on any failure."""
    failed = [name for name, error in results if error]
    print(f"{label}: {len(results) - len(failed)} passed, {len(failed)} failed")
    sys.exit(1 if failed else 0)
