import { expect } from "chai";
import { nanos, partitionId, type PartitionId } from "../../../kernel/mem/types";
import { PortRouter } from "../../../kernel/ports/port-router";
import type { PortId } from "../../../kernel/ports/port-table";
import { ReturnCode, toReturnCode, type ServiceOutcome } from "../../../kernel/ports/return-codes";
import { channel, partition, queuingPort, samplingPort, systemConfig } from "../../support/config-fixtures";
import { Prng } from "../../support/prng";

// P1 writes "alt" (sampling) to P2 and P3 and to the pseudo partition "recorder"; P1 sends "cmd"
// (queuing, 2 deep at the source) to P2 (3 deep). The pseudo partition "radio" feeds P3's queue "rx".
const CONFIG = systemConfig({
  partitions: [
    partition(1, [samplingPort("alt", "SOURCE", 8), queuingPort("cmd", "SOURCE", 2, 8)]),
    partition(2, [samplingPort("alt_in", "DESTINATION", 8, 100n), queuingPort("cmd_in", "DESTINATION", 3, 8)]),
    partition(3, [samplingPort("alt_in", "DESTINATION", 16, 50n), queuingPort("rx", "DESTINATION", 1, 4)]),
  ],
  channels: [channel(1, "1:alt", "3:alt_in", "2:alt_in", "@recorder"), channel(2, "1:cmd", "2:cmd_in"), channel(3, "@radio", "3:rx")],
});
const P1 = partitionId(1);
const P2 = partitionId(2);
const P3 = partitionId(3);
const t = nanos;
const bytes = (...b: number[]): Uint8Array => new Uint8Array(b);

/** A router with every port created, and the ids by "partition/name". */
function setup(): { r: PortRouter; id: (p: PartitionId, name: string) => PortId } {
  const r = PortRouter.fromConfig(CONFIG);
  for (const e of r.table.all()) {
    const c = e.config;
    const res =
      c.kind === "sampling"
        ? r.table.createSampling(e.partition, "COLD_START", { name: c.name, maxMessageSize: c.maxMessageSize, direction: c.direction, refreshPeriod: c.refreshPeriod })
        : r.table.createQueuing(e.partition, "COLD_START", c);
    if (res.outcome !== "ok") throw new Error(`create ${c.name}: ${res.outcome}`);
  }
  return {
    r,
    id: (p, name) => {
      const e = r.table.find(p, name);
      if (e === undefined) throw new Error(name);
      return e.id;
    },
  };
}

describe("kernel/ports/port-router", () => {
  describe("sampling", () => {
    it("reads NO_ACTION with length 0 and INVALID before any write", () => {
      const { r, id } = setup();
      const got = r.readSampling(P2, id(P2, "alt_in"), t(0));
      expect(toReturnCode(got.outcome)).to.equal(ReturnCode.NO_ACTION);
      expect(got.message.length).to.equal(0);
      expect(got.validity).to.equal("INVALID");
    });

    it("routes one write to every destination, each with its own refresh period", () => {
      const { r, id } = setup();
      expect(r.writeSampling(P1, id(P1, "alt"), bytes(1, 2, 3), t(1000))).to.equal("ok");
      const at = (p: PartitionId, now: number) => r.readSampling(p, id(p, "alt_in"), t(now));
      expect(at(P2, 1100)).to.deep.equal({ outcome: "ok", message: bytes(1, 2, 3), validity: "VALID" });
      expect(at(P3, 1050).validity).to.equal("VALID");
      expect(at(P3, 1051).validity).to.equal("INVALID");
      expect(at(P3, 1051).outcome).to.equal("ok"); // a stale message is still returned, with NO_ERROR
      expect(r.takeExternal()).to.deep.equal([{ channel: 1, endpoint: "recorder", kind: "sampling", time: 1000n, data: bytes(1, 2, 3) }]);
      expect(r.takeExternal()).to.deep.equal([]);
    });

    it("copies on write and on read: no aliasing of guest memory", () => {
      const { r, id } = setup();
      const guest = bytes(5, 6);
      r.writeSampling(P1, id(P1, "alt"), guest, t(0));
      guest[0] = 0;
      const first = r.readSampling(P2, id(P2, "alt_in"), t(1)).message;
      first[1] = 0;
      expect(r.readSampling(P2, id(P2, "alt_in"), t(1)).message).to.deep.equal(bytes(5, 6));
      expect(r.readSampling(P3, id(P3, "alt_in"), t(1)).message).to.deep.equal(bytes(5, 6));
    });

    const rows: readonly [what: string, caller: PartitionId, port: [PartitionId, string] | number, len: number, code: number][] = [
      ["write from a DESTINATION port", P2, [P2, "alt_in"], 1, ReturnCode.INVALID_MODE],
      ["write of length 0", P1, [P1, "alt"], 0, ReturnCode.INVALID_PARAM],
      ["write over MaxMessageSize", P1, [P1, "alt"], 9, ReturnCode.INVALID_CONFIG],
      ["write of exactly MaxMessageSize", P1, [P1, "alt"], 8, ReturnCode.NO_ERROR],
      ["write on another partition's port", P2, [P1, "alt"], 1, ReturnCode.INVALID_PARAM],
      ["write on a queuing port id", P1, [P1, "cmd"], 1, ReturnCode.INVALID_PARAM],
      ["write on a nonexistent id", P1, 77, 1, ReturnCode.INVALID_PARAM],
    ];
    for (const [what, caller, port, len, code] of rows) {
      it(`${what} -> ${code}`, () => {
        const { r, id } = setup();
        const pid = typeof port === "number" ? port : id(port[0], port[1]);
        expect(toReturnCode(r.writeSampling(caller, pid, new Uint8Array(len), t(0)))).to.equal(code);
      });
    }

    it("read from a SOURCE port -> INVALID_MODE", () => {
      const { r, id } = setup();
      expect(toReturnCode(r.readSampling(P1, id(P1, "alt"), t(0)).outcome)).to.equal(ReturnCode.INVALID_MODE);
    });

    it("status reports configuration and the validity of the last read", () => {
      const { r, id } = setup();
      const port = id(P2, "alt_in");
      expect(r.samplingStatus(P2, port).status?.lastMsgValidity).to.equal("INVALID");
      r.writeSampling(P1, id(P1, "alt"), bytes(1), t(0));
      r.readSampling(P2, port, t(10));
      expect(r.samplingStatus(P2, port)).to.deep.equal({
        outcome: "ok",
        status: { refreshPeriod: 100n, maxMessageSize: 8, direction: "DESTINATION", lastMsgValidity: "VALID" },
      });
      r.readSampling(P2, port, t(500));
      expect(r.samplingStatus(P2, port).status?.lastMsgValidity).to.equal("INVALID");
      expect(r.samplingStatus(P1, port).outcome).to.equal("unknownId");
    });
  });

  describe("queuing", () => {
    it("delivers FIFO; NOT_AVAILABLE only when destination and source FIFOs are both full", () => {
      const { r, id } = setup();
      const send = (b: number) => toReturnCode(r.sendQueuing(P1, id(P1, "cmd"), bytes(b), t(0)));
      expect([1, 2, 3, 4, 5, 6].map(send)).to.deep.equal([0, 0, 0, 0, 0, ReturnCode.NOT_AVAILABLE]);
      expect(r.queuingStatus(P1, id(P1, "cmd")).status?.nbMessage).to.equal(2);
      expect(r.queuingStatus(P2, id(P2, "cmd_in")).status?.nbMessage).to.equal(3);
      const got: number[] = [];
      for (;;) {
        const m = r.receiveQueuing(P2, id(P2, "cmd_in"));
        if (m.outcome !== "ok") {
          expect(toReturnCode(m.outcome)).to.equal(ReturnCode.NOT_AVAILABLE);
          break;
        }
        got.push(m.message[0] ?? -1);
      }
      expect(got).to.deep.equal([1, 2, 3, 4, 5]);
      expect(r.queuingStatus(P1, id(P1, "cmd")).status?.nbMessage).to.equal(0);
    });

    const rows: readonly [what: string, run: (r: PortRouter, id: (p: PartitionId, n: string) => PortId) => ServiceOutcome, code: number][] = [
      ["send from a DESTINATION port", (r, id) => r.sendQueuing(P2, id(P2, "cmd_in"), bytes(1), t(0)), ReturnCode.INVALID_MODE],
      ["send of length 0", (r, id) => r.sendQueuing(P1, id(P1, "cmd"), bytes(), t(0)), ReturnCode.INVALID_PARAM],
      ["send over MaxMessageSize", (r, id) => r.sendQueuing(P1, id(P1, "cmd"), new Uint8Array(9), t(0)), ReturnCode.INVALID_CONFIG],
      ["receive on a SOURCE port", (r, id) => r.receiveQueuing(P1, id(P1, "cmd")).outcome, ReturnCode.INVALID_MODE],
      ["receive on an empty queue", (r, id) => r.receiveQueuing(P2, id(P2, "cmd_in")).outcome, ReturnCode.NOT_AVAILABLE],
      ["receive on a sampling id", (r, id) => r.receiveQueuing(P2, id(P2, "alt_in")).outcome, ReturnCode.INVALID_PARAM],
      ["clear a SOURCE port", (r, id) => r.clearQueuing(P1, id(P1, "cmd")), ReturnCode.INVALID_MODE],
      ["clear another partition's port", (r, id) => r.clearQueuing(P1, id(P2, "cmd_in")), ReturnCode.INVALID_PARAM],
      ["status of a sampling id", (r, id) => r.queuingStatus(P1, id(P1, "alt")).outcome, ReturnCode.INVALID_PARAM],
    ];
    for (const [what, run, code] of rows) {
      it(`${what} -> ${code}`, () => {
        const { r, id } = setup();
        expect(toReturnCode(run(r, id))).to.equal(code);
      });
    }

    it("clear empties the destination and lets waiting source messages in", () => {
      const { r, id } = setup();
      for (let i = 1; i <= 5; i++) r.sendQueuing(P1, id(P1, "cmd"), bytes(i), t(0));
      expect(r.clearQueuing(P2, id(P2, "cmd_in"))).to.equal("ok");
      expect(r.receiveQueuing(P2, id(P2, "cmd_in")).message).to.deep.equal(bytes(4));
    });

    it("an external sender overflows the destination; the next receive says INVALID_CONFIG once", () => {
      const { r, id } = setup();
      expect(r.injectExternal(3, bytes(1), t(0))).to.equal("ok");
      expect(r.injectExternal(3, bytes(2), t(1))).to.equal("full");
      const first = r.receiveQueuing(P3, id(P3, "rx"));
      expect(toReturnCode(first.outcome)).to.equal(ReturnCode.INVALID_CONFIG);
      expect(first.message).to.deep.equal(bytes(1));
      r.injectExternal(3, bytes(3), t(2));
      expect(r.receiveQueuing(P3, id(P3, "rx"))).to.deep.equal({ outcome: "ok", message: bytes(3) });
    });

    it("delivers an external message to all destinations or none", () => {
      const wide = systemConfig({
        partitions: [
          partition(1, [samplingPort("a", "DESTINATION", 8)]),
          partition(2, [samplingPort("b", "DESTINATION", 2)]),
        ],
        channels: [channel(7, "@sensor", "1:a", "2:b")],
      });
      const r = PortRouter.fromConfig(wide);
      const created = r.table.createSampling(P1, "COLD_START", { name: "a", maxMessageSize: 8, direction: "DESTINATION", refreshPeriod: nanos(100) });
      if (created.outcome !== "ok") throw new Error(created.outcome);
      expect(r.injectExternal(7, bytes(1, 2, 3), t(0))).to.equal("tooLarge");
      expect(r.readSampling(P1, created.id, t(0)).outcome).to.equal("noMessage");
      expect(r.injectExternal(7, bytes(1, 2), t(0))).to.equal("ok");
      expect(r.readSampling(P1, created.id, t(0)).message).to.deep.equal(bytes(1, 2));
    });

    it("refuses external messages on unknown channels, empty or too long", () => {
      const { r } = setup();
      expect(r.injectExternal(2, bytes(1), t(0))).to.equal("unknownId"); // channel 2 has a partition source
      expect(r.injectExternal(3, bytes(), t(0))).to.equal("badParam");
      expect(r.injectExternal(3, bytes(1, 2, 3, 4, 5), t(0))).to.equal("tooLarge");
    });

    it("property: random sends and receives never lose, duplicate or reorder messages", () => {
      const rng = new Prng(2024);
      const { r, id } = setup();
      const src = id(P1, "cmd");
      const dst = id(P2, "cmd_in");
      const accepted: number[] = [];
      const received: number[] = [];
      for (let i = 0; i < 3000; i++) {
        if (rng.chance(1, 2)) {
          const outcome = r.sendQueuing(P1, src, bytes(i & 0xff, i >> 8), t(i));
          if (outcome === "ok") accepted.push(i);
          else if (outcome !== "full") throw new Error(outcome);
        } else {
          const m = r.receiveQueuing(P2, dst);
          if (m.outcome === "ok") received.push((m.message[0] ?? 0) | ((m.message[1] ?? 0) << 8));
          else if (m.outcome !== "empty") throw new Error(m.outcome);
        }
        const inFlight = (r.queuingStatus(P1, src).status?.nbMessage ?? 0) + (r.queuingStatus(P2, dst).status?.nbMessage ?? 0);
        if (inFlight !== accepted.length - received.length) throw new Error(`in flight ${inFlight} at step ${i}`);
      }
      expect(received).to.deep.equal(accepted.slice(0, received.length));
      expect(received.length).to.be.greaterThan(1000);
    });
  });

  it("a partition restart empties its own ports and requires them to be created again", () => {
    const { r, id } = setup();
    r.writeSampling(P1, id(P1, "alt"), bytes(1), t(0));
    for (let i = 1; i <= 5; i++) r.sendQueuing(P1, id(P1, "cmd"), bytes(i), t(0));
    r.resetPartition(P2);
    expect(r.readSampling(P2, id(P2, "alt_in"), t(1)).outcome).to.equal("unknownId");
    expect(r.table.createSampling(P2, "COLD_START", { name: "alt_in", maxMessageSize: 8, direction: "DESTINATION", refreshPeriod: t(100) }).outcome).to.equal("ok");
    expect(r.readSampling(P2, id(P2, "alt_in"), t(1)).outcome).to.equal("noMessage");
    expect(r.readSampling(P3, id(P3, "alt_in"), t(1)).outcome).to.equal("ok"); // P3 keeps its copy
    r.table.createQueuing(P2, "COLD_START", { name: "cmd_in", maxMessageSize: 8, maxNbMessages: 3, direction: "DESTINATION", discipline: "FIFO" });
    // The three queued messages are gone; the two waiting at P1's source moved in.
    expect([1, 2, 3].map(() => r.receiveQueuing(P2, id(P2, "cmd_in")).message[0])).to.deep.equal([4, 5, undefined]);
  });

  it("refuses a configuration that breaks the channel rules (validator bug)", () => {
    const bad = systemConfig({
      partitions: CONFIG.partitions,
      channels: [channel(1, "2:alt_in", "1:alt")],
    });
    expect(() => PortRouter.fromConfig(bad)).to.throw(/channel 1/);
  });

  it("keeps messages of an unconnected source port until its FIFO is full", () => {
    const r = PortRouter.fromConfig(systemConfig({ partitions: [partition(1, [queuingPort("lonely", "SOURCE", 1, 4)])] }));
    const created = r.table.createQueuing(P1, "COLD_START", { name: "lonely", maxMessageSize: 4, maxNbMessages: 1, direction: "SOURCE", discipline: "FIFO" });
    if (created.outcome !== "ok") throw new Error(created.outcome);
    expect(r.sendQueuing(P1, created.id, bytes(1), t(0))).to.equal("ok");
    expect(r.sendQueuing(P1, created.id, bytes(2), t(0))).to.equal("full");
  });
});

describe("kernel/ports/port-router: Part 2 sampling extensions", () => {
  it("READ_UPDATED_SAMPLING_MESSAGE reads a message once; the current status tells empty, new and consumed apart", () => {
    const { r, id } = setup();
    const dest = id(P2, "alt_in");
    expect(r.samplingCurrentStatus(P2, dest, t(0)).status).to.deep.include({ updated: "EMPTY_PORT", timeStamp: undefined, messageValidity: "INVALID" });
    expect(r.readUpdatedSampling(P2, dest, t(0)).outcome).to.equal("noMessage");
    r.writeSampling(P1, id(P1, "alt"), bytes(7), t(10));
    expect(r.samplingCurrentStatus(P2, dest, t(20)).status).to.deep.include({ updated: "NEW_MESSAGE", timeStamp: t(10), messageValidity: "VALID" });
    expect(r.readUpdatedSampling(P2, dest, t(20))).to.deep.equal({ outcome: "ok", message: bytes(7), validity: "VALID" });
    expect(r.readUpdatedSampling(P2, dest, t(30)).outcome, "already read").to.equal("noMessage");
    expect(r.samplingCurrentStatus(P2, dest, t(200)).status, "aged past the 100 ns refresh").to.deep.include({ updated: "CONSUMED_MESSAGE", messageValidity: "INVALID" });
    r.writeSampling(P1, id(P1, "alt"), bytes(8), t(300));
    expect(r.readUpdatedSampling(P2, dest, t(300)).message).to.deep.equal(bytes(8));
    expect(r.readUpdatedSampling(P1, id(P1, "alt"), t(300)).outcome, "a source").to.equal("wrongDirection");
    expect(r.samplingCurrentStatus(P2, 99, t(0)).outcome).to.equal("unknownId");
  });
});
