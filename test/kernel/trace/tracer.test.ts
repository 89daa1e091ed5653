import { expect } from "chai";
import { nanos } from "../../../kernel/mem/types";
import { MemoryTracer, NULL_SINK } from "../../../kernel/trace/tracer";
import { SAMPLE_EVENTS } from "./sample-events";

describe("kernel/trace/tracer", () => {
  it("collects every event in order", () => {
    const t = new MemoryTracer();
    for (const e of SAMPLE_EVENTS) t.emit(e);
    expect(t.events).to.deep.equal(SAMPLE_EVENTS);
  });

  it("keeps only the selected kinds", () => {
    const t = new MemoryTracer(new Set(["hmEvent", "scheduleSwitch"] as const));
    for (const e of SAMPLE_EVENTS) t.emit(e);
    expect(t.events.map((e) => e.kind)).to.deep.equal(["hmEvent", "scheduleSwitch", "hmEvent"]);
  });

  it("the null sink accepts anything", () => {
    expect(() => NULL_SINK.emit({ kind: "idle", time: nanos(0), until: nanos(1) })).to.not.throw();
  });
});
