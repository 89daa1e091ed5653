import { expect } from "chai";
import type { CallPathRow } from "../../../kernel/bench/call-paths";
import { costAssumptions } from "../../../kernel/bench/cost-assumptions";
import { exactCounts, fmtSpread, renderJson, renderMarkdown, type BenchReport } from "../../../kernel/bench/report";
import { escapeHtml, renderHtml } from "../../../kernel/bench/report-html";

const s = (median: number) => ({ median, min: median - 1, max: median + 2, samples: 3 });
const row = (path: CallPathRow["path"], instructions: number, ns: number): CallPathRow => ({ service: "time_get", path, instructions, cycles: instructions + 1, hostNs: s(ns) });

function report(over: Partial<BenchReport> = {}): BenchReport {
  return {
    quick: false,
    callPathMachine: "a test machine",
    notes: ["note <one>"],
    costModel: costAssumptions(),
    callPaths: [row("direct", 7, 10), row("trapNull", 2, 500)],
    hostRefs: { kind: "skipped", reason: "no host gcc: host references skipped" },
    mips: [],
    switching: [
      { partitions: 2, windowNs: 1000, windows: 10, hostNsPerSwitch: s(100) },
      { partitions: 1000, windowNs: 1000, windows: 10, hostNsPerSwitch: s(400) },
    ],
    simSpeed: null,
    memory: null,
    snapshots: [{ what: "demo module", kind: "full", bytes: 123456, saveMs: 12.5, restoreMs: 40 }],
    ...over,
  };
}

describe("kernel/bench/report", () => {
  it("keys the exact counts by service and path", () => {
    expect(exactCounts(report())).to.deep.equal({ "time_get/direct": { instructions: 7, cycles: 8 }, "time_get/trapNull": { instructions: 2, cycles: 3 } });
  });
  it("renders a markdown row per path, the skip reason, the cost sources and whether the switch curve is flat", () => {
    const md = renderMarkdown(report());
    expect(md).to.include("| plain call to an empty guest function (the call's floor, not the service) | 7 | 8 | 10.0 (9.00–12.0) |");
    expect(md).to.include("no host gcc: host references skipped");
    expect(md).to.include("| hypercallEntry | 0 cycles | kernel/cpu/cost-model.ts");
    expect(md).to.include("Curve: NOT flat");
    expect(md).to.include("| demo module | full | 123456 | 12.5 | 40.0 |");
    const flat = renderMarkdown(report({ switching: [{ partitions: 2, windowNs: 1000, windows: 1, hostNsPerSwitch: s(100) }, { partitions: 10, windowNs: 1000, windows: 1, hostNsPerSwitch: s(120) }] }));
    expect(flat).to.include("Curve: flat");
  });
  it("formats spreads with precision that follows magnitude", () => {
    expect(fmtSpread({ median: 1.234, min: 1, max: 1500, samples: 2 })).to.equal("1.23 (1.00–1500)");
  });
  it("round-trips through JSON", () => {
    expect(JSON.parse(renderJson(report()))).to.deep.equal(JSON.parse(JSON.stringify(report())));
  });
  it("writes a self-contained page: inline SVG bars, escaped text, no external references", () => {
    const html = renderHtml(report());
    expect(html).to.include("<svg").and.include("note &lt;one&gt;");
    expect(html).to.not.match(/(src|href)=/);
    expect(html.match(/<rect /g)).to.have.length(2);
    expect(escapeHtml('a<b>&"')).to.equal("a&lt;b&gt;&amp;&quot;");
  });
  it("renders every table as an HTML table with a chart per section, the machine and the date, and no raw markdown", () => {
    const html = renderHtml(
      report({
        mips: [{ name: "crc", instructions: 100, mips: 50, slowdown: 20, note: "" }],
        memory: { partitions: 10, bytesPerPartition: 2048, method: "heap delta" },
        simSpeed: { partitions: 2, virtualNs: 1e9, hostNs: s(2e9), ratio: 0.5 },
      }),
      { machine: "Test CPU × 2", date: "2026-01-02T03:04:05Z" },
    );
    expect(html).to.include("Test CPU × 2 · 2026-01-02T03:04:05Z");
    expect(html).to.not.include("<pre>").and.not.include("| ---");
    // call paths, host refs (skipped: none), cost model, MIPS, switching, sim speed, memory
    expect(html.match(/<table>/g)).to.have.length(6);
    expect(html).to.include("<td>plain call to an empty guest function (the call's floor, not the service)</td><td>7</td><td>8</td><td>10.0 (9.00–12.0)</td>");
    expect(html).to.include("(log scale)");
    expect(html.match(/<figure>/g)).to.have.length(4);
    expect(html.match(/<circle /g)).to.have.length(2);
  });
});
