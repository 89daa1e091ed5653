// Child process of tlb-memory.test.ts (run with --expose-gc): builds CPUs, drops three of every four, and
// prints how much resident memory the ones kept hold. The host allocator's state is the point (a freed
// machine's buffers change where the next one's come from), so it runs in a fresh process.
import { Cpu } from "../../../kernel/cpu/cpu";
import { NO_PORTS } from "../../../kernel/cpu/io";
import { PhysicalMemory } from "../../../kernel/mem/physical-memory";
import { guestPhys } from "../../../kernel/mem/types";

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("run with --expose-gc");
const KEPT = Number(process.argv[2] ?? 48);
/** A CPU that has run a little code (a store and a load through the TLB): what a partition looks like. */
function used(): Cpu {
  const mem = new PhysicalMemory(0x100000);
  // mov [0x8000], eax; mov ebx, [0x8000]; hlt
  mem.writeBytes(guestPhys(0x1000), new Uint8Array([0xa3, 0x00, 0x80, 0x00, 0x00, 0x8b, 0x1d, 0x00, 0x80, 0x00, 0x00, 0xf4]));
  const cpu = new Cpu({ memory: mem, io: NO_PORTS });
  cpu.eip = 0x1000;
  cpu.eax = 0x1234;
  cpu.run(100);
  return cpu;
}
gc();
const before = process.memoryUsage().rss;
const kept: Cpu[] = [];
for (let i = 0; i < KEPT; i++) {
  for (let k = 0; k < 3; k++) used();
  kept.push(used());
}
gc();
const rssGrowth = process.memoryUsage().rss - before;
process.stdout.write(JSON.stringify({ rssGrowth, kept: kept.length, ebx: kept[0]!.ebx }) + "\n");
