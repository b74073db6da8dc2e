extension DashboardPage {
    /// The page's CSS. Tables fit their card: long values wrap (ids and attempt lists anywhere),
    /// so nothing is cut at 1,400 px; under 760 px every table row becomes a card of
    /// label/value lines (each cell carries its column's name in `data-label`).
    static let style = #"""
:root { --bg:#f6f7f9; --card:#fff; --ink:#1d2330; --muted:#6b7385; --line:#e3e6ec; --blue:#2f6fde; --orange:#e8871e; --red:#d64545; --green:#2c9a5b; --track:#edf0f5; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background:var(--bg); color:var(--ink); }
header { display:flex; flex-wrap:wrap; align-items:baseline; gap:4px 16px; padding:14px 24px; background:#1d2330; color:#fff; }
header h1 { margin:0; font-size:18px; font-weight:600; }
header .status { color:#aab3c5; font-size:12px; }
main { padding:16px 24px 32px; display:grid; gap:16px; min-width:0; }
.tiles { display:grid; grid-template-columns:repeat(auto-fit,minmax(150px,1fr)); gap:12px; }
.tile, .card { background:var(--card); border:1px solid var(--line); border-radius:8px; min-width:0; }
.tile { padding:12px 14px; }
.tile .label { color:var(--muted); font-size:12px; text-transform:uppercase; letter-spacing:.04em; }
.tile .value { font-size:24px; font-weight:600; margin-top:4px; font-variant-numeric:tabular-nums; }
.tile .value.list { font-size:14px; line-height:1.5; }
.charts { display:grid; grid-template-columns:repeat(auto-fit,minmax(min(380px,100%),1fr)); gap:12px; }
.card { padding:12px 14px; }
.card.scroll { max-height:560px; overflow-y:auto; }
.card h2 { margin:0 0 8px; font-size:14px; font-weight:600; }
.legend { font-size:12px; color:var(--muted); margin-left:8px; font-weight:400; }
.legend i { display:inline-block; width:10px; height:3px; margin:0 4px 2px 10px; vertical-align:middle; }
.legend i.box { height:10px; margin-bottom:0; }
svg { display:block; width:100%; height:160px; }
svg text { font-size:10px; fill:var(--muted); }
.fit { overflow-x:auto; }
table { border-collapse:collapse; width:100%; font-size:12px; }
th, td { text-align:left; padding:5px 8px; border-bottom:1px solid var(--line); vertical-align:top; overflow-wrap:break-word; }
th { color:var(--muted); font-weight:600; position:sticky; top:0; background:var(--card); white-space:nowrap; }
td.num { text-align:right; font-variant-numeric:tabular-nums; white-space:nowrap; }
.nowrap { white-space:nowrap; }
td.any { overflow-wrap:anywhere; }
td.id { overflow-wrap:anywhere; min-width:90px; max-width:180px; font-family:ui-monospace, monospace; font-size:11px; }
.sub { color:var(--muted); font-size:11px; }
.pill { display:inline-block; padding:1px 7px; border-radius:10px; font-size:11px; background:#eef1f6; white-space:nowrap; }
.ok { background:#e3f4ea; color:var(--green); } .bad { background:#fbe5e5; color:var(--red); } .warn { background:#fdf0df; color:#b0600a; }
.empty { color:var(--muted); font-style:italic; }
.error { color:var(--red); }
.quotas { display:grid; grid-template-columns:auto minmax(60px,1fr) auto; gap:3px 6px; min-width:200px; }
.quota { display:grid; grid-column:1 / -1; grid-template-columns:subgrid; align-items:center; }
.quota-kind { color:var(--muted); font-size:11px; white-space:nowrap; }
.quota-num { font-variant-numeric:tabular-nums; font-size:11px; white-space:nowrap; }
.bar { display:block; height:8px; border-radius:4px; background:var(--track); overflow:hidden; min-width:40px; }
.bar > i { display:block; height:100%; background:var(--green); }
.bar > i.warn { background:var(--orange); } .bar > i.bad { background:var(--red); } .bar > i.share { background:var(--blue); }
.bar > i.unknown { background:repeating-linear-gradient(45deg,#c9d0dc 0 4px,var(--track) 4px 8px); }
.share-cell { display:grid; grid-template-columns:minmax(50px,1fr) auto; align-items:center; gap:6px; min-width:110px; }
.cooldown .countdown, .trial .countdown { font-weight:600; font-variant-numeric:tabular-nums; }
details > summary { cursor:pointer; color:var(--blue); font-size:11px; white-space:nowrap; }
details dl { margin:4px 0 0; display:grid; grid-template-columns:auto 1fr; gap:1px 8px; font-size:11px; }
details dt { color:var(--muted); } details dd { margin:0; overflow-wrap:anywhere; }
@media (max-width: 760px) {
  header, main { padding-left:10px; padding-right:10px; }
  .fit table, .fit thead, .fit tbody, .fit tr, .fit td { display:block; width:100%; }
  .fit thead { display:none; }
  .fit tr { border-bottom:2px solid var(--line); padding:4px 0; }
  .fit td { border:none; padding:2px 4px; display:grid; grid-template-columns:7.5em minmax(0,1fr); gap:8px; text-align:left; white-space:normal; max-width:none; }
  .fit td::before { content:attr(data-label); color:var(--muted); font-size:11px; }
}
"""#
}
