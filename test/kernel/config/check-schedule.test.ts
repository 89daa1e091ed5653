import { expect } from "chai";
import { checkPartitionPeriods, checkWindowPlacement, coveragePerPeriod } from "../../../kernel/config/check-schedule";
import type { TimedWindow } from "../../../kernel/config/check-schedule";
import { DiagnosticSink } from "../../../kernel/config/diagnostic";

const MS = 1_000_000n;
let line = 0;
function win(startMs: number, durMs: number, pps = false): TimedWindow {
  line++;
  return { id: line, start: BigInt(startMs) * MS, duration: BigInt(durMs) * MS, partitionPeriodStart: pps, pos: { file: "t", line, column: 1 } };
}
function periods(frameMs: number, periodMs: number, durMs: number, windows: TimedWindow[]): string[] {
  const sink = new DiagnosticSink();
  checkPartitionPeriods(BigInt(frameMs) * MS, { name: "p", period: BigInt(periodMs) * MS, periodDuration: BigInt(durMs) * MS, windows, pos: { file: "t", line: 0, column: 0 } }, sink);
  return sink.sorted().map((d) => d.message);
}

describe("kernel/config/check-schedule", () => {
  it("counts only the part of a window inside each period", () => {
    // period 50 ms in a 100 ms frame; one window straddles the boundary at 50 ms
    expect(coveragePerPeriod(100n * MS, 50n * MS, [win(0, 10), win(40, 20)])).to.deep.equal([20n * MS, 10n * MS]);
    expect(coveragePerPeriod(100n * MS, 100n * MS, [])).to.deep.equal([0n]);
  });
  it("accepts a partition that gets its duration in every period with flagged period starts", () => {
    expect(periods(100, 50, 20, [win(0, 20, true), win(50, 10, true), win(70, 10)])).to.deep.equal([]);
  });
  it("reports each period that falls short", () => {
    const msgs = periods(100, 50, 20, [win(0, 20, true), win(50, 15, true)]);
    expect(msgs).to.have.length(1);
    expect(msgs[0]).to.contain("gets 0.015 s in its period 1 (0.05 s to 0.1 s)");
  });
  it("requires the period to divide the major frame", () => {
    expect(periods(100, 30, 10, [win(0, 10, true)])[0]).to.contain("does not divide the major frame");
  });
  it("requires the first window of each period, and only it, to be flagged", () => {
    const msgs = periods(100, 50, 10, [win(0, 5), win(10, 5, true), win(50, 10, true)]);
    expect(msgs).to.have.length(2);
    expect(msgs.join("\n")).to.contain('is the first window of "p" in its period 0').and.contain("is not the first window");
    expect(periods(100, 50, 10, [win(0, 10, true), win(60, 10)])[0]).to.contain("in its period 1");
  });
  it("requires a window to start in every period, even when a straddling window covers it", () => {
    // period 50 ms: the window [40, 70) gives period 1 its 20 ms, but nothing starts period 1
    const msgs = periods(100, 50, 10, [win(0, 10, true), win(40, 30)]);
    expect(msgs).to.have.length(1);
    expect(msgs[0]).to.contain('no window of "p" starts in its period 1 (0.05 s to 0.1 s)');
  });
  it("reports windows past the major frame and overlapping windows", () => {
    const sink = new DiagnosticSink();
    const ws = [win(0, 10), win(5, 10), win(95, 10), win(15, 5)].map((w) => ({ ...w, owner: "x" }));
    checkWindowPlacement(100n * MS, ws, sink);
    const msgs = sink.sorted().map((d) => d.message);
    expect(msgs).to.have.length(2);
    expect(msgs.join("\n")).to.contain("overlaps window").and.contain("after the major frame of 0.1 s");
  });
  it("allows back-to-back windows", () => {
    const sink = new DiagnosticSink();
    checkWindowPlacement(100n * MS, [win(0, 50), win(50, 50)].map((w) => ({ ...w, owner: "x" })), sink);
    expect(sink.count).to.equal(0);
  });
});
