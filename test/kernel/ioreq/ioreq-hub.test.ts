import { expect } from "chai";
import type { PartitionConfig } from "../../../kernel/config/model";
import { IoreqDir, IoreqState } from "../../../kernel/hypercall/generated/abi-generated";
import { IOREQ_SLOT_LAYOUT, PV_CONSTANTS } from "../../../kernel/hypercall/generated/abi-layout";
import { IoreqHub } from "../../../kernel/ioreq/ioreq-hub";
import type { RingMemory } from "../../../kernel/ioreq/ioreq-ring";
import { nanos, partitionId } from "../../../kernel/mem/types";
import type { TraceEvent } from "../../../kernel/trace/trace-event";
import { partition } from "../../support/config-fixtures";

const pvPartition = (id: number, name: string): PartitionConfig => ({ ...partition(id), name });

const words = (): RingMemory & { w: Uint32Array } => {
  const w = new Uint32Array(1024);
  return { w, read32: (o) => w[o / 4]!, write32: (o, v) => void (w[o / 4] = v >>> 0) };
};
const slotOff = (i: number, f: keyof typeof IOREQ_SLOT_LAYOUT.fields): number => (PV_CONSTANTS.IOREQ_SLOT_OFFSET + i * IOREQ_SLOT_LAYOUT.size + IOREQ_SLOT_LAYOUT.fields[f].offset) / 4;

function setup(clients: number): { hub: IoreqHub; events: TraceEvent[]; wakes: number[]; consoles: string[] } {
  const server = pvPartition(9, "io");
  const ps: PartitionConfig[] = [server];
  for (let i = 1; i <= clients; i++) {
    const c = pvPartition(i, `c${i}`);
    ps.push({ ...c, guest: { ...c.guest, kind: "FV", served: [{ name: "uart16550@0x3f8", server: "io", pos: c.pos }] } });
  }
  const events: TraceEvent[] = [];
  const wakes: number[] = [];
  const consoles: string[] = [];
  const hub = new IoreqHub(ps, { now: () => nanos(10), windowId: () => 3, emit: (e) => events.push(e), console: (p, b) => consoles.push(`${p}:${String.fromCharCode(...b)}`) });
  hub.setWake(partitionId(9), () => wakes.push(1));
  return { hub, events, wakes, consoles };
}

describe("kernel/ioreq/ioreq-hub", () => {
  it("blocks the client until the server completes, then hands it the data once; traces issued, served, completed", () => {
    const { hub, events, wakes } = setup(1);
    const c = partitionId(1);
    const dev = hub.devicesOf(c)[0]!;
    const ring = words();
    expect(hub.attach(partitionId(9), ring)).to.equal(true);
    hub.issue(c, dev, 0x3fd, 1, IoreqDir.IN, 0, nanos(5));
    expect(hub.blocked(c)).to.equal(true);
    expect(wakes.length).to.equal(1);
    ring.w[slotOff(0, "data")] = 0x60;
    ring.w[slotOff(0, "state")] = IoreqState.DONE;
    expect(hub.notify(partitionId(9))).to.deep.equal({ completed: 1, problems: [] });
    expect(hub.blocked(c)).to.equal(false);
    expect(hub.takeResult(c, nanos(20))?.data).to.equal(0x60);
    expect(hub.takeResult(c, nanos(21))).to.equal(undefined);
    expect(events.map((e) => (e.kind === "ioreq" ? `${e.phase}@${e.time} p${e.partition} w${e.window}` : e.kind))).to.deep.equal(["issued@5 p1 w3", "served@10 p9 w3", "completed@20 p1 w3"]);
  });

  it("queues requests while the ring is full or not attached and posts them as slots free", () => {
    const n = PV_CONSTANTS.IOREQ_SLOTS + 2;
    const { hub } = setup(n);
    for (let i = 1; i <= n; i++) hub.issue(partitionId(i), hub.devicesOf(partitionId(i))[0]!, 0x3f8, 1, IoreqDir.OUT, i, nanos(0));
    const ring = words();
    hub.attach(partitionId(9), ring);
    const ids = (): number[] => [...Array(PV_CONSTANTS.IOREQ_SLOTS).keys()].map((i) => ring.w[slotOff(i, "id")]!);
    expect(ids()).to.deep.equal([1, 2, 3, 4, 5, 6]);
    ring.w[slotOff(1, "state")] = IoreqState.DONE;
    ring.w[slotOff(4, "state")] = IoreqState.DONE;
    expect(hub.notify(partitionId(9))?.completed).to.equal(2);
    expect(ids()).to.deep.equal([1, 7, 3, 4, 8, 6]);
    expect(hub.blocked(partitionId(2))).to.equal(false);
    expect(hub.blocked(partitionId(7))).to.equal(true);
  });

  it("completes everything in flight as a floating bus when the server restarts, and serves again after it re-attaches", () => {
    const { hub, events } = setup(2);
    hub.attach(partitionId(9), words());
    hub.issue(partitionId(1), hub.devicesOf(partitionId(1))[0]!, 0x3fd, 1, IoreqDir.IN, 0, nanos(0));
    hub.issue(partitionId(2), hub.devicesOf(partitionId(2))[0]!, 0x3fd, 2, IoreqDir.IN, 0, nanos(0));
    hub.serverReset(partitionId(9));
    expect(hub.takeResult(partitionId(1), nanos(1))?.data).to.equal(0xff);
    expect(hub.takeResult(partitionId(2), nanos(1))?.data).to.equal(0xffff);
    expect(events.filter((e) => e.kind === "ioreq" && e.outcome === "floating")).to.have.length(2);
    expect(hub.notify(partitionId(9))).to.equal(undefined);
    hub.issue(partitionId(1), hub.devicesOf(partitionId(1))[0]!, 0x3fd, 1, IoreqDir.IN, 0, nanos(2));
    const ring = words();
    hub.attach(partitionId(9), ring);
    expect(ring.w[slotOff(0, "state")]).to.equal(IoreqState.READY);
  });

  it("lets a server write only to its own clients' consoles", () => {
    const { hub, consoles } = setup(1);
    expect(hub.clientConsole(partitionId(9), 1, Uint8Array.of(0x68, 0x69))).to.equal(true);
    expect(hub.clientConsole(partitionId(9), 9, Uint8Array.of(0x68))).to.equal(false);
    expect(hub.clientConsole(partitionId(1), 1, Uint8Array.of(0x68))).to.equal(false);
    expect(consoles).to.deep.equal(["1:hi"]);
  });

  it("ioreq_irq_set reaches the client's line only for a device the caller serves on that line; a server reset lowers it", () => {
    const { hub } = setup(2);
    const levels: string[] = [];
    hub.setIrqSink(partitionId(1), (line, level) => levels.push(`1:${line}=${level}`));
    expect(hub.setIrq(partitionId(9), 1, 4, true)).to.equal(true); // COM1's IRQ 4
    expect(hub.setIrq(partitionId(9), 1, 14, true)).to.equal(false); // no device of client 1 on IRQ 14
    expect(hub.setIrq(partitionId(2), 1, 4, true)).to.equal(false); // partition 2 serves nothing for client 1
    expect(hub.setIrq(partitionId(9), 7, 4, true)).to.equal(false); // not a client
    hub.serverReset(partitionId(9));
    expect(levels).to.deep.equal(["1:4=true", "1:4=false"]);
  });

  it("a string run's request, waiting client and IN result survive the snapshot encoding; a run whose bytes do not match its count is refused", () => {
    const { hub } = setup(1);
    const c = partitionId(1);
    const ring = words();
    hub.attach(partitionId(9), ring);
    hub.issue(c, hub.devicesOf(c)[0]!, 0x3f8, 2, IoreqDir.OUT, 0, nanos(1), 2, Uint8Array.from([1, 2, 3, 4]));
    const saved = JSON.parse(JSON.stringify(hub.saveState())) as { clients: { waiting: { bytes: string; count: number } }[] };
    expect(saved.clients[0]!.waiting).to.deep.include({ count: 2, bytes: "01020304" });
    const other = setup(1).hub;
    other.setWake(partitionId(9), () => undefined, () => words());
    expect(other.prepareRestore(saved).ok).to.equal(true);
    saved.clients[0]!.waiting.bytes = "010203";
    const bad = other.prepareRestore(saved);
    expect(bad.ok).to.equal(false);
  });

  it("a server reset completes an IN run as all-ones elements and an OUT run as a plain floating value (both survive a snapshot)", () => {
    const { hub } = setup(2);
    const dev = (c: number) => hub.devicesOf(partitionId(c))[0]!;
    hub.attach(partitionId(9), words());
    hub.issue(partitionId(1), dev(1), 0x3f8, 2, IoreqDir.IN, 0, nanos(1), 4);
    hub.issue(partitionId(2), dev(2), 0x3f8, 2, IoreqDir.OUT, 0, nanos(1), 2, Uint8Array.from([1, 2, 3, 4]));
    hub.serverReset(partitionId(9));
    const saved = hub.saveState();
    const other = setup(2).hub;
    other.setWake(partitionId(9), () => undefined, () => words());
    const restored = other.prepareRestore(JSON.parse(JSON.stringify(saved)));
    expect(restored.ok).to.equal(true);
    const a = hub.takeResult(partitionId(1), nanos(2))!;
    expect([...(a.data as Uint8Array)]).to.deep.equal(new Array(8).fill(0xff));
    expect(hub.takeResult(partitionId(2), nanos(2))!.data).to.equal(0xffff);
  });
});
