// Runs a raw i386 code snippet on a fresh Cpu (32-bit flat, CPL 0, paging off) and reports registers,
// data and the first exception. Shared by the CPU unit tests and the reference-vector tests.
import { Cpu } from "../../kernel/cpu/cpu";
import { NO_PORTS } from "../../kernel/cpu/io";
import { PhysicalMemory } from "../../kernel/mem/physical-memory";
import { guestPhys } from "../../kernel/mem/types";

export const CODE_BASE = 0x0001_0000, DATA_BASE = 0x0010_0000, DATA_SIZE = 0x1_0000, STACK_TOP = 0x0008_0000;

export interface SnippetRegs { eax: number; ecx: number; edx: number; ebx: number; esp: number; ebp: number; esi: number; edi: number; eflags: number; }
export interface SnippetResult { regs: SnippetRegs; data: Uint8Array; exception: number | undefined; instructions: number; }

const MEMORY_BYTES = 0x20_0000;
const MAX_CYCLES = 50_000_000;
const HLT = 0xf4;

/** Builds the machine used by runSnippet (exposed for tests that need the Cpu itself). */
export function snippetCpu(code: Uint8Array, regs: SnippetRegs, data?: Uint8Array): { cpu: Cpu; mem: PhysicalMemory } {
  if (code.length + 1 > DATA_BASE - CODE_BASE) throw new RangeError("snippet too long");
  if (data && data.length > DATA_SIZE) throw new RangeError("snippet data too long");
  const mem = new PhysicalMemory(MEMORY_BYTES);
  const image = new Uint8Array(code.length + 1);
  image.set(code);
  image[code.length] = HLT;
  mem.writeBytes(guestPhys(CODE_BASE), image);
  if (data) mem.writeBytes(guestPhys(DATA_BASE), data);
  const cpu = new Cpu({ memory: mem, io: NO_PORTS, exceptionsExit: true });
  cpu.eax = regs.eax;
  cpu.ecx = regs.ecx;
  cpu.edx = regs.edx;
  cpu.ebx = regs.ebx;
  cpu.esp = regs.esp === 0 ? STACK_TOP : regs.esp;
  cpu.ebp = regs.ebp;
  cpu.esi = regs.esi;
  cpu.edi = regs.edi;
  cpu.setEflags(regs.eflags);
  cpu.eip = CODE_BASE;
  return { cpu, mem };
}

/** One machine reused by runSnippet: RAM is cleared and the CPU state restored before each snippet,
 * and the code is rewritten only when it differs, so repeated snippets reuse their compiled blocks. */
let shared: { cpu: Cpu; mem: PhysicalMemory; initial: ReturnType<Cpu["saveState"]>; codeLen: number } | null = null;

function reusedCpu(code: Uint8Array, regs: SnippetRegs, data?: Uint8Array): { cpu: Cpu; mem: PhysicalMemory } {
  if (code.length + 1 > DATA_BASE - CODE_BASE) throw new RangeError("snippet too long");
  if (data && data.length > DATA_SIZE) throw new RangeError("snippet data too long");
  if (!shared) {
    const fresh = snippetCpu(new Uint8Array(0), { eax: 0, ecx: 0, edx: 0, ebx: 0, esp: 0, ebp: 0, esi: 0, edi: 0, eflags: 2 });
    shared = { ...fresh, initial: fresh.cpu.saveState(), codeLen: 1 };
  }
  const { cpu, mem } = shared;
  const image = new Uint8Array(Math.max(code.length + 1, shared.codeLen));
  image.set(code);
  image[code.length] = HLT;
  const u8 = mem.u8;
  const codeEnd = CODE_BASE + image.length;
  u8.fill(0, 0, CODE_BASE);
  u8.fill(0, codeEnd);
  const old = u8.subarray(CODE_BASE, codeEnd);
  if (old.some((b, i) => b !== image[i])) mem.writeBytes(guestPhys(CODE_BASE), image);
  shared.codeLen = code.length + 1;
  if (data) mem.writeBytes(guestPhys(DATA_BASE), data);
  cpu.restoreState(shared.initial);
  cpu.eax = regs.eax;
  cpu.ecx = regs.ecx;
  cpu.edx = regs.edx;
  cpu.ebx = regs.ebx;
  cpu.esp = regs.esp === 0 ? STACK_TOP : regs.esp;
  cpu.ebp = regs.ebp;
  cpu.esi = regs.esi;
  cpu.edi = regs.edi;
  cpu.setEflags(regs.eflags);
  cpu.eip = CODE_BASE;
  return { cpu, mem };
}

/** Runs `code` at CODE_BASE with `data` at DATA_BASE until EIP reaches the end of the code or an exception is raised (regs then as at the faulting instruction). Registers as given (esp defaults to STACK_TOP if 0). */
export function runSnippet(code: Uint8Array, regs: SnippetRegs, data?: Uint8Array): SnippetResult {
  const { cpu, mem } = reusedCpu(code, regs, data);
  const end = CODE_BASE + code.length;
  let exception: number | undefined;
  for (;;) {
    const exit = cpu.run(MAX_CYCLES);
    if (exit.kind === "fault") {
      exception = exit.vector;
      break;
    }
    if (exit.kind === "halt") {
      if (cpu.eip !== end + 1) throw new Error(`snippet halted at ${cpu.eip.toString(16)}, not at its end`);
      break;
    }
    throw new Error(`snippet did not finish: ${exit.kind}`);
  }
  const instructions = exception === undefined ? cpu.instructions - 1 : cpu.instructions;
  cpu.halted = false;
  return {
    regs: {
      eax: cpu.eax, ecx: cpu.ecx, edx: cpu.edx, ebx: cpu.ebx, esp: cpu.esp, ebp: cpu.ebp, esi: cpu.esi, edi: cpu.edi,
      eflags: cpu.getEflags(),
    },
    data: mem.readBytes(guestPhys(DATA_BASE), DATA_SIZE),
    exception,
    instructions,
  };
}
