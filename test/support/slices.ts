// Runs flat ring-0 test code (flat-ring0.ts) to its HLT in budget slices of a given size, recording the cycle
// count a port sees at every OUT: what the CPU tests compare between whole blocks and single steps.
import { Cpu } from "../../kernel/cpu/cpu";
import type { PortIo } from "../../kernel/cpu/io";
import { enterFlatRing0, flatRing0Memory } from "./flat-ring0";

/** Registers, EIP, EFLAGS, cycles and instructions: the state a run must leave whatever its slices. */
export function cpuState(cpu: Cpu): number[] {
  return [cpu.eax, cpu.ebx, cpu.ecx, cpu.edx, cpu.esp, cpu.eip, cpu.getEflags(), cpu.cycles, cpu.instructions];
}

/** Runs `code` at CODE to its HLT in slices of `slice` cycles; `seen`: the cycle count at each OUT. */
export function runInSlices(code: readonly number[], slice: number): { cpu: Cpu; state: number[]; seen: number[] } {
  const seen: number[] = [];
  let cpu: Cpu | undefined = undefined;
  const io: PortIo = { read: () => 0, write: () => void seen.push(cpu!.cycles) };
  cpu = enterFlatRing0(new Cpu({ memory: flatRing0Memory([0xcf], code), io }));
  for (let i = 0; i < 1_000_000 && !cpu.halted; i++) cpu.run(slice);
  return { cpu, state: cpuState(cpu), seen };
}
