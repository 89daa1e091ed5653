// Child process of block-cache.test.ts (run with --expose-gc): executes fresh code under a small
// block-cache budget and prints how much the heap grew once everything dead is collected.
import { Cpu } from "../../../kernel/cpu/cpu";
import { NO_PORTS } from "../../../kernel/cpu/io";
import { PhysicalMemory } from "../../../kernel/mem/physical-memory";

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("run with --expose-gc");
const cpu = new Cpu({ memory: new PhysicalMemory(0x800000), io: NO_PORTS, blockCacheBytes: 2 * 1024 * 1024 });
cpu.eip = 0x100000;
cpu.eax = 0x10;
cpu.run(10_000);
gc();
const before = process.memoryUsage().heapUsed;
for (let i = 0; i < 30; i++) cpu.run(20_000);
gc();
const heapGrowth = process.memoryUsage().heapUsed - before;
process.stdout.write(JSON.stringify({ heapGrowth, evictions: cpu.blockCacheStats.evictions, blocks: cpu.cachedBlocks, compiledChars: cpu.compiledChars }) + "\n");
