// The HM half of the apx_services device's kernel side (apx-services.md, "HM upcall"): serves a CPU exception
// the FV guest reported through FAULT (classified as a PV fault is, kernel/module/fault-class.ts) and an HM
// callback's return (ACK), and reads an FV image's HM callback entries. Not the upcall posting itself
// (kernel/machine/fv-vm.ts) nor the HM decision (the module runner).
import type { SystemConfig } from "../config/model";
import { PvError } from "../hypercall/generated/abi-generated";
import { serviceCost } from "../hypercall/service-costs";
import { parseElf32 } from "../loader/elf32";
import { readElfTables } from "../loader/elf32-sections";
import { guestPhys } from "../mem/types";
import { classifyFault } from "../module/fault-class";
import { hmCallbackEntries, type HmCallbackEntries } from "../module/hm-callback-entries";
import type { HmCallbackKind, ReportedFaultOutcome, ServiceResult } from "../module/partition-vm";
import { APX_FAULT_BLOCK } from "./apx-services";
import { ramRange, type ApxCall } from "./apx-services-call";

/** Highest CPU exception vector (Intel SDM vol. 3, 6.3.1: 0-31 are the architecture's). */
const LAST_EXCEPTION = 31;
/** FAULT results the guest reads (apx-services.md): the error handler gets it, the action applies, or it waits for a ModuleCallback. */
const FAULT_RESULT: Readonly<Record<ReportedFaultOutcome, number>> = { handler: 1, acts: 0, waits: 2 };
/** #PF: the one exception whose CR2 the report carries. */
const PAGE_FAULT = 14;
/** Longest i386 instruction, read at the faulting EIP to tell a privileged #GP from a memory one. */
const MAX_INSTRUCTION = 15;

/**
 * Serves a fault report: checks the block (aligned, plain RAM) and the vector, then hands the fault to the
 * HM as a kernel-detected one with the faulting EIP as FAILED_ADDRESS; `process` receives the reporter's process
 * id before the HM decides, so a posted upcall names it. Writes 1 (error handler), 0 (the action applies), 2 (it
 * waits for the ModuleCallback in another partition) or PV_E*.
 */
export function serveApxFault(c: ApxCall, block: number, process: (id: number) => void): ServiceResult {
  const cycles = serviceCost(undefined, 0);
  const done = (value: number, writeBack: boolean): ServiceResult => {
    if (writeBack) c.memory.write32(guestPhys(block + APX_FAULT_BLOCK.result), value >>> 0);
    c.device.completeFault(value);
    c.kernel.traceHypercall("apx_services fault", value | 0);
    return { kind: "resume", cycles };
  };
  if ((block & 3) !== 0 || !ramRange(c.memory, block, APX_FAULT_BLOCK.size)) return done(PvError.EFAULT, false);
  const word = (off: number): number => c.memory.read32(guestPhys(block + off));
  const vector = word(APX_FAULT_BLOCK.vector);
  if (vector > LAST_EXCEPTION) return done(PvError.EINVAL, true);
  if (c.kernel.raiseReportedFault === undefined) return done(PvError.ENOSYS, true);
  const eip = word(APX_FAULT_BLOCK.eip);
  const cr2 = word(APX_FAULT_BLOCK.cr2);
  const errorCode = word(APX_FAULT_BLOCK.errorCode);
  const fault = classifyFault(vector, instructionAt(c, eip));
  process(word(APX_FAULT_BLOCK.process));
  // Worded as the kernel words a PV partition's fault; FAILED_ADDRESS is the faulting instruction, as there.
  const message = `${fault}: vector ${vector} error code 0x${errorCode.toString(16)} at eip 0x${eip.toString(16)}${vector === PAGE_FAULT ? ` cr2 0x${cr2.toString(16)}` : ""} (reported by the guest)`;
  return done(FAULT_RESULT[c.kernel.raiseReportedFault(fault, message, eip)], true);
}

/** Up to 15 bytes at linear `eip` (as the guest's own code sees them), fewer where they leave plain RAM. */
function instructionAt(c: ApxCall, eip: number): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < MAX_INSTRUCTION; i++) {
    const phys = c.cpu.probe((eip + i) | 0, false, false);
    if (phys < 0 || !c.memory.isRam(phys)) break;
    out.push(c.memory.read8(guestPhys(phys)));
  }
  return Uint8Array.from(out);
}

/** Serves an HM callback's return (the guest acknowledged its record): the kernel applies the actions that waited. */
export function serveApxReturn(c: ApxCall, kind: HmCallbackKind): ServiceResult {
  const known = c.kernel.hmCallbackReturn();
  c.kernel.traceHypercall(`apx_services ${kind} callback return`, known ? 0 : PvError.EMODE);
  return { kind: "resume", cycles: serviceCost(undefined, 0) };
}

/** An FV image's HM callback entries (hm-callback-entries.ts, the rule PV images follow too), or why one cannot run. */
export function fvCallbackEntries(image: Uint8Array, config: SystemConfig, partition: { readonly id: number; readonly systemPartition: boolean }): HmCallbackEntries | string {
  const elf = parseElf32(image);
  const tables = readElfTables(image);
  return hmCallbackEntries(config, partition, tables.ok ? tables.tables.symbols : new Map<string, number>(), elf.ok ? elf.image.segments : []);
}
