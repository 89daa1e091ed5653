// The HM upcall of the apx_services device (apx-services.md, "HM upcall"): the line follows the record, the guest
// reads it through SELECT/DATA and ACKs it; a callback's ACK is told to the kernel; fault reports are checked
// at the boundary before the HM hears of them; hostile accesses are counted, never served; a record waiting at
// a cut survives save/restore bit for bit.
import { expect } from "chai";
import { APX_FAULT_BLOCK, APX_NO_IRQ, APX_REG, APX_SERVICES_BASE, ApxServices } from "../../../kernel/devices/apx-services";
import { serveApxFault } from "../../../kernel/devices/apx-services-hm";
import { UPCALL_FIELDS, UPCALL_KIND_VALUE, type UpcallRecord } from "../../../kernel/devices/apx-services-upcall";
import { fvServiceState } from "../../../kernel/devices/apx-services-call";
import { PvError } from "../../../kernel/hypercall/generated/abi-generated";
import type { KernelFault } from "../../../kernel/health/system-state";
import { PcMachine } from "../../../kernel/machine/pc-machine";
import { guestPhys, ioPort, nanos, type Nanos, type PartitionId } from "../../../kernel/mem/types";
import type { KernelApi, ReportedFaultOutcome } from "../../../kernel/module/partition-vm";
import type { PartitionConfig } from "../../../kernel/config/model";
import { CollectingSink, roundTrip } from "./collaborators";

const RAM = 4 * 1024 * 1024;
const FAULT = 0x10000;
const LINE = 5;

const RECORD: UpcallRecord = { kind: "errorHandler", code: 5, level: 1, failedAddress: 0x1077ef, process: 2, errorId: 3, systemState: 6, partition: 1, entry: 0 };
const CALLBACK: UpcallRecord = { ...RECORD, kind: "partitionCallback", level: 2, failedAddress: 0, process: 0, entry: 0x101234 };

const IDENTITY = { name: "fv", systemPartition: false };

function line(): { levels: boolean[]; set(level: boolean): void } {
  const levels: boolean[] = [];
  return { levels, set: (l) => void levels.push(l) };
}

function device(withLine = true): { d: ApxServices; levels: boolean[]; stops: number[] } {
  const stops: number[] = [];
  const l = line();
  const d = new ApxServices({ requestCall: () => stops.push(1), identity: IDENTITY }, withLine ? { line: l, number: LINE } : undefined);
  return { d, levels: l.levels, stops };
}

/** Reads every record field through SELECT then DATA, as the guest does. */
function fields(d: ApxServices): number[] {
  return UPCALL_FIELDS.map((_, i) => {
    d.write(APX_REG.select, 1, i);
    return d.read(APX_REG.data, 4);
  });
}

describe("kernel/devices/apx-services: HM upcall", () => {
  it("raises the line with a record, shows it field by field, lowers the line on the ACK of its KIND", () => {
    const { d, levels, stops } = device();
    expect(d.read(APX_REG.irq, 1)).to.equal(LINE);
    expect(fields(d)).to.deep.equal(UPCALL_FIELDS.map(() => 0));
    expect(d.post(RECORD)).to.equal(true);
    expect(levels).to.deep.equal([true]);
    expect(fields(d)).to.deep.equal([UPCALL_KIND_VALUE.errorHandler, 5, 1, 0x1077ef, 2, 3, 6, 1, 0]);
    expect(d.post(CALLBACK), "a second record while one waits").to.equal(false);
    d.write(APX_REG.data, 4, UPCALL_KIND_VALUE.errorHandler);
    expect(levels).to.deep.equal([true, false]);
    expect(d.upcall).to.equal(null);
    expect(stops.length, "the error handler's ACK needs no kernel").to.equal(0);
    expect(d.takeReturn()).to.equal(null);
  });

  it("tells the kernel a callback's return: its ACK stops the vCPU and is taken once", () => {
    const { d, levels, stops } = device();
    d.post(CALLBACK);
    d.write(APX_REG.select, 1, UPCALL_FIELDS.indexOf("entry"));
    expect(d.read(APX_REG.data, 4)).to.equal(0x101234);
    d.write(APX_REG.data, 4, UPCALL_KIND_VALUE.partitionCallback);
    expect(levels).to.deep.equal([true, false]);
    expect(stops.length).to.equal(1);
    expect(d.busy).to.equal(true);
    expect(d.takeReturn()).to.equal("partition");
    expect(d.takeReturn()).to.equal(null);
    expect(d.busy).to.equal(false);
  });

  it("counts hostile accesses and serves none: ACK without a record or of another kind, odd widths, a select past the last field", () => {
    const { d, levels, stops } = device();
    d.write(APX_REG.data, 4, UPCALL_KIND_VALUE.errorHandler);
    expect(d.ignoredAccesses).to.equal(1);
    d.post(RECORD);
    d.write(APX_REG.data, 4, UPCALL_KIND_VALUE.moduleCallback);
    d.write(APX_REG.data, 4, 0);
    d.write(APX_REG.data, 2, UPCALL_KIND_VALUE.errorHandler);
    d.write(APX_REG.data, 1, UPCALL_KIND_VALUE.errorHandler);
    expect(d.upcall, "still waiting").to.deep.equal(RECORD);
    expect(levels).to.deep.equal([true]);
    expect(d.read(APX_REG.data, 1)).to.equal(0xff);
    expect(d.read(APX_REG.data, 2)).to.equal(0xffff);
    expect(d.read(APX_REG.select, 4)).to.equal(0xffffffff);
    expect(d.read(APX_REG.irq, 2)).to.equal(0xffff);
    expect(d.read(0xd, 1)).to.equal(0xff);
    d.write(APX_REG.fault, 2, FAULT);
    d.write(APX_REG.irq, 1, 9);
    expect(d.ignoredAccesses).to.equal(12);
    d.write(APX_REG.select, 1, 200);
    expect(d.read(APX_REG.data, 4)).to.equal(0);
    expect(stops.length).to.equal(0);
    expect(d.takeFault()).to.equal(null);
  });

  it("has no upcall without an Irq: IRQ reads 0xFF, nothing can be posted", () => {
    const { d } = device(false);
    expect(d.read(APX_REG.irq, 1)).to.equal(APX_NO_IRQ);
    expect(d.hasLine).to.equal(false);
    expect(d.post(RECORD)).to.equal(false);
    expect(d.upcall).to.equal(null);
  });

  it("drives the PC's PIC: the line's IRR bit follows the record", () => {
    const pc = new PcMachine({ memoryBytes: RAM, now: () => 0n as Nanos, serialOut: new CollectingSink(), requestExit: () => undefined, devices: ["pic8259", "apx_services"], apxServices: { requestCall: () => undefined, irq: LINE, identity: IDENTITY } });
    const irr = (): number => {
      pc.bus.write(ioPort(0x20), 1, 0x0a); // OCW3: read IRR
      return pc.bus.read(ioPort(0x20), 1);
    };
    expect(pc.bus.read(ioPort(APX_SERVICES_BASE + APX_REG.irq), 1)).to.equal(LINE);
    expect(irr() & (1 << LINE)).to.equal(0);
    pc.chips.apxServices!.post(RECORD);
    expect(irr() & (1 << LINE)).to.equal(1 << LINE);
  });

  it("keeps a record waiting at a cut, and a latched fault report and callback return, bit for bit; refuses bad states", () => {
    const { d } = device();
    d.post(CALLBACK);
    d.write(APX_REG.select, 1, 3);
    d.write(APX_REG.fault, 4, FAULT);
    const fresh = device();
    const saved = roundTrip(d, fresh.d);
    expect(saved.upcall).to.deep.equal(CALLBACK);
    expect(fields(fresh.d)).to.deep.equal(fields(d));
    expect(fresh.levels, "the PIC keeps the line's level: restore does not drive it").to.deep.equal([]);
    expect(fresh.d.takeFault()).to.equal(FAULT);
    const { d: acked } = device();
    acked.post(CALLBACK);
    acked.write(APX_REG.data, 4, UPCALL_KIND_VALUE.partitionCallback);
    expect(roundTrip(acked, device().d).returned).to.equal("partition");
    const good = JSON.parse(JSON.stringify(saved)) as Record<string, unknown>;
    expect(device(false).d.parseState(good).ok, "a record in a device without a line").to.equal(false);
    expect(d.parseState({ ...good, upcall: { ...CALLBACK, kind: "other" } }).ok).to.equal(false);
    expect(d.parseState({ ...good, upcall: { ...CALLBACK, level: 7 } }).ok).to.equal(false);
    expect(d.parseState({ ...good, returned: "errorHandler" }).ok).to.equal(false);
    expect(d.parseState({ ...good, returned: "partitionCallback" }).ok).to.equal(false);
    expect(d.parseState({ ...good, select: 256 }).ok).to.equal(false);
  });
});

describe("kernel/devices/apx-services-hm: fault reports", () => {
  const partition = { id: 1, name: "p", guest: { kind: "FV" } } as unknown as PartitionConfig;
  function serve(block: number, words: number[], outcome: ReportedFaultOutcome = "handler") {
    const pc = new PcMachine({ memoryBytes: RAM, now: () => 0n as Nanos, serialOut: new CollectingSink(), requestExit: () => undefined, devices: ["pic8259", "cga_text", "apx_services"], apxServices: { requestCall: () => undefined, irq: LINE, identity: IDENTITY } });
    if (block + APX_FAULT_BLOCK.size <= RAM) words.forEach((w, i) => pc.memory.write32(guestPhys(block + 4 * i), w));
    const raised: [KernelFault, string, number][] = [];
    const kernel = {
      partition: 1 as PartitionId,
      now: nanos(0),
      notice: () => undefined,
      traceHypercall: () => undefined,
      raiseReportedFault: (f: KernelFault, m: string, a: number) => {
        raised.push([f, m, a]);
        return outcome;
      },
    } as unknown as KernelApi;
    const device = pc.chips.apxServices!;
    let named = -1;
    const r = serveApxFault({ cpu: pc.cpu, memory: pc.memory, device, vcpu: fvServiceState(partition, RAM), permitted: new Uint8Array(0), kernel }, block, (id) => void (named = id));
    return { pc, r, raised, named, result: device.read(APX_REG.fault, 4) | 0 };
  }

  it("gives a #PF to the HM as a memory violation at the faulting EIP, naming the process, and writes the outcome back", () => {
    for (const [outcome, value] of [["handler", 1], ["acts", 0], ["waits", 2]] as const) {
      const s = serve(FAULT, [14, 2, 0x1077ef, 0x10, 7, 0xdeadbeef], outcome);
      expect(s.r.kind).to.equal("resume");
      expect(s.raised.length).to.equal(1);
      expect(s.raised[0]![0]).to.equal("memoryViolation");
      expect(s.raised[0]![1]).to.match(/vector 14 .* at eip 0x1077ef cr2 0x10/);
      expect(s.raised[0]![2]).to.equal(0x1077ef);
      expect(s.named).to.equal(7);
      expect(s.result).to.equal(value);
      expect(s.pc.memory.read32(guestPhys(FAULT + APX_FAULT_BLOCK.result))).to.equal(value);
    }
  });

  it("classifies by vector as for a PV fault (#DE numeric, #UD invalid opcode)", () => {
    expect(serve(FAULT, [0, 0, 0x100000, 0, 0]).raised[0]![0]).to.equal("numericError");
    expect(serve(FAULT, [6, 0, 0x100000, 0, 0]).raised[0]![0]).to.equal("invalidOpcode");
  });

  it("refuses a hostile block before the HM hears of it: unaligned, outside RAM, over MMIO (EFAULT), a vector past 31 (EINVAL)", () => {
    for (const [what, block, words, want] of [
      ["unaligned", FAULT + 2, [14, 0, 0, 0, 0], PvError.EFAULT],
      ["past RAM", RAM - 8, [], PvError.EFAULT],
      ["at 4 GiB - 4", 0xfffffffc, [], PvError.EFAULT],
      ["over CGA memory", 0xb8000, [], PvError.EFAULT],
      ["vector 32", FAULT, [32, 0, 0, 0, 0], PvError.EINVAL],
      ["vector 0xffffffff", FAULT, [0xffffffff, 0, 0, 0, 0], PvError.EINVAL],
    ] as const) {
      const s = serve(block, [...words]);
      expect(s.raised.length, what).to.equal(0);
      expect(s.result, what).to.equal(want);
    }
  });
});
