import { expect } from "chai";
import { nanos, partitionId } from "../../../kernel/mem/types";
import { microsText, writeChromeTrace } from "../../../kernel/trace/chrome-trace-writer";
import { SAMPLE_EVENTS } from "./sample-events";

const GOLDEN = `{"displayTimeUnit":"ns","traceEvents":[
{"name":"process_name","ph":"M","pid":1,"tid":1,"args":{"name":"FCS"}},
{"name":"process_name","ph":"M","pid":2,"tid":2,"args":{"name":"P2"}},
{"name":"process_name","ph":"M","pid":3,"tid":3,"args":{"name":"module"}},
{"name":"window 1","cat":"window","ph":"X","ts":0.000,"dur":20.000,"pid":1,"tid":1,"args":{"window":1,"schedule":1}},
{"name":"portWrite alt","cat":"port","ph":"i","ts":1.500,"s":"p","pid":1,"tid":1,"args":{"length":4,"rc":0}},
{"name":"console","cat":"console","ph":"i","ts":2.000,"s":"p","pid":1,"tid":1,"args":{"text":"hello \\"x\\""}},
{"name":"idle","cat":"window","ph":"X","ts":20.000,"dur":5.000,"pid":3,"tid":3,"args":{}},
{"name":"window 2","cat":"window","ph":"X","ts":25.000,"dur":999999975.001,"pid":2,"tid":2,"args":{"window":2,"schedule":1}},
{"name":"PARTITION:COLD_START","cat":"hm","ph":"i","ts":25.001,"s":"p","pid":2,"tid":2,"args":{"systemState":6,"errorId":5,"errorCode":"MEMORY_VIOLATION","level":"PARTITION"}},
{"name":"mode COLD_START","cat":"mode","ph":"i","ts":25.002,"s":"p","pid":2,"tid":2,"args":{"from":"NORMAL","to":"COLD_START","startCondition":"HM_PARTITION_RESTART"}},
{"name":"GET_TIME","cat":"hypercall","ph":"i","ts":25.003,"s":"p","pid":2,"tid":2,"args":{"result":0}},
{"name":"portReceive cmd","cat":"port","ph":"i","ts":25.004,"s":"p","pid":2,"tid":2,"args":{"length":0,"rc":2}},
{"name":"portSend cmd","cat":"port","ph":"i","ts":25.005,"s":"p","pid":2,"tid":2,"args":{"length":3,"rc":0}},
{"name":"portRead alt_in","cat":"port","ph":"i","ts":25.006,"s":"p","pid":2,"tid":2,"args":{"length":4,"rc":0,"validity":"VALID"}},
{"name":"resolve","cat":"hypercall","ph":"i","ts":25.007,"s":"p","pid":2,"tid":2,"args":{"result":"fault"}},
{"name":"schedule 1 -> 2","cat":"schedule","ph":"i","ts":100.000,"s":"g","pid":3,"tid":3,"args":{"from":1,"to":2}},
{"name":"MODULE:RESET","cat":"hm","ph":"i","ts":100.001,"s":"p","pid":3,"tid":3,"args":{"systemState":2,"errorId":6,"errorCode":"HARDWARE_FAULT","level":"MODULE"}},
{"name":"ioreq served 7","cat":"ioreq","ph":"i","ts":100.002,"s":"p","pid":2,"tid":2,"args":{"client":1,"window":2,"addr":1021,"dir":"in","data":96,"outcome":"ok"}}
]}
`;

describe("kernel/trace/chrome-trace-writer", () => {
  it("writes the sample trace exactly (golden)", () => {
    expect(writeChromeTrace(SAMPLE_EVENTS, new Map([[1, "FCS"]]))).to.equal(GOLDEN);
  });

  it("is valid JSON whose timestamps are the ns times divided by 1000", () => {
    const doc = JSON.parse(writeChromeTrace(SAMPLE_EVENTS)) as { traceEvents: { ph: string; ts?: number }[] };
    const stamps = doc.traceEvents.filter((e) => e.ph !== "M").map((e) => e.ts);
    expect(stamps.slice(0, 3)).to.deep.equal([0, 1.5, 2]);
  });

  const micros: readonly [ns: bigint, text: string][] = [
    [0n, "0.000"],
    [1n, "0.001"],
    [999n, "0.999"],
    [1000n, "1.000"],
    [1_234_567n, "1234.567"],
    [2n ** 64n, "18446744073709551.616"],
  ];
  for (const [ns, text] of micros) {
    it(`${ns} ns -> ${text} us`, () => expect(microsText(ns)).to.equal(text));
  }

  it("ends a window at its windowEnd event when that comes before the planned end", () => {
    const out = writeChromeTrace([
      { kind: "windowStart", time: nanos(1000), partition: partitionId(4), windowId: 9, schedule: 1, until: nanos(5000) },
      { kind: "windowEnd", time: nanos(1300), partition: partitionId(4), windowId: 9 },
    ]);
    expect(out).to.contain('"ts":1.000,"dur":0.300,"pid":4');
    expect(out).to.contain('{"name":"process_name","ph":"M","pid":5,"tid":5,"args":{"name":"module"}}');
  });

  it("puts the module track at pid 0 when no partition appears", () => {
    const out = writeChromeTrace([{ kind: "scheduleSwitch", time: nanos(7), from: 1, to: 2 }]);
    expect(out).to.equal(
      '{"displayTimeUnit":"ns","traceEvents":[\n' +
        '{"name":"process_name","ph":"M","pid":0,"tid":0,"args":{"name":"module"}},\n' +
        '{"name":"schedule 1 -> 2","cat":"schedule","ph":"i","ts":0.007,"s":"g","pid":0,"tid":0,"args":{"from":1,"to":2}}\n' +
        "]}\n",
    );
  });
});
