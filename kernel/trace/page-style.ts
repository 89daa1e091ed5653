// The one look of apexvisor's HTML views: the schedule page (web/) and the `bench --html` report. Dark
// text on light backgrounds with contrast above WCAG AA; meaning is carried by shape, pattern and text
// as well as colour.

/** The stylesheet both views use. */
export const PAGE_CSS = `
:root { --fg: #1b1f24; --muted: #4a5260; --bg: #fbfbfc; --panel: #ffffff; --line: #c4c9d1; --accent: #0b5cad;
  --busy: #1f6fb8; --idle: #e6e9ee; --idle-line: #8a93a0; --hm: #b3261e; --mode: #5b3a99; --switch: #7a4b00; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
header, main, nav.controls, #status, .page { padding: 0 20px; }
header { padding-top: 14px; }
h1 { margin: 0; font-size: 22px; }
h2 { font-size: 17px; margin: 22px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 0 0 4px; }
.sub { color: var(--muted); font-weight: normal; margin: 2px 0 0; }
.controls { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin: 12px 0 4px; }
button, .file { font: inherit; padding: 5px 12px; border: 1px solid var(--accent); border-radius: 4px; background: var(--panel); color: var(--accent); cursor: pointer; }
button:disabled { color: var(--muted); border-color: var(--line); cursor: default; }
button:focus-visible, input:focus-visible, .timeline-scroll:focus-visible, pre:focus-visible { outline: 3px solid #f0b400; outline-offset: 2px; }
input[type=number] { width: 5em; font: inherit; padding: 4px; }
.file input { font-size: 13px; }
#status { white-space: pre-wrap; margin: 6px 0; font-weight: 600; }
#status[data-state=failed] { color: var(--hm); }
.legend { color: var(--muted); margin: 0 0 8px; max-width: 70em; }
.key { padding: 0 6px; border: 1px solid var(--line); }
.busy-key { background: var(--busy); color: #fff; }
.idle-key { background: repeating-linear-gradient(45deg, var(--idle), var(--idle) 3px, var(--idle-line) 3px, var(--idle-line) 4px); }
.timeline-wrap { display: flex; border: 1px solid var(--line); background: var(--panel); }
.lanes { flex: none; padding-top: 22px; border-right: 1px solid var(--line); }
.lane-name { height: 46px; line-height: 32px; padding: 0 10px; font-weight: 600; white-space: nowrap; }
.timeline-scroll { overflow-x: auto; flex: 1; }
svg.timeline { display: block; }
.window-bar { fill: url(#idle-hatch); stroke: var(--fg); stroke-width: 1; }
.idle-bg { fill: var(--idle); } .idle-line { stroke: var(--idle-line); stroke-width: 1.5; }
.busy { fill: var(--busy); }
.frame-edge { stroke: var(--line); } .frame-label { font-size: 11px; fill: var(--muted); }
.switch { stroke: var(--switch); stroke-width: 2; stroke-dasharray: 5 3; } .switch-label { font-size: 11px; fill: var(--switch); font-weight: 600; }
.marker.hm path { fill: var(--hm); } .hm-line { stroke: var(--hm); stroke-width: 2.5; } .marker.hm text { fill: var(--hm); font-weight: 700; font-size: 11px; }
.marker.mode path { fill: var(--mode); } .marker.mode text { fill: var(--mode); font-size: 10px; }
.arrow { stroke: var(--fg); stroke-width: 1.2; } .arrow.queuing { stroke-dasharray: 4 2; } .arrowhead { fill: var(--fg); }
.consoles { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 12px; }
.console-box { background: var(--panel); border: 1px solid var(--line); padding: 8px; }
pre.console { margin: 0; max-height: 260px; overflow: auto; font: 12.5px/1.35 ui-monospace, "DejaVu Sans Mono", monospace; white-space: pre-wrap; }
.tag { font-size: 11px; border: 1px solid var(--muted); border-radius: 3px; padding: 0 4px; color: var(--muted); font-weight: 600; }
ol.log { list-style: none; padding: 0; margin: 0; max-height: 260px; overflow: auto; font-size: 13.5px; }
ol.log li { padding: 2px 0; border-bottom: 1px solid #eceef1; }
ol.log .time { display: inline-block; min-width: 8em; color: var(--muted); font-variant-numeric: tabular-nums; }
ol.log li.hm .tag { color: var(--hm); border-color: var(--hm); }
table { border-collapse: collapse; background: var(--panel); margin: 4px 0 12px; }
th, td { border: 1px solid var(--line); padding: 4px 10px; text-align: right; font-variant-numeric: tabular-nums; }
th { background: #eef1f5; } td:first-child, th:first-child { text-align: left; }
figure { margin: 8px 0 16px; } figcaption { color: var(--muted); font-size: 13px; }
.chart text { font-size: 11px; fill: var(--fg); } .chart .bar { fill: var(--busy); } .chart .axis { stroke: var(--muted); }
.chart .grid { stroke: #e3e6ea; } .chart .bar2 { fill: #8c5a00; }
`;
