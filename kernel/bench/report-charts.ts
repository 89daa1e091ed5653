// Inline-SVG charts of the benchmark report: horizontal bars (one value per label) and a log-x line
// chart with min–max whiskers (switch cost against partition count). Pure string building; the
// numbers are also in the tables beside them, so nothing is shown by the chart alone.
import { escapeHtml } from "./html-escape";

/** One bar: label, value, and the text printed after the bar. */
export interface Bar {
  readonly label: string;
  readonly value: number;
  readonly text: string;
}

const BAR_H = 18;
const LABEL_W = 330;
const CHART_W = 420;

/** A horizontal bar chart with a caption, values scaled to the largest. */
export function barChart(title: string, bars: readonly Bar[]): string {
  const max = Math.max(1e-9, ...bars.map((b) => b.value));
  const h = bars.length * (BAR_H + 6) + 30;
  const body = bars.map((b, i) => {
    const y = 24 + i * (BAR_H + 6);
    const w = Math.max(1, (Math.max(0, b.value) / max) * CHART_W);
    return (
      `<text x="${LABEL_W - 6}" y="${y + 13}" text-anchor="end">${escapeHtml(b.label)}</text>` +
      `<rect class="bar" x="${LABEL_W}" y="${y}" width="${w.toFixed(1)}" height="${BAR_H}"/>` +
      `<text x="${(LABEL_W + w + 4).toFixed(1)}" y="${y + 13}">${escapeHtml(b.text)}</text>`
    );
  });
  return figure(title, `<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="${LABEL_W + CHART_W + 170}" height="${h}" role="img" aria-label="${escapeHtml(title)}">${body.join("")}</svg>`);
}

/** One point of a line chart: x > 0 (drawn on a log axis), y with its spread. */
export interface Point {
  readonly x: number;
  readonly y: number;
  readonly min: number;
  readonly max: number;
}

/** A line chart with a log10 x axis and a linear y axis from 0, points with min–max whiskers. */
export function logLineChart(title: string, xLabel: string, yLabel: string, points: readonly Point[]): string {
  const W = 640;
  const H = 260;
  const L = 70;
  const B = 40;
  const top = 16;
  const xs = points.map((p) => Math.log10(p.x));
  const x0 = Math.floor(Math.min(...xs));
  const x1 = Math.max(x0 + 1, Math.ceil(Math.max(...xs)));
  const yMax = Math.max(1e-9, ...points.map((p) => p.max));
  const px = (x: number): number => L + ((Math.log10(x) - x0) / (x1 - x0)) * (W - L - 20);
  const py = (y: number): number => top + (1 - y / yMax) * (H - top - B);
  const parts: string[] = [];
  for (let d = x0; d <= x1; d++) {
    const x = px(10 ** d);
    parts.push(`<line class="grid" x1="${x}" y1="${top}" x2="${x}" y2="${H - B}"/><text x="${x}" y="${H - B + 16}" text-anchor="middle">${10 ** d}</text>`);
  }
  for (let i = 0; i <= 4; i++) {
    const v = (yMax * i) / 4;
    const y = py(v);
    parts.push(`<line class="grid" x1="${L}" y1="${y}" x2="${W - 20}" y2="${y}"/><text x="${L - 6}" y="${y + 4}" text-anchor="end">${v.toFixed(v >= 100 ? 0 : 1)}</text>`);
  }
  parts.push(`<line class="axis" x1="${L}" y1="${H - B}" x2="${W - 20}" y2="${H - B}"/><line class="axis" x1="${L}" y1="${top}" x2="${L}" y2="${H - B}"/>`);
  parts.push(`<text x="${(L + W) / 2}" y="${H - 6}" text-anchor="middle">${escapeHtml(xLabel)} (log scale)</text>`);
  parts.push(`<text x="14" y="${(top + H - B) / 2}" transform="rotate(-90 14 ${(top + H - B) / 2})" text-anchor="middle">${escapeHtml(yLabel)}</text>`);
  const path = points.map((p, i) => `${i === 0 ? "M" : "L"}${px(p.x).toFixed(1)},${py(p.y).toFixed(1)}`).join(" ");
  parts.push(`<path d="${path}" fill="none" stroke="#1f6fb8" stroke-width="2"/>`);
  for (const p of points) {
    const x = px(p.x).toFixed(1);
    parts.push(`<line class="axis" x1="${x}" y1="${py(p.min).toFixed(1)}" x2="${x}" y2="${py(p.max).toFixed(1)}"/><circle cx="${x}" cy="${py(p.y).toFixed(1)}" r="4" fill="#1f6fb8"><title>${p.x}: ${p.y.toFixed(1)} (${p.min.toFixed(1)}–${p.max.toFixed(1)})</title></circle>`);
  }
  return figure(title, `<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" role="img" aria-label="${escapeHtml(title)}">${parts.join("")}</svg>`);
}

function figure(caption: string, svg: string): string {
  return `<figure>${svg}<figcaption>${escapeHtml(caption)}</figcaption></figure>`;
}
