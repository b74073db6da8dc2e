/// The dashboard page: HTML, CSS and script in one string, so it works offline and behind any
/// proxy. Its charts are SVG drawn by the script; it reads `/dashboard/api/summary`,
/// `/dashboard/api/requests`, `/health/providers` and `/v1/models` every 5 seconds. Provider
/// fields it does not know are shown as they come (under a route's "more"), so new health
/// fields need no page change. An access key can be given as `#key=...` in the address; it is
/// sent as a bearer token.
///
/// The parts live in their own files: ``style`` (layout that fits 1,400 px and collapses the
/// tables into cards on narrow screens), ``script`` (fetching, charts, tables) and
/// ``routesScript`` (per route: quota bars, cool-down countdown, breaker, share of traffic).
enum DashboardPage {
    static let html = """
    <!doctype html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>llmrouter dashboard</title>
    <style>
    \(style)
    </style>
    </head>
    <body>
    \(body)
    <script>
    "use strict";
    \(script)
    \(routesScript)
    refresh();
    setInterval(refresh, 5000);
    setInterval(tickCountdowns, 1000);
    </script>
    </body>
    </html>
    """

    /// The page's markup; the script fills the elements by id.
    static let body = #"""
<header><h1>llmrouter</h1><span class="status" id="status">loading…</span></header>
<main>
  <section class="tiles">
    <div class="tile"><div class="label">Requests (since start)</div><div class="value" id="total-requests">–</div></div>
    <div class="tile"><div class="label">Last hour</div><div class="value" id="hour-requests">–</div></div>
    <div class="tile"><div class="label">Requests / s</div><div class="value" id="rps">–</div></div>
    <div class="tile"><div class="label">Error rate</div><div class="value" id="error-rate">–</div></div>
    <div class="tile"><div class="label">Failover rate</div><div class="value" id="failover-rate">–</div></div>
    <div class="tile"><div class="label">Cache hits, last hour</div><div class="value" id="cache-hits">–</div></div>
    <div class="tile"><div class="label">Routes enabled</div><div class="value" id="routes-enabled">–</div></div>
    <div class="tile"><div class="label">Last hour by endpoint</div><div class="value list" id="endpoint-requests">–</div></div>
  </section>
  <section class="charts">
    <div class="card"><h2>Requests per minute<span class="legend"><i style="background:var(--blue)"></i>requests<i style="background:var(--red)"></i>errors<i style="background:var(--orange)"></i>failovers</span></h2><svg id="chart-requests"></svg></div>
    <div class="card"><h2>Rule hits and auto tiers per minute<span class="legend" id="choices-legend"></span></h2><svg id="chart-choices"></svg></div>
    <div class="card"><h2>Latency, ms<span class="legend"><i style="background:var(--blue)"></i>p50<i style="background:var(--orange)"></i>p95</span></h2><svg id="chart-latency"></svg></div>
    <div class="card"><h2>Time to first token, ms<span class="legend"><i style="background:var(--blue)"></i>p50<i style="background:var(--orange)"></i>p95</span></h2><svg id="chart-ttft"></svg></div>
    <div class="card"><h2>Error and failover rate, %<span class="legend"><i style="background:var(--red)"></i>errors<i style="background:var(--orange)"></i>failovers</span></h2><svg id="chart-rates"></svg></div>
  </section>
  <section class="card"><h2>Routes<span class="legend">quota left of each limit (configured, or from the upstream's headers) · cool-down · breaker · share of the last hour's answers</span></h2><div class="fit" id="routes"></div></section>
  <section class="card scroll"><h2>Recent requests</h2><div class="fit" id="requests"></div></section>
  <section class="card"><h2>Models</h2><div class="fit" id="models"></div></section>
</main>
"""#
}
