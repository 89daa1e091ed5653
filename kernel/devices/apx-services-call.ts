// Serves one call latched by the apx_services device of an FV partition: reads the argument block from the
// machine's RAM (guest-physical), checks the id against the FV service set and every pointer (linear,
// through the guest's paging) against plain RAM, then runs the same handler as the PV trap (kernel/hypercall/dispatcher.ts) and writes
// the result back. Not responsible for what the result does to the run (the module runner decides that).
import type { PartitionConfig, SystemConfig } from "../config/model";
import type { Cpu } from "../cpu/cpu";
import { dispatchWords, type DispatchRecord, type PermittedById } from "../hypercall/dispatcher";
import { PvError, SERVICES, type ServiceDescriptor, type ServiceId } from "../hypercall/generated/abi-generated";
import { PV_HANDLERS } from "../hypercall/handlers";
import { permittedServices } from "../hypercall/permissions";
import type { PvCallContext, PvCallResult, PvVcpuState } from "../hypercall/pv-call";
import { serviceCost } from "../hypercall/service-costs";
import { PhysicalMemory } from "../mem/physical-memory";
import { guestPhys, nanos } from "../mem/types";
import { startTimers } from "../pv/pv-timers";
import { SharedPage } from "../pv/shared-page";
import type { KernelApi, ServiceResult } from "../module/partition-vm";
import { APX_ARG_WORDS, APX_BLOCK, type ApxServices } from "./apx-services";

/**
 * Services an FV partition may reach through the device: APEX partition, schedule, port, HM, logbook and
 * Part 2 services, and time_get (the module clock that port time stamps use). Left out: what the PC itself
 * provides (console, timers, idle: its UART, PIT and HLT), the PV machinery (resolver, virqs, HM callbacks)
 * and the I/O-server services.
 */
const FV_KEYS: ReadonlySet<ServiceDescriptor["key"]> = new Set<ServiceDescriptor["key"]>([
  "abiVersion", "abiFeatures", "null", "timeGet",
  "partitionGetStatus", "partitionSetMode", "partitionSetModeOf",
  "scheduleSetNext", "scheduleGetStatus", "scheduleGetId",
  "samplingPortCreate", "samplingPortGetId", "samplingPortWrite", "samplingPortRead", "samplingPortStatus",
  "samplingPortReadUpdated", "samplingPortCurrentStatus",
  "queuingPortCreate", "queuingPortGetId", "queuingPortSend", "queuingPortReceive", "queuingPortStatus", "queuingPortClear",
  "queuingPortListScan",
  "hmRaiseApplicationError", "hmReportMessage", "hmGetErrorStatus", "hmRaiseError", "hmSetHandlerState",
  "windowYield",
  "logbookCreate", "logbookWrite", "logbookRead", "logbookClear", "logbookGetId", "logbookStatus",
  "memoryBlockStatus",
]);

/** The services partition `p` may call through its apx_services device: its PV permissions within the FV set. */
export function fvPermittedServices(p: PartitionConfig, config: SystemConfig): ReadonlySet<ServiceId> {
  const pv = permittedServices(p, config);
  return new Set(SERVICES.filter((s) => FV_KEYS.has(s.key) && pv.has(s.id)).map((s) => s.id));
}

/**
 * The per-caller state the handlers see, for an FV partition. Only hmHandler and logged change; the PV-only
 * parts (image, export lookup, shared page on a scratch page of its own, timers, upcall entry) are inert,
 * because no service that reads them is in the FV set: nothing here ever touches the partition's PC.
 */
export function fvServiceState(p: PartitionConfig, ramBytes: number): PvVcpuState {
  const none = { start: 0, end: 0 };
  return {
    partition: p,
    image: { bytes: new Uint8Array(0), entry: 0, segments: [], imageEnd: 0, guestName: "", abiMinor: 0, noteFlags: 0, pvext: { str: none, sym: none, jmp: none }, imports: [], symbols: new Map() },
    lookup: { targets: new Map(), enosys: 0 },
    shared: new SharedPage(new PhysicalMemory(4096), 0),
    console: () => undefined,
    ramBytes,
    memoryBlocks: [],
    timers: startTimers(nanos(0), nanos(0)),
    upcallHandler: 0,
    hmHandler: "none",
    logged: new Set<string>(),
  };
}

/** True when the guest-physical range [addr, addr+len) is plain RAM of `mem` (inside it, no MMIO window on any page). */
export function ramRange(mem: PhysicalMemory, addr: number, len: number): boolean {
  if (!Number.isSafeInteger(addr) || !Number.isSafeInteger(len) || addr < 0 || len < 0 || !mem.contains(guestPhys(addr), len)) return false;
  if (len === 0) return true;
  for (let page = Math.floor(addr / 4096); page <= Math.floor((addr + len - 1) / 4096); page++) if (!mem.pageIsRam(page)) return false;
  return true;
}

/**
 * True when every page of the linear range [addr, addr+len) translates (through the guest's paging as a CPL 3
 * access would; identity with paging off) to a page of plain RAM.
 */
export function linearRamRange(cpu: Cpu, mem: PhysicalMemory, addr: number, len: number): boolean {
  if (!Number.isSafeInteger(addr) || !Number.isSafeInteger(len) || addr < 0 || len < 0 || addr + len > 0x1_0000_0000) return false;
  for (let off = 0; off < len; ) {
    const lin = addr + off;
    const phys = cpu.probe(lin | 0, false, true);
    if (phys < 0 || !ramRange(mem, phys - (phys % 4096), 4096)) return false;
    off += 4096 - (lin % 4096);
  }
  return true;
}

/** What a call needs: the machine, the device, the caller's state and services. */
export interface ApxCall {
  readonly cpu: Cpu;
  readonly memory: PhysicalMemory;
  readonly device: ApxServices;
  readonly vcpu: PvVcpuState;
  readonly permitted: PermittedById;
  readonly kernel: KernelApi;
}

/** Serves the call the device latched (none waiting: resume at no cost). */
export function serveApxCall(c: ApxCall): ServiceResult {
  const block = c.device.takeCall();
  if (block === null) return { kind: "resume", cycles: 0 };
  // The block is guest-physical (the doorbell is a bus write: no translation); its pointers are linear.
  // The kernel writes the result into the block: a block in write-protected RAM is refused like one outside RAM.
  if ((block & 3) !== 0 || !ramRange(c.memory, block, APX_BLOCK.size) || c.memory.firstWriteProtected(block, APX_BLOCK.size) >= 0) {
    c.device.complete(PvError.EFAULT);
    c.kernel.traceHypercall("apx_services", PvError.EFAULT);
    return { kind: "resume", cycles: serviceCost(undefined, 0) };
  }
  const words: number[] = [];
  for (let i = 0; i < APX_ARG_WORDS; i++) words.push(c.memory.read32(guestPhys(block + APX_BLOCK.args + 4 * i)));
  const id = c.memory.read32(guestPhys(block + APX_BLOCK.service));
  const ctx: PvCallContext = { cpu: c.cpu, kernel: c.kernel, vcpu: c.vcpu, copied: 0, ramRange: (a, n) => linearRamRange(c.cpu, c.memory, a, n) };
  const record: DispatchRecord = { service: undefined };
  const result = dispatchWords(ctx, PV_HANDLERS, c.permitted, id, (i) => words[i] ?? 0, record);
  const service = record.service;
  const cycles = serviceCost(service?.key, ctx.copied);
  const finish = (value: number): void => {
    c.memory.write32(guestPhys(block + APX_BLOCK.result), value >>> 0);
    c.device.complete(value);
  };
  c.kernel.traceHypercall(service?.name ?? `#${id}`, traced(result));
  switch (result.kind) {
    case "return":
      finish(result.value);
      return { kind: "resume", cycles };
    case "yield":
      finish(result.value);
      return { kind: "yieldWindow", cycles };
    case "idle":
    case "continue":
      // Neither idle nor the resolver is in the FV set; answered as the trap would, should one ever be.
      finish(PvError.OK);
      return { kind: "resume", cycles };
    case "fault":
      finish(PvError.EFAULT);
      return { kind: "error", fault: result.fault, message: result.message };
    default: {
      const unreachable: never = result;
      throw new Error(`unhandled call result ${JSON.stringify(unreachable)}`);
    }
  }
}

function traced(result: PvCallResult): number | "fault" {
  switch (result.kind) {
    case "return":
    case "yield":
      return result.value | 0;
    case "idle":
    case "continue":
      return 0;
    case "fault":
      return "fault";
    default: {
      const unreachable: never = result;
      throw new Error(`unhandled call result ${JSON.stringify(unreachable)}`);
    }
  }
}
