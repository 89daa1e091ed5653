import { expect } from "chai";
import { HmLog, type HmLogEntry } from "../../../kernel/health/hm-log";
import { nanos, partitionId } from "../../../kernel/mem/types";

const entry = (n: number): HmLogEntry => ({
  time: nanos(n),
  partition: partitionId(1),
  systemState: 3,
  errorId: n,
  errorCode: "APPLICATION_ERROR",
  level: "PROCESS",
  action: "PROCESS:ERROR_HANDLER",
  message: "",
});

describe("kernel/health/hm-log", () => {
  it("keeps entries in order while there is room", () => {
    const log = new HmLog(3);
    log.append(entry(1));
    log.append(entry(2));
    expect(log.entries().map((e) => e.errorId)).to.deep.equal([1, 2]);
    expect([log.dropped, log.total]).to.deep.equal([0, 2]);
  });

  const rows: readonly [capacity: number, appended: number, kept: number[], dropped: number][] = [
    [3, 3, [1, 2, 3], 0],
    [3, 4, [2, 3, 4], 1],
    [3, 10, [8, 9, 10], 7],
    [1, 5, [5], 4],
  ];
  for (const [capacity, appended, kept, dropped] of rows) {
    it(`capacity ${capacity}, ${appended} appended -> keeps ${kept.join(",")}, drops ${dropped}`, () => {
      const log = new HmLog(capacity);
      for (let i = 1; i <= appended; i++) log.append(entry(i));
      expect(log.entries().map((e) => e.errorId)).to.deep.equal(kept);
      expect(log.dropped).to.equal(dropped);
      expect(log.total).to.equal(appended);
    });
  }

  it("refuses a zero capacity", () => {
    expect(() => new HmLog(0)).to.throw(RangeError);
  });
});
