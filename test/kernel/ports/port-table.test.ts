import { expect } from "chai";
import { nanos, partitionId } from "../../../kernel/mem/types";
import type { OperatingMode } from "../../../kernel/partition/partition-mode";
import { PortTable, type QueuingPortRequest, type SamplingPortRequest } from "../../../kernel/ports/port-table";
import { ReturnCode, toReturnCode } from "../../../kernel/ports/return-codes";
import { partition, queuingPort, samplingPort } from "../../support/config-fixtures";

// Partition 5 is listed first but gets the later ids: ids follow partition id, then config order.
const PARTITIONS = [
  partition(5, [samplingPort("late", "SOURCE")]),
  partition(2, [samplingPort("temp", "DESTINATION", 8, 100n), queuingPort("cmd", "SOURCE", 4, 32, "PRIORITY")]),
];
const P2 = partitionId(2);
const P5 = partitionId(5);
const SAMPLING: SamplingPortRequest = { name: "temp", maxMessageSize: 8, direction: "DESTINATION", refreshPeriod: nanos(100) };
const QUEUING: QueuingPortRequest = { name: "cmd", maxMessageSize: 32, maxNbMessages: 4, direction: "SOURCE", discipline: "PRIORITY" };

describe("kernel/ports/port-table", () => {
  it("numbers ports by partition id, then configuration order", () => {
    const t = new PortTable(PARTITIONS);
    expect(t.all().map((e) => `${e.id}:${e.partition}/${e.config.name}`)).to.deep.equal(["1:2/temp", "2:2/cmd", "3:5/late"]);
  });

  describe("CREATE_SAMPLING_PORT", () => {
    const rows: readonly [what: string, mode: OperatingMode, change: Partial<SamplingPortRequest>, code: number][] = [
      ["matching request during COLD_START", "COLD_START", {}, ReturnCode.NO_ERROR],
      ["matching request during WARM_START", "WARM_START", {}, ReturnCode.NO_ERROR],
      ["in NORMAL mode", "NORMAL", {}, ReturnCode.INVALID_MODE],
      ["unknown name", "COLD_START", { name: "nope" }, ReturnCode.INVALID_CONFIG],
      ["name of a queuing port", "COLD_START", { name: "cmd" }, ReturnCode.INVALID_CONFIG],
      ["size 0", "COLD_START", { maxMessageSize: 0 }, ReturnCode.INVALID_PARAM],
      ["negative refresh", "COLD_START", { refreshPeriod: nanos(-1) }, ReturnCode.INVALID_PARAM],
      ["size differs from config", "COLD_START", { maxMessageSize: 9 }, ReturnCode.INVALID_CONFIG],
      ["direction differs from config", "COLD_START", { direction: "SOURCE" }, ReturnCode.INVALID_CONFIG],
      ["refresh differs from config", "COLD_START", { refreshPeriod: nanos(101) }, ReturnCode.INVALID_CONFIG],
    ];
    for (const [what, mode, change, code] of rows) {
      it(`${what} -> ${code}`, () => {
        const t = new PortTable(PARTITIONS);
        const r = t.createSampling(P2, mode, { ...SAMPLING, ...change });
        expect(toReturnCode(r.outcome)).to.equal(code);
        expect("id" in r).to.equal(code === ReturnCode.NO_ERROR);
      });
    }

    it("ignores the refresh period of a SOURCE port", () => {
      const t = new PortTable(PARTITIONS);
      const r = t.createSampling(P5, "COLD_START", { name: "late", maxMessageSize: 16, direction: "SOURCE", refreshPeriod: nanos(1) });
      expect(r).to.deep.equal({ outcome: "ok", id: 3 });
    });

    it("a second create gives NO_ACTION and the same id", () => {
      const t = new PortTable(PARTITIONS);
      t.createSampling(P2, "COLD_START", SAMPLING);
      expect(t.createSampling(P2, "WARM_START", SAMPLING)).to.deep.equal({ outcome: "noChange", id: 1 });
    });

    it("cannot create another partition's port", () => {
      const t = new PortTable(PARTITIONS);
      expect(t.createSampling(P5, "COLD_START", SAMPLING).outcome).to.equal("unknownName");
    });
  });

  describe("CREATE_QUEUING_PORT", () => {
    const rows: readonly [what: string, change: Partial<QueuingPortRequest>, outcome: string][] = [
      ["matching request", {}, "ok"],
      ["count 0", { maxNbMessages: 0 }, "badParam"],
      ["count differs", { maxNbMessages: 5 }, "configMismatch"],
      ["discipline differs", { discipline: "FIFO" }, "configMismatch"],
      ["direction differs", { direction: "DESTINATION" }, "configMismatch"],
      ["name of a sampling port", { name: "temp" }, "unknownName"],
    ];
    for (const [what, change, outcome] of rows) {
      it(`${what} -> ${outcome}`, () => {
        const t = new PortTable(PARTITIONS);
        expect(t.createQueuing(P2, "COLD_START", { ...QUEUING, ...change }).outcome).to.equal(outcome);
      });
    }
  });

  it("GET_*_PORT_ID finds created ports only; unknown -> INVALID_CONFIG", () => {
    const t = new PortTable(PARTITIONS);
    expect(toReturnCode(t.idOf(P2, "sampling", "temp").outcome)).to.equal(ReturnCode.INVALID_CONFIG);
    t.createSampling(P2, "COLD_START", SAMPLING);
    expect(t.idOf(P2, "sampling", "temp")).to.deep.equal({ outcome: "ok", id: 1 });
    expect(t.idOf(P2, "queuing", "temp").outcome).to.equal("unknownName");
    expect(t.idOf(P5, "sampling", "temp").outcome).to.equal("unknownName");
  });

  it("owned() accepts only the caller's created port of the right kind", () => {
    const t = new PortTable(PARTITIONS);
    t.createSampling(P2, "COLD_START", SAMPLING);
    expect(t.owned(P2, 1, "sampling")).to.not.equal("unknownId");
    expect(t.owned(P2, 1, "queuing")).to.equal("unknownId");
    expect(t.owned(P5, 1, "sampling")).to.equal("unknownId");
    expect(t.owned(P2, 2, "queuing")).to.equal("unknownId"); // not created
    expect(t.owned(P2, 0, "sampling")).to.equal("unknownId");
    expect(t.owned(P2, 99, "sampling")).to.equal("unknownId");
  });

  it("a partition restart forgets its created ports only", () => {
    const t = new PortTable(PARTITIONS);
    t.createSampling(P2, "COLD_START", SAMPLING);
    t.createSampling(P5, "COLD_START", { name: "late", maxMessageSize: 16, direction: "SOURCE", refreshPeriod: nanos(1) });
    t.resetPartition(P2);
    expect(t.idOf(P2, "sampling", "temp").outcome).to.equal("unknownName");
    expect(t.idOf(P5, "sampling", "late").outcome).to.equal("ok");
  });
});
