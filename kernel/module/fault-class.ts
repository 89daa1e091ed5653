// Turns a CPU exception that a partition raised into the kernel fault the health monitor classifies.
// Pure: the vector, and for #GP the instruction bytes, decide. It does not decide the HM action.
import type { KernelFault } from "../health/system-state";

/** Exception vectors (Intel SDM vol. 3, table 6-1). */
const DE = 0, OF = 4, UD = 6, NM = 7, DF = 8, SS = 12, GP = 13, PF = 14, MF = 16, XM = 19;

function skipPrefixes(code: Uint8Array): number {
  let i = 0;
  while (i < code.length && i < 15) {
    const b = code[i] ?? 0;
    // operand/address size, segment overrides, lock, rep/repne
    if (b === 0x66 || b === 0x67 || b === 0x26 || b === 0x2e || b === 0x36 || b === 0x3e || b === 0x64 || b === 0x65 || b === 0xf0 || b === 0xf2 || b === 0xf3) i++;
    else break;
  }
  return i;
}

/**
 * True when the instruction is one that #GPs at CPL 3 because it is privileged or touches I/O ports
 * (HLT, CLI/STI, IN/OUT/INS/OUTS, LGDT/LIDT/LMSW/INVLPG, MOV to/from CRn/DRn, CLTS, INVD/WBINVD,
 * WRMSR/RDMSR, LLDT/LTR). Used to tell a privileged-instruction fault from a memory fault (#GP(0)
 * is raised for both).
 */
export function isPrivilegedInstruction(code: Uint8Array): boolean {
  const i = skipPrefixes(code);
  const op = code[i];
  if (op === undefined) return false;
  if (op === 0xf4 || op === 0xfa || op === 0xfb) return true;
  if ((op >= 0xe4 && op <= 0xe7) || (op >= 0xec && op <= 0xef) || (op >= 0x6c && op <= 0x6f)) return true;
  if (op !== 0x0f) return false;
  const op2 = code[i + 1];
  const modrm = code[i + 2];
  if (op2 === undefined) return false;
  if (op2 === 0x06 || op2 === 0x08 || op2 === 0x09 || op2 === 0x30 || op2 === 0x32) return true;
  if (op2 >= 0x20 && op2 <= 0x23) return true;
  const reg = modrm === undefined ? -1 : (modrm >> 3) & 7;
  if (op2 === 0x00) return reg === 2 || reg === 3; // LLDT, LTR
  if (op2 === 0x01) return reg === 2 || reg === 3 || reg === 6 || reg === 7; // LGDT, LIDT, LMSW, INVLPG
  return false;
}

/** The kernel fault for exception `vector`; `code` is the faulting instruction's bytes (for #GP). */
export function classifyFault(vector: number, code: Uint8Array): KernelFault {
  switch (vector) {
    case DE:
    case OF:
    case MF:
    case XM:
      return "numericError";
    case UD:
    case NM:
      return "invalidOpcode";
    case SS:
      return "stackOverflow";
    case GP:
      return isPrivilegedInstruction(code) ? "privilegedInstruction" : "memoryViolation";
    case PF:
      return "memoryViolation";
    case DF:
      return "hardwareFault";
    default:
      return "hardwareFault";
  }
}
