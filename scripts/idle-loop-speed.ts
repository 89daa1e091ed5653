// Host time of a polling guest with and without the idle-loop fast-forward (issue 14), in one run:
// `node dist/scripts/idle-loop-speed.js [MCYCLES] [ROUNDS]`. The guest spins `1: pause; cmp dword [x], 0;
// je 1b` for MCYCLES million cycles in 1 ms slices (a partition waiting for its flag); checks both ways end
// in the same state and prints the median host ms of each, their ratio and the passes fast-forwarded.
import { Cpu } from "../kernel/cpu/cpu";
import { NO_PORTS } from "../kernel/cpu/io";
import { PhysicalMemory } from "../kernel/mem/physical-memory";
import { guestPhys } from "../kernel/mem/types";
import { median } from "../kernel/bench/stats";

const CODE = 0x10000, FLAG = 0x5000, SLICE = 1_000_000;

function once(cycles: number, idleSkip: boolean): { ms: number; state: string; skipped: number } {
  const mem = new PhysicalMemory(0x200000);
  const f = [FLAG & 0xff, (FLAG >>> 8) & 0xff, (FLAG >>> 16) & 0xff, FLAG >>> 24];
  mem.writeBytes(guestPhys(CODE), new Uint8Array([0xf3, 0x90, 0x83, 0x3d, ...f, 0x00, 0x74, 0xf5, 0xf4]));
  const cpu = new Cpu({ memory: mem, io: NO_PORTS, idleSkip });
  cpu.eip = CODE;
  const t0 = process.hrtime.bigint();
  for (let left = cycles; left > 0; left -= SLICE) cpu.run(Math.min(SLICE, left));
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  return { ms, state: `${cpu.cycles} ${cpu.instructions} ${cpu.eip} ${cpu.getEflags()}`, skipped: cpu.idleSkipped };
}

const mcycles = Number(process.argv[2] ?? 100);
const rounds = Number(process.argv[3] ?? 5);
if (!Number.isSafeInteger(mcycles) || mcycles <= 0 || !Number.isSafeInteger(rounds) || rounds <= 0) {
  process.stderr.write("usage: node dist/scripts/idle-loop-speed.js [MCYCLES>0] [ROUNDS>0]\n");
  process.exit(2);
}
const on: number[] = [], off: number[] = [];
let skipped = 0;
for (let i = 0; i < rounds; i++) {
  // Interleaved pairs, so that host load changes hit both sides alike.
  const a = once(mcycles * 1e6, false);
  const b = once(mcycles * 1e6, true);
  if (a.state !== b.state) throw new Error(`states differ: ${a.state} / ${b.state}`);
  off.push(a.ms);
  on.push(b.ms);
  skipped = b.skipped;
}
const mOff = median(off), mOn = median(on);
process.stdout.write(`polling guest, ${mcycles} M cycles in 1 M-cycle slices, ${rounds} round(s):\n`);
process.stdout.write(`  idle skip off: ${mOff.toFixed(2)} ms host (median)\n`);
process.stdout.write(`  idle skip on:  ${mOn.toFixed(2)} ms host (median), ${skipped} passes fast-forwarded\n`);
process.stdout.write(`  speed-up: ${(mOff / mOn).toFixed(1)}x\n`);
