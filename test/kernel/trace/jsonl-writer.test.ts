import { expect } from "chai";
import { nanos, partitionId } from "../../../kernel/mem/types";
import { toJsonLine, writeJsonLines } from "../../../kernel/trace/jsonl-writer";
import { TRACE_EVENT_KINDS } from "../../../kernel/trace/trace-event";
import { SAMPLE_EVENTS } from "./sample-events";

const GOLDEN = `{"t":"0","kind":"windowStart","partition":1,"window":1,"schedule":1,"until":"20000"}
{"t":"1500","kind":"portWrite","partition":1,"port":"alt","length":4,"rc":0}
{"t":"2000","kind":"console","partition":1,"text":"hello \\"x\\""}
{"t":"20000","kind":"windowEnd","partition":1,"window":1}
{"t":"20000","kind":"idle","until":"25000"}
{"t":"25000","kind":"windowStart","partition":2,"window":2,"schedule":1,"until":"1000000000001"}
{"t":"25001","kind":"hmEvent","partition":2,"systemState":6,"errorId":5,"errorCode":"MEMORY_VIOLATION","level":"PARTITION","action":"PARTITION:COLD_START"}
{"t":"25002","kind":"modeChange","partition":2,"from":"NORMAL","to":"COLD_START","startCondition":"HM_PARTITION_RESTART"}
{"t":"25003","kind":"hypercall","partition":2,"service":"GET_TIME","result":0}
{"t":"25004","kind":"portReceive","partition":2,"port":"cmd","length":0,"rc":2}
{"t":"25005","kind":"portSend","partition":2,"port":"cmd","length":3,"rc":0}
{"t":"25006","kind":"portRead","partition":2,"port":"alt_in","length":4,"rc":0,"validity":"VALID"}
{"t":"25007","kind":"hypercall","partition":2,"service":"resolve","result":"fault"}
{"t":"100000","kind":"scheduleSwitch","from":1,"to":2}
{"t":"100001","kind":"hmEvent","partition":null,"systemState":2,"errorId":6,"errorCode":"HARDWARE_FAULT","level":"MODULE","action":"MODULE:RESET"}
{"t":"100002","kind":"ioreq","partition":2,"phase":"served","window":2,"id":7,"client":1,"addr":1021,"dir":"in","data":96,"outcome":"ok"}
`;

describe("kernel/trace/jsonl-writer", () => {
  it("writes the sample trace exactly (golden)", () => {
    expect(writeJsonLines(SAMPLE_EVENTS)).to.equal(GOLDEN);
  });

  it("covers every event kind in the sample", () => {
    expect(new Set(SAMPLE_EVENTS.map((e) => e.kind))).to.deep.equal(new Set(TRACE_EVENT_KINDS));
  });

  it("keeps times exact beyond 2^53 and lines parseable", () => {
    const line = toJsonLine({ kind: "idle", time: nanos(2n ** 64n), until: nanos(2n ** 64n + 1n) });
    expect(line).to.equal('{"t":"18446744073709551616","kind":"idle","until":"18446744073709551617"}');
    const parsed = JSON.parse(line) as { t: string; until: string };
    expect(BigInt(parsed.t) + 1n).to.equal(BigInt(parsed.until));
  });

  it("escapes console text so one event stays on one line", () => {
    const line = toJsonLine({ kind: "console", time: nanos(1), partition: partitionId(3), text: "a\nb\u0000" });
    expect(line).to.equal('{"t":"1","kind":"console","partition":3,"text":"a\\nb\\u0000"}');
  });

  it("writes nothing for no events", () => {
    expect(writeJsonLines([])).to.equal("");
  });
});
