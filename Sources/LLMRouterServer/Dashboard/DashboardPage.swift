/// The dashboard page: HTML, CSS and script in one string, so it works offline and behind any
/// proxy. Its charts are SVG drawn by the script; it reads `/dashboard/api/summary`,
/// `/dashboard/api/requests`, `/health/providers` and `/v1/models` every 5 seconds. Provider
/// fields it does not know are shown as they come, so new health fields need no page change.
/// An access key can be given as `#key=...` in the address; it is sent as a bearer token.
enum DashboardPage {
    static let html = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>llmrouter dashboard</title>
<style>
:root { --bg:#f6f7f9; --card:#fff; --ink:#1d2330; --muted:#6b7385; --line:#e3e6ec; --blue:#2f6fde; --orange:#e8871e; --red:#d64545; --green:#2c9a5b; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background:var(--bg); color:var(--ink); }
header { display:flex; align-items:baseline; gap:16px; padding:14px 24px; background:#1d2330; color:#fff; }
header h1 { margin:0; font-size:18px; font-weight:600; }
header .status { color:#aab3c5; font-size:12px; }
main { padding:16px 24px 32px; display:grid; gap:16px; }
.tiles { display:grid; grid-template-columns:repeat(auto-fit,minmax(150px,1fr)); gap:12px; }
.tile, .card { background:var(--card); border:1px solid var(--line); border-radius:8px; }
.tile { padding:12px 14px; }
.tile .label { color:var(--muted); font-size:12px; text-transform:uppercase; letter-spacing:.04em; }
.tile .value { font-size:24px; font-weight:600; margin-top:4px; font-variant-numeric:tabular-nums; }
.tile .value.list { font-size:14px; line-height:1.5; }
.charts { display:grid; grid-template-columns:repeat(auto-fit,minmax(380px,1fr)); gap:12px; }
.card { padding:12px 14px; overflow:auto; }
.card.scroll { max-height:520px; }
.card h2 { margin:0 0 8px; font-size:14px; font-weight:600; }
.legend { font-size:12px; color:var(--muted); margin-left:8px; font-weight:400; }
.legend i { display:inline-block; width:10px; height:3px; margin:0 4px 2px 10px; vertical-align:middle; }
svg { display:block; width:100%; height:160px; }
svg text { font-size:10px; fill:var(--muted); }
table { border-collapse:collapse; width:100%; font-size:12px; }
th, td { text-align:left; padding:5px 8px; border-bottom:1px solid var(--line); white-space:nowrap; vertical-align:top; }
th { color:var(--muted); font-weight:600; position:sticky; top:0; background:var(--card); }
td.num { text-align:right; font-variant-numeric:tabular-nums; }
.pill { display:inline-block; padding:1px 7px; border-radius:10px; font-size:11px; background:#eef1f6; }
.ok { background:#e3f4ea; color:var(--green); } .bad { background:#fbe5e5; color:var(--red); } .warn { background:#fdf0df; color:#b0600a; }
.empty { color:var(--muted); font-style:italic; }
.error { color:var(--red); }
</style>
</head>
<body>
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
    <div class="card"><h2>Latency, ms<span class="legend"><i style="background:var(--blue)"></i>p50<i style="background:var(--orange)"></i>p95</span></h2><svg id="chart-latency"></svg></div>
    <div class="card"><h2>Time to first token, ms<span class="legend"><i style="background:var(--blue)"></i>p50<i style="background:var(--orange)"></i>p95</span></h2><svg id="chart-ttft"></svg></div>
    <div class="card"><h2>Error and failover rate, %<span class="legend"><i style="background:var(--red)"></i>errors<i style="background:var(--orange)"></i>failovers</span></h2><svg id="chart-rates"></svg></div>
  </section>
  <section class="card"><h2>Routes</h2><div id="routes"></div></section>
  <section class="card scroll"><h2>Recent requests</h2><div id="requests"></div></section>
  <section class="card"><h2>Models</h2><div id="models"></div></section>
</main>
<script>
"use strict";
const key = new URLSearchParams(location.hash.slice(1)).get("key");
const headers = key ? { Authorization: "Bearer " + key } : {};
const SVGNS = "http://www.w3.org/2000/svg";

async function getJSON(path) {
  const response = await fetch(path, { headers, cache: "no-store" });
  if (!response.ok) throw new Error(path + ": HTTP " + response.status);
  return response.json();
}

function el(tag, attrs, text) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, value);
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function svgEl(tag, attrs) {
  const node = document.createElementNS(SVGNS, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  return node;
}

function fmt(value, digits) {
  if (value === null || value === undefined || Number.isNaN(value)) return "–";
  return Number(value).toLocaleString(undefined, { maximumFractionDigits: digits === undefined ? 1 : digits });
}

function percent(rate) { return fmt(rate * 100, 1) + "%"; }

// A line or bar chart of per-minute series; series: [{values, color, bars}].
function chart(svg, times, series) {
  while (svg.firstChild) svg.removeChild(svg.firstChild);
  const width = svg.clientWidth || 400, height = svg.clientHeight || 160;
  const left = 40, right = 8, top = 8, bottom = 18;
  svg.setAttribute("viewBox", "0 0 " + width + " " + height);
  const all = series.flatMap(s => s.values.filter(v => v !== null && v !== undefined));
  const max = Math.max(1, ...all) * 1.1;
  const n = Math.max(1, times.length);
  const step = (width - left - right) / n;
  const x = i => left + i * step + step / 2;
  const y = v => top + (height - top - bottom) * (1 - v / max);
  for (let k = 0; k <= 4; k++) {
    const value = max * k / 4, py = y(value);
    svg.appendChild(svgEl("line", { x1: left, x2: width - right, y1: py, y2: py, stroke: "#e3e6ec" }));
    const label = svgEl("text", { x: left - 4, y: py + 3, "text-anchor": "end" });
    label.textContent = fmt(value, value < 10 ? 1 : 0);
    svg.appendChild(label);
  }
  for (let i = 0; i < times.length; i += 15) {
    const label = svgEl("text", { x: x(i), y: height - 4, "text-anchor": "middle" });
    label.textContent = new Date(times[i]).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    svg.appendChild(label);
  }
  for (const s of series) {
    if (s.bars) {
      s.values.forEach((v, i) => {
        if (!v) return;
        svg.appendChild(svgEl("rect", { x: x(i) - step * 0.4, y: y(v), width: Math.max(1, step * 0.8), height: y(0) - y(v), fill: s.color, opacity: s.opacity || 1 }));
      });
      continue;
    }
    let path = "", open = false;
    s.values.forEach((v, i) => {
      if (v === null || v === undefined) { open = false; return; }
      path += (open ? "L" : "M") + x(i).toFixed(1) + " " + y(v).toFixed(1) + " ";
      open = true;
      svg.appendChild(svgEl("circle", { cx: x(i), cy: y(v), r: 2, fill: s.color }));
    });
    if (path) svg.appendChild(svgEl("path", { d: path, fill: "none", stroke: s.color, "stroke-width": 2 }));
  }
}

// A table from objects; columns: [{key, label, render?, num?}].
function table(rows, columns, emptyText) {
  if (!rows.length) return el("div", { class: "empty" }, emptyText);
  const t = el("table");
  const head = el("tr");
  for (const c of columns) head.appendChild(el("th", {}, c.label));
  t.appendChild(el("thead")).appendChild(head);
  const body = t.appendChild(el("tbody"));
  for (const row of rows) {
    const tr = el("tr");
    for (const c of columns) {
      const td = el("td", c.num ? { class: "num" } : {});
      const value = c.render ? c.render(row) : row[c.key];
      if (value instanceof Node) td.appendChild(value); else td.textContent = value === null || value === undefined ? "" : String(value);
      tr.appendChild(td);
    }
    body.appendChild(tr);
  }
  return t;
}

function pill(text, kind) { return el("span", { class: "pill " + (kind || "") }, text); }

function show(id, node) {
  const box = document.getElementById(id);
  box.replaceChildren(node);
}

// Any value as short text: objects as key=value pairs, so new provider fields show as they come.
function text(value) {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) return value.map(text).join(", ");
  if (typeof value === "object") return Object.entries(value).map(([k, v]) => k + "=" + text(v)).join(" ");
  if (typeof value === "number") return fmt(value, 2);
  return String(value);
}

function renderSummary(summary) {
  document.getElementById("total-requests").textContent = fmt(summary.total_requests, 0);
  document.getElementById("hour-requests").textContent = fmt(summary.requests_last_hour, 0);
  document.getElementById("rps").textContent = fmt(summary.requests_per_second, 2);
  document.getElementById("error-rate").textContent = percent(summary.error_rate);
  document.getElementById("failover-rate").textContent = percent(summary.failover_rate);
  document.getElementById("cache-hits").textContent = fmt(summary.cache_hits_last_hour, 0) + " · " + percent(summary.cache_hit_rate);
  const used = Object.entries(summary.requests_by_endpoint || {}).filter(([, count]) => count > 0);
  document.getElementById("endpoint-requests").textContent = used.length ? used.map(([name, count]) => name + " " + fmt(count, 0)).join(" · ") : "–";
  const b = summary.buckets, times = b.map(x => x.minute);
  chart(document.getElementById("chart-requests"), times, [
    { values: b.map(x => x.requests), color: "#2f6fde", bars: true, opacity: 0.85 },
    { values: b.map(x => x.errors), color: "#d64545", bars: true },
    { values: b.map(x => x.requests ? x.failovers : null), color: "#e8871e" },
  ]);
  chart(document.getElementById("chart-latency"), times, [
    { values: b.map(x => x.latency_p50_ms), color: "#2f6fde" },
    { values: b.map(x => x.latency_p95_ms), color: "#e8871e" },
  ]);
  chart(document.getElementById("chart-ttft"), times, [
    { values: b.map(x => x.ttft_p50_ms), color: "#2f6fde" },
    { values: b.map(x => x.ttft_p95_ms), color: "#e8871e" },
  ]);
  chart(document.getElementById("chart-rates"), times, [
    { values: b.map(x => x.requests ? 100 * x.errors / x.requests : null), color: "#d64545" },
    { values: b.map(x => x.requests ? 100 * x.failovers / x.requests : null), color: "#e8871e" },
  ]);
}

const knownRouteFields = ["name", "type", "priority", "model", "canonical_model", "status", "state"];

function renderRoutes(list) {
  const providers = list.providers || [];
  document.getElementById("routes-enabled").textContent = providers.filter(p => p.status === "enabled").length + " / " + providers.length;
  const extra = [];
  for (const p of providers) for (const k of Object.keys(p)) if (!knownRouteFields.includes(k) && !extra.includes(k)) extra.push(k);
  const columns = [
    { label: "route", render: p => el("strong", { class: "route-name" }, p.name) },
    { label: "type", key: "type" },
    { label: "priority", key: "priority", num: true },
    { label: "model", render: p => p.canonical_model || p.model || "*" },
    { label: "status", render: p => pill(p.status, p.status === "enabled" ? "ok" : "bad") },
    { label: "breaker", render: p => p.state ? pill(p.state, p.state === "closed" ? "ok" : p.state === "open" ? "bad" : "warn") : "" },
  ].concat(extra.map(k => ({ label: k.replace(/_/g, " "), render: p => text(p[k]) })));
  show("routes", table(providers, columns, "no routes"));
}

function renderRequests(list) {
  show("requests", table(list.requests || [], [
    { label: "time", render: r => new Date(r.started_at).toLocaleTimeString() },
    { label: "request id", key: "request_id" },
    { label: "endpoint", key: "endpoint" },
    { label: "model", key: "model" },
    { label: "provider", key: "provider" },
    { label: "status", render: r => pill(r.status + (r.error_code ? " " + r.error_code : ""), r.status < 400 && !r.error_code ? "ok" : "bad") },
    { label: "stream", render: r => r.stream ? "yes" : "" },
    { label: "latency ms", render: r => fmt(r.latency_ms, 1), num: true },
    { label: "ttft ms", render: r => fmt(r.ttft_ms, 1), num: true },
    { label: "tokens in/out", render: r => (r.prompt_tokens ?? "–") + " / " + (r.completion_tokens ?? "–"), num: true },
    { label: "attempts", render: r => r.attempts.join("; ") },
    { label: "key", key: "key_name" },
  ], "no requests yet"));
}

function renderModels(list) {
  show("models", table(list.data || [], [
    { label: "model", render: m => el("strong", {}, m.id) },
    { label: "aliases", render: m => (m.aliases || []).join(", ") },
    { label: "providers", render: m => (m.providers || []).map(p => p.name + (p.enabled === false ? " (disabled)" : "")).join(", ") },
  ], "no models"));
}

async function refresh() {
  const parts = [
    ["summary", "/dashboard/api/summary", renderSummary],
    ["requests", "/dashboard/api/requests?limit=50", renderRequests],
    ["routes", "/health/providers", renderRoutes],
    ["models", "/v1/models", renderModels],
  ];
  const failures = [];
  await Promise.all(parts.map(async ([name, path, render]) => {
    try { render(await getJSON(path)); } catch (error) { failures.push(name + ": " + error.message); }
  }));
  const status = document.getElementById("status");
  status.textContent = failures.length ? "could not load " + failures.join("; ") : "updated " + new Date().toLocaleTimeString();
  status.className = failures.length ? "status error" : "status";
}

refresh();
setInterval(refresh, 5000);
</script>
</body>
</html>
"""#
}
