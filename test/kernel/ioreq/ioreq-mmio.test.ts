// The client end of a served MMIO window on a bare CPU: a load rolls its instruction back (nothing
// counted or charged) and the vCPU stops; once served, the instruction runs again before any interrupt
// and takes the value; a fetch from the window cannot wait and reads a floating bus.
import { expect } from "chai";
import type { PartitionConfig } from "../../../kernel/config/model";
import { Cpu } from "../../../kernel/cpu/cpu";
import type { InterruptSource } from "../../../kernel/cpu/io";
import { IoBus } from "../../../kernel/devices/io-bus";
import { IoreqDir, IoreqSpace, IoreqState } from "../../../kernel/hypercall/generated/abi-generated";
import { IOREQ_SLOT_LAYOUT, PV_CONSTANTS } from "../../../kernel/hypercall/generated/abi-layout";
import { IoreqClient, IOREQ_STOP } from "../../../kernel/ioreq/ioreq-client";
import { IoreqHub } from "../../../kernel/ioreq/ioreq-hub";
import type { RingMemory } from "../../../kernel/ioreq/ioreq-ring";
import { PhysicalMemory } from "../../../kernel/mem/physical-memory";
import { nanos, partitionId } from "../../../kernel/mem/types";
import type { TraceEvent } from "../../../kernel/trace/trace-event";
import { partition } from "../../support/config-fixtures";

const WINDOW = 0x0010_0000;
const CODE = 0x1000;
const SERVER = partitionId(9);
const CLIENT = partitionId(1);
const F = IOREQ_SLOT_LAYOUT.fields;

/** A client CPU with a served MMIO UART at WINDOW, and a server in TypeScript that keeps 8 registers. */
function setup(code: number[], intr?: InterruptSource): { cpu: Cpu; client: IoreqClient; hub: IoreqHub; serve: () => number; regs: number[]; events: TraceEvent[] } {
  const c = { ...partition(1), name: "c" };
  const ps: PartitionConfig[] = [{ ...partition(9), name: "io" }, { ...c, guest: { ...c.guest, kind: "FV", served: [{ name: `uart16550@${WINDOW}`, server: "io", mmio: true, pos: c.pos }] } }];
  const events: TraceEvent[] = [];
  const hub = new IoreqHub(ps, { now: () => nanos(0), windowId: () => 1, emit: (e) => events.push(e), console: () => undefined });
  const w = new Uint32Array(1024);
  const ring: RingMemory = { read32: (o) => w[o / 4]!, write32: (o, v) => void (w[o / 4] = v >>> 0) };
  hub.attach(SERVER, ring);
  const memory = new PhysicalMemory(0x10000);
  memory.writeBytes(CODE as never, Uint8Array.from(code));
  const cpu = new Cpu({ memory, io: new IoBus(), exceptionsExit: true, ...(intr === undefined ? {} : { interrupts: intr }) });
  cpu.eip = CODE;
  const client = new IoreqClient(hub, CLIENT, () => nanos(0));
  client.wire(new IoBus(), cpu);
  const regs = [0, 0, 0, 0, 0, 0, 0, 0];
  const serve = (): number => {
    let n = 0;
    for (let i = 0; i < PV_CONSTANTS.IOREQ_SLOTS; i++) {
      const o = (PV_CONSTANTS.IOREQ_SLOT_OFFSET + i * IOREQ_SLOT_LAYOUT.size) / 4;
      if (w[o + F.state.offset / 4] !== IoreqState.READY) continue;
      expect(w[o + F.space.offset / 4]).to.equal(IoreqSpace.MMIO);
      const off = w[o + F.offset.offset / 4]!;
      if (w[o + F.dir.offset / 4] === IoreqDir.IN) w[o + F.data.offset / 4] = regs[off]!;
      else regs[off] = w[o + F.data.offset / 4]! & 0xff;
      w[o + F.state.offset / 4] = IoreqState.DONE;
      n++;
    }
    hub.notify(SERVER);
    return n;
  };
  return { cpu, client, hub, serve, regs, events };
}

describe("kernel/ioreq/ioreq-mmio", () => {
  it("rolls a load's instruction back with nothing counted, then completes it once with the served value", () => {
    // mov al, [WINDOW+7]; add al, [WINDOW+7]; hlt
    const { cpu, client, serve, regs, events } = setup([0xa0, 0x07, 0x00, 0x10, 0x00, 0x02, 0x05, 0x07, 0x00, 0x10, 0x00, 0xf4]);
    regs[7] = 0x21;
    cpu.eax = 0x1234_5600;
    expect(cpu.run(1000)).to.deep.equal({ kind: "stop", reason: IOREQ_STOP });
    expect([cpu.eip, cpu.instructions, cpu.eax]).to.deep.equal([CODE, 0, 0x1234_5600]);
    expect(client.blocked()).to.equal(true);
    expect(serve()).to.equal(1);
    expect(client.resume(nanos(1))).to.equal(true);
    expect(cpu.run(1000)).to.deep.equal({ kind: "stop", reason: IOREQ_STOP }); // the ADD's load
    expect([cpu.eip, cpu.instructions, cpu.eax]).to.deep.equal([CODE + 5, 1, 0x1234_5621]);
    serve();
    client.resume(nanos(2));
    expect(cpu.run(1000).kind).to.equal("halt");
    expect([cpu.instructions, cpu.eax]).to.deep.equal([3, 0x1234_5642]);
    expect(events.filter((e) => e.kind === "ioreq" && e.phase === "issued")).to.have.length(2);
  });

  it("runs the served instruction before an interrupt that became pending while it waited", () => {
    let seen = "";
    const intr: InterruptSource = {
      pending: () => true,
      acknowledge: () => {
        seen = `eip=${(cpu.eip - CODE).toString(16)} al=${(cpu.eax & 0xff).toString(16)}`;
        return 0x20;
      },
    };
    // sti; nop; mov al, [WINDOW+3]; hlt  (the interrupt is taken after the NOP: the STI shadow covers only it)
    const s = setup([0xfb, 0x90, 0xa0, 0x03, 0x00, 0x10, 0x00, 0xf4], intr);
    const cpu = s.cpu;
    s.regs[3] = 0x5a;
    // The source is pending from the start: keep it quiet until the load waits.
    let armed = false;
    intr.pending = () => armed;
    expect(cpu.run(1000)).to.deep.equal({ kind: "stop", reason: IOREQ_STOP });
    expect(cpu.eip).to.equal(CODE + 2);
    s.serve();
    s.client.resume(nanos(1));
    armed = true;
    cpu.run(1000);
    expect(seen).to.equal("eip=7 al=5a");
  });

  it("cannot make an instruction fetch wait: code run from the window reads a floating bus and issues nothing", () => {
    // jmp WINDOW (E9 rel32)
    const rel = (WINDOW - (CODE + 5)) >>> 0;
    const { cpu, client, events } = setup([0xe9, rel & 0xff, (rel >>> 8) & 0xff, (rel >>> 16) & 0xff, rel >>> 24]);
    const exit = cpu.run(1000);
    expect(exit.kind).to.equal("fault");
    expect(client.mmio.unforwarded).to.be.greaterThan(0);
    expect(events).to.deep.equal([]);
  });
});
