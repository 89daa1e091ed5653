// Development micro-benchmark of the CPU: builds the CPU-bound test workload (test/kernel/cpu/guests)
// at -O0/-O2/-Os, runs it to completion and prints guest MIPS (per host CPU time of this process, so
// that other load on the machine matters less; not a test).
// Usage: node dist/scripts/bench-cpu-micro.js [iterations] [runs]
import { Cpu } from "../kernel/cpu/cpu";
import { NO_PORTS } from "../kernel/cpu/io";
import { PhysicalMemory } from "../kernel/mem/physical-memory";
import { buildGuest, loadElf } from "../test/kernel/cpu/guest-build";

function runOnce(elf: Uint8Array): { mips: number; eax: number; instr: number; blocks: number } {
  const mem = new PhysicalMemory(8 * 1024 * 1024);
  const entry = loadElf(mem, elf);
  const cpu = new Cpu({ memory: mem, io: NO_PORTS });
  cpu.eip = entry;
  const t0 = process.cpuUsage();
  for (;;) {
    const e = cpu.run(10_000_000);
    if (e.kind === "halt") break;
    if (e.kind !== "budget") throw new Error(`unexpected exit ${e.kind}`);
  }
  const used = process.cpuUsage(t0);
  const us = used.user + used.system;
  return { mips: cpu.instructions / us, eax: cpu.eax, instr: cpu.instructions, blocks: cpu.cachedBlocks };
}

function main(): void {
  const iterations = Number(process.argv[2] ?? 200);
  const runs = Number(process.argv[3] ?? 5);
  for (const opt of ["O2", "Os", "O0"]) {
    const elf = buildGuest(["workload.c"], opt, [`-DITERATIONS=${iterations}`]);
    const res = [];
    for (let i = 0; i < runs; i++) res.push(runOnce(elf));
    const m = res.map((r) => r.mips).sort((a, b) => a - b);
    const r0 = res[0]!;
    process.stdout.write(`${opt}: ${r0.instr} instructions, checksum ${r0.eax}, ${r0.blocks} blocks, MIPS median ${m[Math.floor(m.length / 2)]!.toFixed(1)} (min ${m[0]!.toFixed(1)}, max ${m[m.length - 1]!.toFixed(1)})\n`);
  }
}

main();
