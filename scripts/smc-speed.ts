// Host speed of self-modifying code against the same loop without it: `node dist/scripts/smc-speed.js [N]`.
// The loop is `l: inc dword [x]; jmp l`; x lies in the loop's own 64-byte line (SMC) or 64 KiB away.
import { Cpu } from "../kernel/cpu/cpu";
import { NO_PORTS } from "../kernel/cpu/io";
import { PhysicalMemory } from "../kernel/mem/physical-memory";
import { guestPhys } from "../kernel/mem/types";

const CODE = 0x10000;

function measure(counter: number, n: number): { mips: number; blocks: number; hot: number } {
  const mem = new PhysicalMemory(0x200000);
  mem.writeBytes(guestPhys(CODE), new Uint8Array([0xff, 0x05, counter & 0xff, (counter >>> 8) & 0xff, (counter >>> 16) & 0xff, counter >>> 24, 0xeb, 0xf8]));
  const cpu = new Cpu({ memory: mem, io: NO_PORTS });
  cpu.eip = CODE;
  const t0 = process.hrtime.bigint();
  cpu.run(n);
  const ns = Number(process.hrtime.bigint() - t0);
  if (mem.read(guestPhys(counter), 4) !== n / 2) throw new Error("wrong count");
  return { mips: (cpu.instructions * 1000) / ns, blocks: cpu.cachedBlocks, hot: cpu.blockCacheStats.hotPages };
}

const n = Number(process.argv[2] ?? 20_000_000);
if (!Number.isSafeInteger(n) || n <= 0 || n % 2 !== 0) throw new RangeError("N must be a positive even integer");
const normal = measure(CODE + 0x10000, n);
const smc = measure(CODE + 8, n);
process.stdout.write(`normal loop: ${normal.mips.toFixed(1)} M instructions/s (${normal.blocks} blocks)\n`);
process.stdout.write(`self-modifying loop: ${smc.mips.toFixed(1)} M instructions/s (${smc.blocks} blocks, ${smc.hot} hot page)\n`);
process.stdout.write(`ratio: ${(smc.mips / normal.mips).toFixed(3)}\n`);
