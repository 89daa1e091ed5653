// Register file of one vCPU as the VM tree and the gdb stub see it: read all by name, write one by name,
// validated as the instruction that writes it on hardware would be (MOV to a segment register, MOV CRn,
// LGDT/LIDT). A refused write changes nothing and says why. Not responsible for when writes are allowed
// (the caller checks that the vCPU is paused).
import type { Cpu } from "../cpu/cpu";
import { CS, DS, ES, FS, GS, SS } from "../cpu/cpu-state";
import { CpuFault } from "../cpu/faults";

/** The 16 integer registers in gdb's i386 order (target.xml, `g` packet). */
export const GDB_REGS = ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi", "eip", "eflags", "cs", "ss", "ds", "es", "fs", "gs"] as const;
/** Every register `regs` shows and accepts, in display order. */
export const REG_NAMES = [...GDB_REGS, "cr0", "cr2", "cr3", "cr4", "gdtr_base", "gdtr_limit", "idtr_base", "idtr_limit"] as const;
/** A register name. */
export type RegName = (typeof REG_NAMES)[number];

const GPR: Record<string, number> = { eax: 0, ecx: 1, edx: 2, ebx: 3, esp: 4, ebp: 5, esi: 6, edi: 7 };
const SEG: Record<string, number> = { cs: CS, ss: SS, ds: DS, es: ES, fs: FS, gs: GS };
/** EFLAGS.VM: virtual-8086 mode is not implemented, so it cannot be set. */
const EFLAGS_VM = 1 << 17;

/** Is `name` a register name? */
export function isRegName(name: string): name is RegName {
  return (REG_NAMES as readonly string[]).includes(name);
}

/** Reads one register (unsigned). */
export function readReg(cpu: Cpu, name: RegName): number {
  const g = GPR[name];
  if (g !== undefined) return cpu.r[g]! >>> 0;
  const s = SEG[name];
  if (s !== undefined) return cpu.segSel[s]! & 0xffff;
  switch (name) {
    case "eip":
      return cpu.eip >>> 0;
    case "eflags":
      return cpu.getEflags();
    case "cr0":
      return cpu.cr0 >>> 0;
    case "cr2":
      return cpu.cr2 >>> 0;
    case "cr3":
      return cpu.cr3 >>> 0;
    case "cr4":
      return cpu.cr4 >>> 0;
    case "gdtr_base":
      return cpu.gdtBase >>> 0;
    case "gdtr_limit":
      return cpu.gdtLimit & 0xffff;
    case "idtr_base":
      return cpu.idtBase >>> 0;
    case "idtr_limit":
      return cpu.idtLimit & 0xffff;
    default:
      throw new Error(`register ${name} has no reader`);
  }
}

/** All registers by name. */
export function readRegs(cpu: Cpu): Record<RegName, number> {
  const out = {} as Record<RegName, number>;
  for (const n of REG_NAMES) out[n] = readReg(cpu, n);
  return out;
}

/** Result of a register write. */
export type RegWriteResult = { readonly ok: true } | { readonly ok: false; readonly message: string };

const OK: RegWriteResult = { ok: true };

function refuse(message: string): RegWriteResult {
  return { ok: false, message };
}

/** Runs a CPU operation as CPL 0 would (the debugger has the rights of the hardware), mapping faults to a refusal. */
function asSupervisor(cpu: Cpu, what: string, op: () => void): RegWriteResult {
  const cpl = cpu.cpl;
  try {
    cpu.cpl = 0;
    op();
    return OK;
  } catch (e) {
    if (e instanceof CpuFault) return refuse(`${what}: the CPU would raise exception ${e.vector}${e.code === undefined ? "" : `(${e.code})`}`);
    throw e;
  } finally {
    cpu.cpl = cpl;
  }
}

/** Writes one register; `value` must be an unsigned 32-bit integer (16-bit for selectors and limits). */
export function writeReg(cpu: Cpu, name: RegName, value: number): RegWriteResult {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) return refuse(`${name}: ${value} is not a 32-bit unsigned value`);
  const g = GPR[name];
  if (g !== undefined) {
    cpu.r[g] = value | 0;
    return OK;
  }
  const s = SEG[name];
  if (s !== undefined) {
    if (value > 0xffff) return refuse(`${name}: a selector is 16 bits`);
    if (s === CS) {
      if (value === (cpu.segSel[CS]! & 0xffff)) return OK;
      return refuse("cs: only a far jump changes CS; write eip instead");
    }
    // MOV Sreg checks the descriptor against the current privilege: keep the guest's CPL for that.
    try {
      cpu.loadSeg(s, value);
      return OK;
    } catch (e) {
      if (e instanceof CpuFault) return refuse(`${name}: loading selector 0x${value.toString(16)} would raise exception ${e.vector}`);
      throw e;
    }
  }
  switch (name) {
    case "eip":
      if (value > cpu.segLimit[CS]!) return refuse(`eip: 0x${value.toString(16)} is beyond the CS limit`);
      cpu.eip = value;
      return OK;
    case "eflags":
      if ((value & EFLAGS_VM) !== 0) return refuse("eflags: virtual-8086 mode (VM) is not supported");
      cpu.setEflags(value);
      return OK;
    case "cr0":
    case "cr2":
    case "cr3":
    case "cr4":
      return asSupervisor(cpu, name, () => cpu.movToCr(Number(name[2]), value | 0));
    case "gdtr_base":
      cpu.gdtBase = value | 0;
      return OK;
    case "idtr_base":
      cpu.idtBase = value | 0;
      return OK;
    case "gdtr_limit":
    case "idtr_limit":
      if (value > 0xffff) return refuse(`${name}: a table limit is 16 bits`);
      if (name === "gdtr_limit") cpu.gdtLimit = value;
      else cpu.idtLimit = value;
      return OK;
    default:
      throw new Error(`register ${name} has no writer`);
  }
}
