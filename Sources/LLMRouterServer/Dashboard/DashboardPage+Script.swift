extension DashboardPage {
    /// Fetching, charts and the generic table; `refresh()` loads every source, then renders
    /// the routes with the summary's share of traffic, then marks whether each table fits.
    static let script = #"""
const key = new URLSearchParams(location.hash.slice(1)).get("key");
const headers = key ? { Authorization: "Bearer " + key } : {};
const SVGNS = "http://www.w3.org/2000/svg";
const palette = ["#2f6fde", "#e8871e", "#2c9a5b", "#9b51e0", "#d64545", "#1aa3a3", "#b58b00", "#7a869a"];

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

// An element holding the given children (nodes, strings; null and "" left out).
function box(tag, attrs, children) {
  const node = el(tag, attrs);
  for (const child of children) if (child !== null && child !== undefined && child !== "") node.append(child);
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

// Grid, value labels and time labels; returns the x and y scales.
function axes(svg, times, max) {
  while (svg.firstChild) svg.removeChild(svg.firstChild);
  const width = svg.clientWidth || 400, height = svg.clientHeight || 160;
  const left = 40, right = 8, top = 8, bottom = 18;
  svg.setAttribute("viewBox", "0 0 " + width + " " + height);
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
  return { x, y, step };
}

// A line or bar chart of per-minute series; series: [{values, color, bars}].
function chart(svg, times, series) {
  const all = series.flatMap(s => s.values.filter(v => v !== null && v !== undefined));
  const { x, y, step } = axes(svg, times, Math.max(1, ...all) * 1.1);
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

// Stacked bars per minute, one colour per label (`rule:NAME`, `auto:TIER`), most used first.
function stackedChart(svg, legend, times, counts, totals) {
  const labels = Object.keys(totals).sort((a, b) => totals[b] - totals[a] || a.localeCompare(b));
  const color = label => palette[labels.indexOf(label) % palette.length];
  const heights = counts.map(c => Object.values(c || {}).reduce((a, b) => a + b, 0));
  const { x, y, step } = axes(svg, times, Math.max(1, ...heights) * 1.1);
  counts.forEach((c, i) => {
    let base = 0;
    for (const label of labels) {
      const v = (c || {})[label];
      if (!v) continue;
      const rect = svgEl("rect", { x: x(i) - step * 0.4, y: y(base + v), width: Math.max(1, step * 0.8), height: y(base) - y(base + v), fill: color(label), "data-label": label, "data-count": v });
      rect.appendChild(svgEl("title", {})).textContent = label + ": " + v;
      svg.appendChild(rect);
      base += v;
    }
  });
  legend.replaceChildren();
  if (!labels.length) { legend.textContent = "no rule matched and no auto tier in the last hour"; return; }
  for (const label of labels) {
    legend.append(box("span", { class: "nowrap" }, [
      el("i", { class: "box", style: "background:" + color(label) }),
      el("span", { class: "choice", "data-label": label }, label + " " + fmt(totals[label], 0)),
    ]));
  }
}

// A table from objects; columns: [{label, key?, render?, cls?}]. Each cell holds one element
// (so narrow screens can put the column's name beside it).
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
      const td = el("td", { "data-label": c.label, class: c.cls || "" });
      const value = c.render ? c.render(row) : row[c.key];
      const cell = value instanceof Node ? value : el("span", {}, value === null || value === undefined ? "" : String(value));
      td.appendChild(cell);
      tr.appendChild(td);
    }
    body.appendChild(tr);
  }
  return t;
}

function pill(text, kind) { return el("span", { class: "pill " + (kind || "") }, text); }

function show(id, node) { document.getElementById(id).replaceChildren(node); }

// Records in the DOM whether each table fits its card and the page its window, for people
// and for the browser check in scripts/e2e-dashboard.sh.
function markFit() {
  for (const node of document.querySelectorAll(".fit")) {
    node.dataset.fit = node.scrollWidth <= node.clientWidth + 1 ? "yes" : "no " + node.scrollWidth + ">" + node.clientWidth;
  }
  const page = document.documentElement;
  document.body.dataset.pageFit = page.scrollWidth <= page.clientWidth + 1 ? "yes" : "no " + page.scrollWidth + ">" + page.clientWidth;
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
  stackedChart(document.getElementById("chart-choices"), document.getElementById("choices-legend"), times, b.map(x => x.choices), summary.choices_last_hour || {});
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

function renderRequests(list) {
  show("requests", table(list.requests || [], [
    { label: "time", render: r => new Date(r.started_at).toLocaleTimeString(), cls: "nowrap" },
    { label: "request id", key: "request_id", cls: "id" },
    { label: "endpoint", key: "endpoint" },
    { label: "model", key: "model" },
    { label: "provider", key: "provider" },
    { label: "rule", key: "rule" },
    { label: "status", render: r => pill(r.status + (r.error_code ? " " + r.error_code : ""), r.status < 400 && !r.error_code ? "ok" : "bad") },
    { label: "stream", render: r => r.stream ? "yes" : "" },
    { label: "latency ms", render: r => fmt(r.latency_ms, 1), cls: "num" },
    { label: "ttft ms", render: r => fmt(r.ttft_ms, 1), cls: "num" },
    { label: "tokens in/out", render: r => (r.prompt_tokens ?? "–") + " / " + (r.completion_tokens ?? "–"), cls: "num" },
    { label: "attempts", render: r => r.attempts.join("; "), cls: "any" },
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
  const sources = { summary: "/dashboard/api/summary", requests: "/dashboard/api/requests?limit=50", routes: "/health/providers", models: "/v1/models" };
  const loaded = {}, failures = [];
  await Promise.all(Object.entries(sources).map(async ([name, path]) => {
    try { loaded[name] = await getJSON(path); } catch (error) { failures.push(name + ": " + error.message); }
  }));
  const renders = [
    ["summary", () => renderSummary(loaded.summary)],
    ["requests", () => renderRequests(loaded.requests)],
    ["routes", () => renderRoutes(loaded.routes, loaded.summary)],
    ["models", () => renderModels(loaded.models)],
  ];
  for (const [name, render] of renders) {
    if (!loaded[name]) continue;
    try { render(); } catch (error) { failures.push(name + ": " + error.message); }
  }
  tickCountdowns();
  markFit();
  const status = document.getElementById("status");
  status.textContent = failures.length ? "could not load " + failures.join("; ") : "updated " + new Date().toLocaleTimeString();
  status.className = failures.length ? "status error" : "status";
}
"""#
}
