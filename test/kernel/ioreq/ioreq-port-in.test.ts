// The client end of a served port on a bare CPU: an IN or a single INS stops the vCPU after the instruction,
// and the resume puts the served data where the instruction would have: AL for an IN, ES:EDI for an INS. The
// client tells them apart by Cpu.insElement, so an IN in a block that holds EDI in a local (register locals
// are stored only at the block's exits) is still an IN.
import { expect } from "chai";
import type { PartitionConfig } from "../../../kernel/config/model";
import { Cpu } from "../../../kernel/cpu/cpu";
import { IoBus } from "../../../kernel/devices/io-bus";
import { IoreqDir, IoreqSpace, IoreqState } from "../../../kernel/hypercall/generated/abi-generated";
import { IOREQ_SLOT_LAYOUT, PV_CONSTANTS } from "../../../kernel/hypercall/generated/abi-layout";
import { IoreqClient, IOREQ_STOP, readPendingIn } from "../../../kernel/ioreq/ioreq-client";
import { IoreqHub } from "../../../kernel/ioreq/ioreq-hub";
import type { RingMemory } from "../../../kernel/ioreq/ioreq-ring";
import { PhysicalMemory } from "../../../kernel/mem/physical-memory";
import { guestPhys, nanos, partitionId } from "../../../kernel/mem/types";
import { Fields } from "../../../kernel/snapshot/json-fields";
import { partition } from "../../support/config-fixtures";

const CODE = 0x1000;
const BUF = 0x3000;
const SERVER = partitionId(9);
const CLIENT = partitionId(1);
const F = IOREQ_SLOT_LAYOUT.fields;
/** The served UART's receive buffer (COM1 + 0): `mov dx, RBR` before each access. */
const RBR = 0x3f8;

/** A client CPU whose COM1 ports (or another `device`'s) are served by partition 9; `serve(v)` answers every
 * waiting single IN with v. */
function setup(code: number[], device = "uart16550@0x3f8"): { cpu: Cpu; client: IoreqClient; mem: PhysicalMemory; serve: (v: number) => number } {
  const c = { ...partition(1), name: "c" };
  const ps: PartitionConfig[] = [{ ...partition(9), name: "io" }, { ...c, guest: { ...c.guest, kind: "FV", served: [{ name: device, server: "io", pos: c.pos }] } }];
  const hub = new IoreqHub(ps, { now: () => nanos(0), windowId: () => 1, emit: () => undefined, console: () => undefined });
  const w = new Uint32Array(1024);
  const ring: RingMemory = { read32: (o) => w[o / 4]!, write32: (o, v) => void (w[o / 4] = v >>> 0) };
  hub.attach(SERVER, ring);
  const mem = new PhysicalMemory(0x10000);
  mem.writeBytes(guestPhys(CODE), Uint8Array.from(code));
  const bus = new IoBus();
  const cpu = new Cpu({ memory: mem, io: bus, exceptionsExit: true });
  cpu.eip = CODE;
  const client = new IoreqClient(hub, CLIENT, () => nanos(0));
  client.wire(bus, cpu);
  const serve = (v: number): number => {
    let n = 0;
    for (let i = 0; i < PV_CONSTANTS.IOREQ_SLOTS; i++) {
      const o = (PV_CONSTANTS.IOREQ_SLOT_OFFSET + i * IOREQ_SLOT_LAYOUT.size) / 4;
      if (w[o + F.state.offset / 4] !== IoreqState.READY) continue;
      expect(w[o + F.space.offset / 4]).to.not.equal(IoreqSpace.MMIO);
      expect(w[o + F.dir.offset / 4]).to.equal(IoreqDir.IN);
      w[o + F.data.offset / 4] = v;
      w[o + F.state.offset / 4] = IoreqState.DONE;
      n++;
    }
    hub.notify(SERVER);
    return n;
  };
  return { cpu, client, mem, serve };
}

/** Runs to the next stop, serves `v`, and resumes. */
function serveOne(s: ReturnType<typeof setup>, v: number): void {
  expect(s.cpu.run(10_000)).to.deep.equal({ kind: "stop", reason: IOREQ_STOP });
  expect(s.serve(v)).to.equal(1);
  expect(s.client.resume(nanos(1))).to.equal(true);
}

describe("kernel/ioreq: served port IN and INS", () => {
  it("an IN in a looping block that changed EDI in a local: the data goes to AL, and memory stays as it was", () => {
    // mov dx, RBR; mov ecx, 3; mov edi, BUF; L: add edi, 4; in al, dx; add ebx, eax; dec ecx; jnz L; hlt
    const code = [
      0x66, 0xba, RBR & 0xff, RBR >> 8, // mov dx, RBR
      0xb9, 3, 0, 0, 0, // mov ecx, 3
      0xbf, BUF & 0xff, BUF >> 8, 0, 0, // mov edi, BUF
      0x83, 0xc7, 0x04, // L: add edi, 4
      0xec, // in al, dx
      0x01, 0xc3, // add ebx, eax
      0x49, // dec ecx
      0x75, 0xf7, // jnz L
      0xf4, // hlt
    ];
    const s = setup(code);
    for (const v of [0x11, 0x22, 0x33]) serveOne(s, v);
    expect(s.cpu.run(10_000).kind).to.equal("halt");
    expect(s.cpu.ebx).to.equal(0x11 + 0x22 + 0x33);
    expect(s.cpu.edi).to.equal(BUF + 12);
    expect(Array.from(s.mem.readBytes(guestPhys(BUF), 16))).to.deep.equal(new Array<number>(16).fill(0));
  });

  it("a single INS (a port without string runs): the element goes to ES:EDI, EDI moves, AL stays", () => {
    // mov dx, RBR; mov edi, BUF; mov eax, 0x1234; insb; insb; hlt
    const code = [0x66, 0xba, RBR & 0xff, RBR >> 8, 0xbf, BUF & 0xff, BUF >> 8, 0, 0, 0xb8, 0x34, 0x12, 0, 0, 0x6c, 0x6c, 0xf4];
    const s = setup(code);
    serveOne(s, 0x5a);
    serveOne(s, 0xa5);
    expect(s.cpu.run(10_000).kind).to.equal("halt");
    expect(Array.from(s.mem.readBytes(guestPhys(BUF), 3))).to.deep.equal([0x5a, 0xa5, 0]);
    expect([s.cpu.edi, s.cpu.eax]).to.deep.equal([BUF + 2, 0x1234]);
  });

  it("a batched INS run (ATA data port) is recorded as an INS too", () => {
    // mov dx, 0x1f0; mov edi, BUF; mov ecx, 4; rep insw; hlt
    const s = setup([0x66, 0xba, 0xf0, 0x01, 0xbf, BUF & 0xff, BUF >> 8, 0, 0, 0xb9, 4, 0, 0, 0, 0xf3, 0x66, 0x6d, 0xf4], "ata");
    expect(s.cpu.run(10_000)).to.deep.equal({ kind: "stop", reason: IOREQ_STOP });
    expect(s.client.saveState()).to.include({ size: 2, edi: BUF, ins: true, count: 4, lin: BUF, step: 2 });
  });

  it("the waiting access survives a snapshot as IN or INS; one saved before that was recorded goes by EDI", () => {
    const s = setup([0x66, 0xba, RBR & 0xff, RBR >> 8, 0xbf, BUF & 0xff, BUF >> 8, 0, 0, 0x6c, 0xf4]); // insb
    expect(s.cpu.run(10_000)).to.deep.equal({ kind: "stop", reason: IOREQ_STOP });
    const saved = s.client.saveState();
    expect(saved).to.include({ size: 1, edi: BUF, ins: true, count: 1 });
    const back = readPendingIn(new Fields(JSON.parse(JSON.stringify(saved)), "ioreqIn"));
    expect(back?.ins).to.equal(true);
    const { ins: _dropped, ...older } = saved!;
    expect(readPendingIn(new Fields(older, "ioreqIn"))?.ins).to.equal(undefined);
    // An older snapshot's INS: EDI moved since the access, so the element goes to memory.
    s.client.restoreState(readPendingIn(new Fields(older, "ioreqIn")));
    // Saved again, it still has no flag (recording one would turn a guess into a claim).
    expect(s.client.saveState()).to.not.have.property("ins");
    expect(s.serve(0x42)).to.equal(1);
    s.client.resume(nanos(1));
    expect(s.mem.read(guestPhys(BUF), 1)).to.equal(0x42);
  });
});
