// The benchmark report as one self-contained HTML page: an inline-SVG bar chart of host ns per call for
// each service and path, then the full markdown report as preformatted text. No external assets. Pure.
import { CALL_PATH_LABELS, type CallPathRow } from "./call-paths";
import { renderMarkdown, type BenchReport } from "./report";

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

const BAR_H = 18;
const LABEL_W = 330;
const CHART_W = 420;

function chart(title: string, rows: readonly CallPathRow[]): string {
  const max = Math.max(1, ...rows.map((r) => r.hostNs.median));
  const h = rows.length * (BAR_H + 6) + 30;
  const bars = rows.map((r, i) => {
    const y = 24 + i * (BAR_H + 6);
    const w = Math.max(1, (Math.max(0, r.hostNs.median) / max) * CHART_W);
    const label = `${CALL_PATH_LABELS[r.path]}`;
    return (
      `<text x="${LABEL_W - 6}" y="${y + 13}" text-anchor="end">${escapeHtml(label)}</text>` +
      `<rect x="${LABEL_W}" y="${y}" width="${w.toFixed(1)}" height="${BAR_H}" fill="#4a7ab5"/>` +
      `<text x="${(LABEL_W + w + 4).toFixed(1)}" y="${y + 13}">${r.hostNs.median.toFixed(0)} ns · ${r.instructions} insn</text>`
    );
  });
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${LABEL_W + CHART_W + 160}" height="${h}" font-family="sans-serif" font-size="12">` +
    `<text x="0" y="14" font-weight="bold">${escapeHtml(title)}</text>${bars.join("")}</svg>`
  );
}

/** The page. */
export function renderHtml(r: BenchReport): string {
  const services = [...new Set(r.callPaths.map((c) => c.service))];
  const charts = services.map((s) => chart(`${s}: host ns per call (median)`, r.callPaths.filter((c) => c.service === s)));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>apexvisor bench</title>
<style>body{font-family:sans-serif;margin:2em;max-width:70em}pre{background:#f4f4f4;padding:1em;overflow-x:auto}</style></head>
<body><h1>apexvisor bench</h1>
${charts.join("\n")}
<pre>${escapeHtml(renderMarkdown(r))}</pre>
</body></html>
`;
}
