// Development micro-benchmark of REP STOS/MOVS: zeroes 16 MiB with rep stosd and copies it with rep movsd
// (and the byte forms), with and without the bulk path, and prints MB/s per host CPU time. Not a test.
// Usage: node dist/scripts/bench-cpu-strings.js [runs]
import { Cpu } from "../kernel/cpu/cpu";
import { NO_PORTS } from "../kernel/cpu/io";
import { PhysicalMemory } from "../kernel/mem/physical-memory";
import { guestPhys } from "../kernel/mem/types";

const MIB16 = 16 * 1024 * 1024;
const SRC = 0x100000;
const DST = SRC + MIB16;

function d32(v: number): number[] {
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
}

/** mov esi,SRC; mov edi,dst; mov ecx,count; cld; rep op; hlt */
function runOnce(op: number, elem: number, bulk: boolean): { mbps: number; mips: number } {
  const mem = new PhysicalMemory(DST + MIB16 + 0x100000);
  const dst = op === 0xab || op === 0xaa ? SRC : DST;
  const code = [0xbe, ...d32(SRC), 0xbf, ...d32(dst), 0xb9, ...d32(MIB16 / elem), 0xfc, 0xf3, op, 0xf4];
  mem.writeBytes(guestPhys(0x10000), new Uint8Array(code));
  mem.u8.fill(1, SRC, DST + MIB16); // commit the host pages before timing: measure the CPU, not the host OS
  const cpu = new Cpu({ memory: mem, io: NO_PORTS });
  cpu.bulkStrings = bulk;
  cpu.eip = 0x10000;
  cpu.esp = 0x80000;
  const t0 = process.cpuUsage();
  for (;;) {
    const e = cpu.run(1_000_000);
    if (e.kind === "halt") break;
    if (e.kind !== "budget") throw new Error(`unexpected exit ${e.kind}`);
  }
  const used = process.cpuUsage(t0);
  const us = used.user + used.system;
  return { mbps: MIB16 / us, mips: cpu.instructions / us };
}

function main(): void {
  const runs = Number(process.argv[2] ?? 3);
  const cases: [string, number, number][] = [["rep stosd", 0xab, 4], ["rep stosb", 0xaa, 1], ["rep movsd", 0xa5, 4], ["rep movsb", 0xa4, 1]];
  for (const [name, op, elem] of cases) {
    for (const bulk of [false, true]) {
      const res = [];
      for (let i = 0; i < runs; i++) res.push(runOnce(op, elem, bulk));
      res.sort((a, b) => a.mbps - b.mbps);
      const m = res[Math.floor(res.length / 2)]!;
      process.stdout.write(`${name} 16 MiB, bulk ${bulk ? "on " : "off"}: ${m.mbps.toFixed(0)} MB/s (${m.mips.toFixed(0)} MIPS-equivalent, 1 iteration = 1 instruction)\n`);
    }
  }
}

main();
