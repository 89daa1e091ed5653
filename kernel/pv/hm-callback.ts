// Entering and leaving a PV partition's HM callback (the PartitionCallback of its Partition_HM_Table):
// the interrupted context is saved, a C call frame and a return trampoline go on the partition's own
// stack, and the vCPU continues at the callback with virqs masked. Leaving restores the context.
// Not responsible for when a callback runs or what follows it (the runner's HM, module-runner.ts).
import type { Cpu } from "../cpu/cpu";
import { ServiceId, PV_TRAP_VECTOR } from "../hypercall/generated/abi-generated";
import type { SharedPage } from "./shared-page";
import { writeGuestBytes } from "../mem/guest-access";
import { guestVirt } from "../mem/types";
import { Fields } from "../snapshot/json-fields";

/** The context a callback interrupted (restored when it returns or is abandoned). */
export interface SavedContext {
  readonly regs: readonly number[];
  readonly eip: number;
  readonly eflags: number;
  readonly masked: boolean;
}

/** Bytes left untouched below the interrupted ESP (the guest may keep data just below its stack pointer). */
export const CALLBACK_RED_ZONE = 256;
/** EFLAGS in the callback: IF and the reserved bit 1, DF clear as the C ABI requires. */
const CALLBACK_EFLAGS = 0x202;

/** `mov eax, hm_callback_return; int PV_TRAP_VECTOR; jmp $` (the callback returns here). */
export function trampolineBytes(): Uint8Array {
  const id = ServiceId.HmCallbackReturn;
  return Uint8Array.of(0xb8, id & 0xff, (id >>> 8) & 0xff, 0, 0, 0xcd, PV_TRAP_VECTOR, 0xeb, 0xfe);
}

/**
 * Builds the frame below the interrupted ESP: trampoline at a 16-byte boundary, then (cdecl, 16-byte
 * aligned arguments) the return address and `args`. Returns the saved context, or undefined when a
 * store faults (the stack is not writable: the caller applies the action without the callback).
 */
export function enterCallback(cpu: Cpu, shared: SharedPage, entry: number, args: readonly number[]): SavedContext | undefined {
  const saved: SavedContext = {
    regs: [cpu.eax, cpu.ecx, cpu.edx, cpu.ebx, cpu.esp, cpu.ebp, cpu.esi, cpu.edi],
    eip: cpu.eip >>> 0,
    eflags: cpu.getEflags(),
    masked: shared.masked,
  };
  const trampoline = ((cpu.esp >>> 0) - CALLBACK_RED_ZONE - 16) & ~15;
  const argBytes = (args.length * 4 + 15) & ~15;
  const sp = trampoline - argBytes - 4;
  const frame = new Uint8Array(trampoline + 16 - sp);
  const view = new DataView(frame.buffer);
  view.setUint32(0, trampoline, true);
  args.forEach((a, i) => view.setUint32(4 + 4 * i, a >>> 0, true));
  frame.set(trampolineBytes(), trampoline - sp);
  if (sp <= 0 || !writeGuestBytes(cpu, guestVirt(sp >>> 0), frame, { user: true }).ok) return undefined;
  shared.setMasked(true);
  cpu.esp = sp >>> 0;
  cpu.eip = entry >>> 0;
  cpu.setEflags(CALLBACK_EFLAGS);
  return saved;
}

/** Restores the context `saved` (registers, EIP, EFLAGS, the virq mask). */
export function leaveCallback(cpu: Cpu, shared: SharedPage, saved: SavedContext): void {
  const [eax = 0, ecx = 0, edx = 0, ebx = 0, esp = 0, ebp = 0, esi = 0, edi = 0] = saved.regs;
  cpu.eax = eax;
  cpu.ecx = ecx;
  cpu.edx = edx;
  cpu.ebx = ebx;
  cpu.esp = esp;
  cpu.ebp = ebp;
  cpu.esi = esi;
  cpu.edi = edi;
  cpu.eip = saved.eip;
  cpu.setEflags(saved.eflags);
  shared.setMasked(saved.masked);
}

/** The interrupted context in a snapshot's PV machine note (null: no callback runs). */
export function savedContextJson(saved: SavedContext | undefined): { regs: number[]; eip: number; eflags: number; masked: boolean } | null {
  return saved === undefined ? null : { regs: [...saved.regs], eip: saved.eip, eflags: saved.eflags, masked: saved.masked };
}

/** Reads savedContextJson's output back, every field checked. */
export function readSavedContext(f: Fields | undefined): SavedContext | undefined {
  if (f === undefined) return undefined;
  const regs = f.list("regs", 8);
  if (regs.length !== 8) f.list("regs", -1); // throws naming the field
  return {
    regs: regs.map((r, i) => new Fields({ r }, `${f.path}.regs[${i}]`).int("r", -0x8000_0000, 0xffff_ffff)), // int32 or uint32, as the CPU keeps them
    eip: f.int("eip", 0, 0xffff_ffff),
    eflags: f.int("eflags", 0, 0xffff_ffff),
    masked: f.bool("masked"),
  };
}
