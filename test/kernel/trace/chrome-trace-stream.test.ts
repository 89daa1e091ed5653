import { expect } from "chai";
import { partitionId, nanos } from "../../../kernel/mem/types";
import { ChromeTraceStream, MAX_HELD } from "../../../kernel/trace/chrome-trace-stream";
import { writeChromeTrace } from "../../../kernel/trace/chrome-trace-writer";
import type { TraceEvent } from "../../../kernel/trace/trace-event";
import { SAMPLE_EVENTS } from "./sample-events";

function streamed(events: readonly TraceEvent[], partitions: number[], names: Map<number, string>): { text: string; pieces: string[] } {
  const s = new ChromeTraceStream(partitions, names);
  const pieces = [s.begin(), ...events.map((e) => s.push(e)), s.end()];
  return { text: pieces.join(""), pieces };
}

describe("kernel/trace/chrome-trace-stream", () => {
  it("produces exactly the document writeChromeTrace writes", () => {
    const names = new Map([[1, "FCS"]]);
    expect(streamed(SAMPLE_EVENTS, [2, 1], names).text).to.equal(writeChromeTrace(SAMPLE_EVENTS, names));
  });

  it("hands rows out as soon as no earlier window is open", () => {
    const { pieces } = streamed(SAMPLE_EVENTS, [1, 2], new Map());
    // the first window's rows are out by the time its windowEnd is pushed, before the run ends
    const firstEnd = SAMPLE_EVENTS.findIndex((e) => e.kind === "windowEnd");
    expect(pieces.slice(0, firstEnd + 2).join("")).to.contain('"name":"window 1"');
  });

  it("holds at most MAX_HELD rows behind an open window", () => {
    const p = partitionId(1);
    const s = new ChromeTraceStream([1]);
    s.begin();
    s.push({ kind: "windowStart", time: nanos(0), partition: p, windowId: 1, schedule: 1, until: nanos(1000) } as TraceEvent);
    let out = "";
    for (let i = 0; i <= MAX_HELD; i++) out += s.push({ kind: "console", time: nanos(1), partition: p, text: "x" } as TraceEvent);
    expect(out).to.contain('"dur":1.000');
    expect(out.split(`"cat":`).length - 1).to.equal(MAX_HELD + 2); // the window and every console row
  });
});
