// The benchmark report as one self-contained HTML page in the schedule view's style (kernel/trace/
// page-style.ts): every table of the markdown report as an HTML table, a chart per section (call paths,
// CPU speed, switch cost on a log axis, memory), and the machine and date of the run. No external assets. Pure.
import { PAGE_CSS } from "../trace/page-style";
import { CALL_PATH_LABELS } from "./call-paths";
import { HOST_REF_LABELS, HOST_REF_NAMES } from "./host-refs";
import { escapeHtml } from "./html-escape";
import { isFlat } from "./module-scale";
import { barChart, logLineChart } from "./report-charts";
import type { DeviceModelReport } from "./device-model-bench";
import { fmtSpread, type BenchReport } from "./report";

export { escapeHtml } from "./html-escape";

/** Where and when the benchmark ran (the CLI fills it in; the report itself holds no host facts). */
export interface RunContext {
  readonly machine: string;
  readonly date: string;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const th = header.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join("");
  const trs = rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join("")}</tr>`).join("\n");
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${trs}\n</tbody></table>`;
}

function callPaths(r: BenchReport): string {
  const services = [...new Set(r.callPaths.map((c) => c.service))];
  const parts = services.map((s) => {
    const rows = r.callPaths.filter((c) => c.service === s);
    return (
      `<h3>${escapeHtml(s)}</h3>` +
      barChart(`${s}: host ns per call (median)`, rows.map((c) => ({ label: CALL_PATH_LABELS[c.path], value: c.hostNs.median, text: `${c.hostNs.median.toFixed(0)} ns · ${c.instructions} insn` }))) +
      table(["path", "guest instructions / call", "modeled cycles / call", "host ns / call (median, min–max)"], rows.map((c) => [CALL_PATH_LABELS[c.path], String(c.instructions), String(c.cycles), fmtSpread(c.hostNs)]))
    );
  });
  return `<h2>Call paths (on ${escapeHtml(r.callPathMachine)})</h2>${parts.join("\n")}`;
}

function hostRefs(r: BenchReport): string {
  const h = r.hostRefs;
  if (h.kind === "skipped") return `<h2>Host physical references</h2><p>${escapeHtml(h.reason)}</p>`;
  return `<h2>Host physical references (this machine, this run)</h2>${table(["reference", "host ns (median, min–max)"], HOST_REF_NAMES.map((n) => [HOST_REF_LABELS[n], fmtSpread(h.ns[n])]))}`;
}

function kernel(r: BenchReport): string {
  const out: string[] = [];
  if (r.mips.length > 0) {
    out.push(
      `<h2>Guest CPU speed</h2>` +
        barChart("guest MIPS (median run)", r.mips.map((m) => ({ label: m.name, value: m.mips, text: `${m.mips.toFixed(1)} MIPS, ${m.slowdown.toFixed(0)}x native${m.note === "" ? "" : ` (${m.note})`}` }))) +
        table(["guest", "instructions", "guest MIPS", "slowdown vs native", "note"], r.mips.map((m) => [m.name, String(m.instructions), m.mips.toFixed(1), `${m.slowdown.toFixed(0)}x`, m.note])),
    );
  }
  if (r.switching.length > 0) {
    const flat = isFlat(r.switching) ? "flat (largest median within 50% of the smallest)" : "NOT flat (largest median more than 50% above the smallest)";
    out.push(
      `<h2>Partition switch cost (synthetic VMs, ${(r.switching[0]?.windowNs ?? 0) / 1000} µs windows)</h2>` +
        logLineChart("host ns per partition switch against partition count (median, whiskers min–max)", "partitions", "host ns / switch", r.switching.map((s) => ({ x: s.partitions, y: s.hostNsPerSwitch.median, min: s.hostNsPerSwitch.min, max: s.hostNsPerSwitch.max }))) +
        table(["partitions", "windows timed", "host ns / switch (median, min–max)"], r.switching.map((s) => [String(s.partitions), String(s.windows), fmtSpread(s.hostNsPerSwitch)])) +
        `<p>Curve: ${escapeHtml(flat)}.</p>`,
    );
  }
  if (r.simSpeed !== null) {
    const s = r.simSpeed;
    out.push(`<h2>Simulation speed</h2>${table(["FV partitions", "virtual ms", "host ms (median)", "virtual s per host s"], [[String(s.partitions), String(s.virtualNs / 1e6), (s.hostNs.median / 1e6).toFixed(0), s.ratio.toFixed(3)]])}`);
  }
  if (r.memory !== null) {
    const m = r.memory;
    const kib = m.bytesPerPartition / 1024;
    out.push(`<h2>Memory</h2>${barChart("KiB per partition at rest", [{ label: `${m.partitions} partitions`, value: kib, text: `${kib.toFixed(0)} KiB per partition` }])}${table(["partitions", "KiB per partition", "method"], [[String(m.partitions), kib.toFixed(0), m.method]])}`);
  }
  if (r.deviceModels !== undefined) out.push(deviceModelHtml(r.deviceModels));
  return out.join("\n");
}

/** In-kernel vs partition-served UART: latency and host cost per access as bars, the table, the notes. */
function deviceModelHtml(d: DeviceModelReport): string {
  const rows = d.rows;
  return (
    `<h2>Device models: in-kernel vs partition-served (UART)</h2>` +
    barChart("virtual latency per port access, median (us)", rows.map((x) => ({ label: x.placement, value: x.latencyMedianNs / 1000, text: `${(x.latencyMedianNs / 1000).toFixed(1)} us` }))) +
    barChart("host ns per port access (whole module)", rows.map((x) => ({ label: x.placement, value: x.hostNsPerAccess, text: `${x.hostNsPerAccess.toFixed(0)} ns` }))) +
    table(
      ["placement", "accesses", "host ns / access", "latency median us", "latency max us", "guest virtual run time us"],
      rows.map((x) => [x.placement, String(x.accesses), x.hostNsPerAccess.toFixed(0), (x.latencyMedianNs / 1000).toFixed(1), (x.latencyMaxNs / 1000).toFixed(1), (x.guestVirtualNs / 1000).toFixed(1)]),
    ) +
    table(["kernel-process memory", "bytes"], [["one in-kernel 16550A model", String(d.inKernelModelBytes ?? "n/a")], ["added by serving it from a partition", String(d.servedExtraBytes ?? "n/a")]]) +
    `<ul>${d.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join("")}</ul>`
  );
}

/** The page. */
export function renderHtml(r: BenchReport, ctx?: RunContext): string {
  const notes = r.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join("");
  const when = ctx === undefined ? "" : `<p class="sub">${escapeHtml(ctx.machine)} · ${escapeHtml(ctx.date)}</p>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>apexvisor bench</title>
<style>${PAGE_CSS}</style></head>
<body><div class="page">
<h1>apexvisor bench${r.quick ? ' <span class="sub">(--quick: tiny counts, host times meaningless)</span>' : ""}</h1>
${when}
<ul>${notes}</ul>
${callPaths(r)}
${hostRefs(r)}
<h2>Cost model assumptions</h2>
${table(["cost model entry", "value", "source"], r.costModel.map((c) => [c.name, c.value, c.source]))}
${kernel(r)}
</div></body></html>
`;
}
