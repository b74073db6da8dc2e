extension DashboardPage {
    /// The routes table, from `/health/providers` and the summary's `requests_by_route`: per
    /// route its quota left as bars (each `.quota` element carries `data-kind`,
    /// `data-remaining` and `data-limit`), a cool-down's countdown and reason, the breaker, the
    /// share of the last hour's answers, and every other field under "more".
    static let routesScript = #"""
const shownRouteFields = ["name", "type", "priority", "model", "canonical_model", "status", "state", "key",
  "limits", "cool_down", "next_trial_at", "latency_ms", "window"];

// "1 h 02 min", "3 min 04 s", "12 s", "now": the time left until `iso`.
function countdownText(iso) {
  const seconds = Math.ceil((new Date(iso).getTime() - Date.now()) / 1000);
  if (!(seconds > 0)) return "now";
  const h = Math.floor(seconds / 3600), m = Math.floor(seconds % 3600 / 60), s = seconds % 60;
  if (h) return h + " h " + String(m).padStart(2, "0") + " min";
  if (m) return m + " min " + String(s).padStart(2, "0") + " s";
  return s + " s";
}

function countdown(iso) { return el("span", { class: "countdown", "data-until": iso }, countdownText(iso)); }

// Between refreshes the countdowns run on their own.
function tickCountdowns() {
  for (const node of document.querySelectorAll(".countdown[data-until]")) node.textContent = countdownText(node.dataset.until);
}

// Every limit the router knows for a route: configured ones against their counters, learned
// ones as the upstream's headers said (counted down since).
function quotaLimits(p) {
  const limits = p.limits || {}, configured = limits.configured || {}, used = limits.used || {};
  const list = [];
  const add = (kind, remaining, limit, source, resetAt) => list.push({ kind, remaining, limit, source, resetAt });
  if (configured.rpm != null) add("rpm", configured.rpm - (used.requests_last_minute || 0), configured.rpm, "configured requests per minute");
  if (configured.rpd != null) add("rpd", configured.rpd - (used.requests_today || 0), configured.rpd, "configured requests per day");
  if (configured.tpm != null) add("tpm", configured.tpm - (used.tokens_last_minute || 0), configured.tpm, "configured tokens per minute");
  if (configured.tpd != null) add("tpd", configured.tpd - (used.tokens_today || 0), configured.tpd, "configured tokens per day");
  if (configured.max_concurrency != null) add("parallel", configured.max_concurrency - (used.in_flight || 0), configured.max_concurrency, "configured concurrent calls");
  if (limits.remaining_requests != null) add("req (hdr)", limits.remaining_requests, limits.requests_limit, "requests left, from the upstream's headers", limits.requests_reset_at);
  if (limits.remaining_tokens != null) add("tok (hdr)", limits.remaining_tokens, limits.tokens_limit, "tokens left, from the upstream's headers", limits.tokens_reset_at);
  return list;
}

function quotaBar(q) {
  const remaining = Math.max(0, q.remaining);
  const known = q.limit != null && q.limit > 0;
  const share = known ? Math.min(1, remaining / q.limit) : 1;
  const level = !known ? "unknown" : share <= 0.1 ? "bad" : share <= 0.3 ? "warn" : "ok";
  const title = q.source + ": " + fmt(remaining, 0) + (known ? " of " + fmt(q.limit, 0) : "") + " left" + (q.resetAt ? ", resets in " + countdownText(q.resetAt) : "");
  return box("div", { class: "quota", "data-kind": q.kind, "data-remaining": String(remaining), "data-limit": known ? String(q.limit) : "", title }, [
    el("span", { class: "quota-kind" }, q.kind),
    box("span", { class: "bar" }, [el("i", { class: level, style: "width:" + (share * 100).toFixed(1) + "%" })]),
    box("span", { class: "quota-num" }, [fmt(remaining, 0) + (known ? " / " + fmt(q.limit, 0) : " left"), q.resetAt ? " · " : "", q.resetAt ? countdown(q.resetAt) : ""]),
  ]);
}

function quotaCell(p) {
  const list = quotaLimits(p);
  if (!list.length) return el("span", { class: "sub" }, "no limits known");
  return box("div", { class: "quotas" }, list.map(quotaBar));
}

function nameCell(p) {
  const model = p.canonical_model || p.model || "any model";
  const detail = [p.type, model, "priority " + p.priority].concat(p.key ? ["key " + p.key] : []).join(" · ");
  return box("div", {}, [el("strong", { class: "route-name" }, p.name), el("div", { class: "sub" }, detail)]);
}

function stateCell(p) {
  const enabled = p.status === "enabled";
  const breaker = p.state ? pill("breaker " + p.state.replace("_", "-"), p.state === "closed" ? "ok" : p.state === "open" ? "bad" : "warn") : "";
  const trial = p.next_trial_at ? box("div", { class: "trial sub" }, ["trial in ", countdown(p.next_trial_at)]) : "";
  const failures = p.window && p.window.requests ? el("div", { class: "sub" }, fmt(p.window.failures, 0) + " of " + fmt(p.window.requests, 0) + " failed in " + fmt(p.window.seconds, 0) + " s") : "";
  return box("div", {}, [pill(enabled ? "enabled" : p.status, enabled ? "ok" : "bad"), " ", breaker, trial, failures]);
}

function coolDownCell(p) {
  const cool = p.cool_down;
  if (!cool) return el("span", { class: "sub" }, p.cool_downs ? "none now (" + p.cool_downs + " so far)" : "none");
  return box("div", { class: "cooldown", "data-reason": cool.reason }, [
    pill("cooling", "warn"), " ", countdown(cool.until),
    el("div", { class: "sub" }, cool.reason + " · " + cool.scope),
  ]);
}

function shareCell(p, byRoute, answered) {
  const count = byRoute[p.name] || 0;
  const share = answered ? count / answered : 0;
  return box("div", { class: "share-cell", "data-share": (share * 100).toFixed(1), "data-count": String(count) }, [
    box("span", { class: "bar" }, [el("i", { class: "share", style: "width:" + (share * 100).toFixed(1) + "%" })]),
    el("span", { class: "quota-num" }, fmt(share * 100, 0) + "% · " + fmt(count, 0)),
  ]);
}

function latencyCell(p) {
  const l = p.latency_ms || {};
  if (l.p50 == null && l.ewma == null) return el("span", { class: "sub" }, "–");
  return box("div", { class: "nowrap" }, ["p50 " + fmt(l.p50, 0) + " ms", el("div", { class: "sub" }, "p95 " + fmt(l.p95, 0) + " ms")]);
}

// The fields the columns above do not show, as they come, folded away.
function moreCell(p) {
  const rest = Object.entries(p).filter(([k, v]) => !shownRouteFields.includes(k) && v !== null && v !== undefined);
  if (!rest.length) return "";
  const list = el("dl");
  for (const [k, v] of rest) { list.append(el("dt", {}, k.replace(/_/g, " "))); list.append(el("dd", {}, text(v))); }
  return box("details", {}, [el("summary", {}, "more"), list]);
}

// Any value as short text: objects as key=value pairs, so new provider fields show as they come.
function text(value) {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) return value.map(text).join(", ");
  if (typeof value === "object") return Object.entries(value).map(([k, v]) => k + "=" + text(v)).join(" ");
  if (typeof value === "number") return fmt(value, 2);
  return String(value);
}

function renderRoutes(list, summary) {
  const providers = list.providers || [];
  document.getElementById("routes-enabled").textContent = providers.filter(p => p.status === "enabled").length + " / " + providers.length;
  const byRoute = (summary && summary.requests_by_route) || {};
  const answered = Object.values(byRoute).reduce((a, b) => a + b, 0);
  show("routes", table(providers, [
    { label: "route", render: nameCell },
    { label: "state", render: stateCell },
    { label: "quota left", render: quotaCell },
    { label: "cool-down", render: coolDownCell },
    { label: "share, last hour", render: p => shareCell(p, byRoute, answered) },
    { label: "latency", render: latencyCell },
    { label: "more", render: moreCell },
  ], "no routes"));
}
"""#
}
