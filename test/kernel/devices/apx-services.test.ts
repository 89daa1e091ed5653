// The apx_services device and the serving of its calls: detection, the argument block, the FV service set,
// and hostile blocks and pointers (outside RAM, over MMIO, unaligned, unmapped by the guest's paging) answered PV_EFAULT
// without touching a byte and without a host exception.
import { expect } from "chai";
import { join } from "path";
import { loadConfig } from "../../../kernel/config/load";
import { APX_BLOCK, APX_ID, APX_IDENT, APX_REG, APX_SERVICES_BASE, APX_VERSION, ApxServices, type ApxIdentity } from "../../../kernel/devices/apx-services";
import { fvPermittedServices, fvServiceState, serveApxCall } from "../../../kernel/devices/apx-services-call";
import { permittedById } from "../../../kernel/hypercall/dispatcher";
import { PvError, ServiceId } from "../../../kernel/hypercall/generated/abi-generated";
import { NODE_FILES } from "../../../kernel/host/node/node-files";
import { PcMachine } from "../../../kernel/machine/pc-machine";
import { guestPhys, ioPort, nanos, type Nanos, type PartitionId } from "../../../kernel/mem/types";
import type { KernelApi, ServiceResult } from "../../../kernel/module/partition-vm";
import { CollectingSink, roundTrip } from "./collaborators";

const MIB = 1024 * 1024;
const RAM = 4 * MIB;
const CGA = 0xb8000;
const BLOCK = 0x10000;
const OUT = 0x20000;
const NOW = nanos(123_456_789);

const config = (() => {
  const r = loadConfig(join(__dirname, "..", "..", "..", "..", "partitions", "rtos-tests", "ports.pc.xml"), NODE_FILES);
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join("; "));
  return r.config;
})();
const partition = config.partitions[0]!;

const IDENTITY: ApxIdentity = { name: "ports_tx", systemPartition: false };

function machine(link = true, identity = IDENTITY): { pc: PcMachine; calls: number[] } {
  const calls: number[] = [];
  const out = new CollectingSink();
  const pc = new PcMachine({
    memoryBytes: RAM,
    now: () => 0n as Nanos,
    serialOut: out,
    requestExit: () => undefined,
    devices: ["pic8259", "cga_text", "apx_services"],
    ...(link ? { apxServices: { requestCall: () => calls.push(1), identity } } : {}),
  });
  return { pc, calls };
}

const traced: [string, number | "fault"][] = [];
const KERNEL = {
  partition: 1 as PartitionId,
  now: NOW,
  notice: () => undefined,
  traceHypercall: (s: string, r: number | "fault") => traced.push([s, r]),
} as unknown as KernelApi;

/** Writes a block at `at`, rings the doorbell with `doorbell` (default `at`) and serves the call. */
function call(pc: PcMachine, id: number, args: number[], at = BLOCK, doorbell = at): ServiceResult {
  if (pc.memory.contains(guestPhys(at), APX_BLOCK.size) && pc.memory.isRam(at)) {
    pc.memory.write32(guestPhys(at + APX_BLOCK.service), id);
    for (let i = 0; i < 5; i++) pc.memory.write32(guestPhys(at + APX_BLOCK.args + 4 * i), args[i] ?? 0);
    pc.memory.write32(guestPhys(at + APX_BLOCK.result), 0xdeadbeef);
  }
  pc.bus.write(ioPort(APX_SERVICES_BASE + APX_REG.call), 4, doorbell);
  const device = pc.chips.apxServices!;
  return serveApxCall({ cpu: pc.cpu, memory: pc.memory, device, vcpu: fvServiceState(partition, RAM), permitted: permittedById(fvPermittedServices(partition, config)), kernel: KERNEL });
}

const FOUR_MIB = 4 * MIB;
const PD = 0x1000;
/** Paging on with one page directory at PD: linear 0-4 MiB and 4-8 MiB both map physical 0-4 MiB (4 MiB pages, user, writable). */
function page(pc: PcMachine): void {
  pc.memory.write32(guestPhys(PD), 0x87);
  pc.memory.write32(guestPhys(PD + 4), 0x87);
  pc.cpu.cr4 = (pc.cpu.cr4 | 0x10) >>> 0;
  pc.cpu.cr3 = PD;
  pc.cpu.cr0 = (pc.cpu.cr0 | 0x8000_0001) >>> 0;
  pc.cpu.flushTlb();
}

const result = (pc: PcMachine): number => pc.bus.read(ioPort(APX_SERVICES_BASE + APX_REG.call), 4) | 0;

describe("kernel/devices/apx-services", () => {
  it("answers its ID; without a module behind it the range floats (0xFF), as on a PC without the device", () => {
    expect(machine().pc.bus.read(ioPort(APX_SERVICES_BASE + APX_REG.id), 1)).to.equal(APX_ID);
    expect(machine().pc.bus.read(ioPort(APX_SERVICES_BASE + APX_REG.version), 1)).to.equal(APX_VERSION);
    expect(machine(false).pc.bus.read(ioPort(APX_SERVICES_BASE + APX_REG.id), 1)).to.equal(0xff);
  });

  it("latches a call on a 32-bit CALL write and asks its owner to stop the vCPU; other widths are counted, never served", () => {
    const { pc, calls } = machine();
    const d = pc.chips.apxServices!;
    pc.bus.write(ioPort(APX_SERVICES_BASE + APX_REG.call), 2, BLOCK);
    pc.bus.write(ioPort(APX_SERVICES_BASE + APX_REG.identData), 1, 1);
    expect(d.pending).to.equal(null);
    expect(d.ignoredAccesses).to.equal(2);
    pc.bus.write(ioPort(APX_SERVICES_BASE + APX_REG.call), 4, BLOCK);
    expect(d.pending).to.equal(BLOCK);
    expect(calls.length).to.equal(1);
  });

  it("tells the guest its partition's XML name and SystemPartition flag through the identity registers", () => {
    const read = (identity: ApxIdentity, from = 0): { name: string; flags: number; past: number } => {
      const { pc } = machine(true, identity);
      const port = (r: number): ReturnType<typeof ioPort> => ioPort(APX_SERVICES_BASE + r);
      pc.bus.write(port(APX_REG.identIndex), 1, from);
      const bytes: number[] = [];
      for (let i = from; i < APX_IDENT.size; i++) bytes.push(pc.bus.read(port(APX_REG.identData), 1));
      const raw = Uint8Array.from(bytes);
      const nul = raw.indexOf(0);
      return { name: new TextDecoder().decode(raw.subarray(0, Math.min(nul < 0 ? raw.length : nul, APX_IDENT.nameMax))), flags: raw[APX_IDENT.flags - from] ?? -1, past: pc.bus.read(port(APX_REG.identData), 1) };
    };
    expect(read({ name: "part2_tx", systemPartition: true })).to.deep.equal({ name: "part2_tx", flags: APX_IDENT.flagSystemPartition, past: 0 });
    expect(read({ name: "part2_rx", systemPartition: false })).to.deep.equal({ name: "part2_rx", flags: 0, past: 0 });
    // A name longer than start-info's 31 bytes is cut there, never mid-character, and stays NUL-terminated.
    expect(read({ name: "x".repeat(30) + "é", systemPartition: false }).name).to.equal("x".repeat(30));
    expect(read({ name: "y".repeat(40), systemPartition: false }).name).to.equal("y".repeat(31));
    // The index register selects where reading starts.
    expect(read({ name: "part2_tx", systemPartition: true }, APX_IDENT.flags).flags).to.equal(APX_IDENT.flagSystemPartition);
  });

  it("serves time_get through the PV handler: the module time lands at the guest-physical pointer, the result in the block", () => {
    const { pc } = machine();
    const r = call(pc, ServiceId.TimeGet, [OUT]);
    expect(r.kind).to.equal("resume");
    expect(pc.memory.read32(guestPhys(BLOCK + APX_BLOCK.result))).to.equal(PvError.OK);
    expect(BigInt(pc.memory.read32(guestPhys(OUT))) | (BigInt(pc.memory.read32(guestPhys(OUT + 4))) << 32n)).to.equal(NOW);
    expect(pc.chips.apxServices!.pending).to.equal(null);
  });

  it("translates pointers through the guest's paging (the block stays guest-physical)", () => {
    const { pc } = machine();
    page(pc);
    call(pc, ServiceId.TimeGet, [FOUR_MIB + OUT]);
    expect(result(pc)).to.equal(PvError.OK);
    expect(pc.memory.read32(guestPhys(OUT))).to.equal(Number(NOW & 0xffffffffn));
  });

  it("refuses services outside the FV set and unknown ids with ENOSYS", () => {
    const { pc } = machine();
    for (const id of [ServiceId.ConsoleWrite, ServiceId.VirqRegister, ServiceId.Resolve, ServiceId.Idle, 999, 0xffffffff]) {
      call(pc, id, [OUT, 4]);
      expect(result(pc), `service ${id}`).to.equal(PvError.ENOSYS);
    }
  });

  it("answers EFAULT, writing nothing, for a block or pointer outside RAM, over MMIO, unaligned or unmapped", () => {
    const cases: [string, (pc: PcMachine) => void][] = [
      ["block past RAM", (pc) => void call(pc, ServiceId.TimeGet, [OUT], RAM - 8)],
      ["block at 4 GiB - 4", (pc) => void call(pc, ServiceId.TimeGet, [OUT], 0xfffffffc)],
      ["unaligned block", (pc) => void call(pc, ServiceId.TimeGet, [OUT], BLOCK, BLOCK + 2)],
      ["block over CGA memory", (pc) => void call(pc, ServiceId.TimeGet, [OUT], CGA, CGA)],
      ["pointer into CGA memory", (pc) => void call(pc, ServiceId.TimeGet, [CGA])],
      ["pointer straddling the end of RAM", (pc) => void call(pc, ServiceId.TimeGet, [RAM - 4])],
      ["pointer at 4 GiB - 1", (pc) => void call(pc, ServiceId.TimeGet, [0xffffffff])],
      ["huge length", (pc) => void call(pc, ServiceId.QueuingPortSend, [1, OUT, 0xfffffff0])],
      [
        "paging on, the pointer not mapped",
        (pc) => {
          pc.cpu.cr0 = (pc.cpu.cr0 | 0x8000_0001) >>> 0;
          pc.cpu.flushTlb();
          call(pc, ServiceId.TimeGet, [OUT]);
        },
      ],
      [
        "paging on, the pointer mapped onto CGA memory",
        (pc) => {
          page(pc);
          call(pc, ServiceId.TimeGet, [FOUR_MIB + CGA]);
        },
      ],
    ];
    for (const [what, run] of cases) {
      const { pc } = machine();
      const cga = pc.memory.read32(guestPhys(CGA));
      expect(() => run(pc), what).to.not.throw();
      expect(result(pc), what).to.equal(PvError.EFAULT);
      expect(pc.memory.read32(guestPhys(OUT)), `${what}: nothing written`).to.equal(0);
      expect(pc.memory.read32(guestPhys(CGA)), `${what}: CGA untouched`).to.equal(cga);
    }
  });

  it("saves, restores into a fresh device and rejects a bad state", () => {
    const d = new ApxServices({ requestCall: () => undefined, identity: IDENTITY });
    d.write(APX_REG.call, 4, BLOCK);
    d.complete(PvError.EINVAL);
    d.write(APX_REG.identIndex, 1, 5);
    const saved = roundTrip(d, new ApxServices({ requestCall: () => undefined, identity: IDENTITY }));
    expect(saved).to.deep.equal({ pending: BLOCK, result: PvError.EINVAL >>> 0, fault: null, faultResult: 0, select: 0, upcall: null, returned: null, identIndex: 5 });
    // A snapshot from before the identity registers restores with the index at 0.
    const old = d.parseState({ pending: null, result: 0, fault: null, faultResult: 0, select: 0, upcall: null, returned: null });
    expect(old.ok && old.state.identIndex).to.equal(0);
    expect(d.parseState({ pending: null, result: 0, fault: null, faultResult: 0, select: 0, upcall: null, returned: null, identIndex: APX_IDENT.size + 1 }).ok).to.equal(false);
    expect(d.parseState({ pending: -1, result: 0 }).ok).to.equal(false);
    expect(d.parseState({ pending: null }).ok).to.equal(false);
  });
});
