import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { Block, BlockCache, HOT_PAGE_COOL_INSTRUCTIONS, HOT_PAGE_WRITES } from "../../../kernel/cpu/block-cache";
import { Cpu } from "../../../kernel/cpu/cpu";
import { NO_PORTS } from "../../../kernel/cpu/io";
import { PhysicalMemory } from "../../../kernel/mem/physical-memory";
import { guestPhys } from "../../../kernel/mem/types";
import { CODE_BASE, snippetCpu } from "../../support/cpu-harness";
import { bytes, d32, ZERO } from "./snippets";

function block(phys: number, hostBytes: number): Block {
  return new Block(() => 1, phys, phys, 0, 1, 1, [phys, phys + 1], [0, 1], [0, 1], -1, 0, hostBytes);
}

/** A CPU executing zeroed RAM (add [eax],al forever): every block is fresh code. */
function freshCodeCpu(blockCacheBytes?: number): Cpu {
  const cpu = new Cpu({ memory: new PhysicalMemory(0x400000), io: NO_PORTS, ...(blockCacheBytes ? { blockCacheBytes } : {}) });
  cpu.eip = 0x100000;
  cpu.eax = 0x10;
  return cpu;
}

describe("kernel/cpu/block-cache", () => {
  it("invalidating a page cuts the chain links of its blocks", () => {
    const c = new BlockCache();
    const a = block(0x1000, 100);
    const b = block(0x2000, 100);
    c.add(a, false);
    c.add(b, false);
    a.n1 = b;
    b.n1 = a;
    expect(c.invalidatePage(1)).to.equal(true);
    expect(a.valid).to.equal(false);
    expect(a.n1).to.equal(null);
    expect(c.bytes).to.equal(100);
  });

  it("stays within its byte budget by flushing, and counts the flushes", () => {
    const c = new BlockCache(1000);
    for (let i = 0; i < 50; i++) c.add(block(i << 12, 300), false);
    expect(c.bytes).to.be.at.most(1000);
    expect(c.size).to.be.at.most(3);
    expect(c.evictions).to.equal(16);
  });

  it("an eviction keeps the blocks looked up in the last three generations, and indexes them for invalidation", () => {
    const c = new BlockCache(1000);
    const blocks = Array.from({ length: 10 }, (_, i) => block(i << 12, 100));
    // The generation moves after every quarter of the budget of new blocks (here the third, fifth, seventh and ninth):
    // add() says so, and the caller drops its references, so that the blocks in use are looked up again.
    expect(blocks.map((b) => c.add(b, false))).to.deep.equal([false, false, true, false, true, false, true, false, true, false]);
    for (const i of [2, 5, 7]) c.touch(blocks[i]!);
    expect(c.add(block(10 << 12, 100), false)).to.equal(true); // the caller must drop its references
    expect(c.evictions).to.equal(1);
    expect(c.fullFlushes).to.equal(0);
    expect(blocks.map((b) => b.valid)).to.deep.equal([false, false, true, false, false, true, false, true, false, false]);
    expect(c.get(5 << 12, false)).to.equal(blocks[5]);
    expect(c.get(4 << 12, false)).to.equal(undefined);
    expect(c.bytes).to.equal(400);
    // The page index holds the kept blocks (and no longer the dropped ones).
    expect(c.invalidatePage(4)).to.equal(false);
    expect(c.invalidatePage(5)).to.equal(true);
    expect(blocks[5]!.valid).to.equal(false);
    expect(c.bytes).to.equal(300);
    // A kept block must be looked up again to survive: block 7 is, after every move of the generation; block 2,
    // looked up last three generations before the next eviction, goes.
    let moves = 0;
    for (let i = 11; i < 19; i++) {
      if (c.add(block(i << 12, 100), false)) {
        moves++;
        c.touch(blocks[7]!);
      }
    }
    expect(c.evictions).to.equal(2);
    expect(moves).to.equal(4); // three generation moves and the eviction
    expect(blocks[7]!.valid).to.equal(true);
    expect(blocks[2]!.valid).to.equal(false);
  });

  it("the first eviction keeps what ran lately, not everything run since the start", () => {
    // A kernel's boot: code run once or a few times, then on to other code, and a small working set all along. Half of
    // the early blocks here are looked up again once, soon after they were added. With one generation from the start
    // to the first eviction, that eviction found half the budget in use and emptied the cache whole.
    const c = new BlockCache(10_000);
    const early = Array.from({ length: 100 }, (_, i) => block(i << 12, 100));
    const hot = block(200 << 12, 100);
    c.add(hot, false);
    for (const [i, b] of early.entries()) {
      if (c.add(b, false)) c.touch(hot); // the CPU dropped its references: the working set is looked up again
      if (i % 2 === 0) c.touch(b);
    }
    expect(c.evictions).to.equal(1); // adding the last one
    expect(c.fullFlushes).to.equal(0);
    expect(hot.valid).to.equal(true);
    expect(early[0]!.valid).to.equal(false); // looked up three generations before
    expect(early[98]!.valid).to.equal(true); // looked up in this one
    expect(early[97]!.valid).to.equal(false); // never looked up
  });

  it("an eviction whose blocks in use fill half the budget drops every block", () => {
    const c = new BlockCache(1000);
    const blocks = Array.from({ length: 10 }, (_, i) => block(i << 12, 100));
    for (const b of blocks) c.add(b, false);
    for (const b of blocks.slice(0, 5)) c.touch(b);
    c.add(block(10 << 12, 100), false);
    expect(c.fullFlushes).to.equal(1);
    expect(blocks.some((b) => b.valid)).to.equal(false);
    expect(c.bytes).to.equal(100);
  });

  it("marks a page hot after it keeps being rewritten", () => {
    const c = new BlockCache();
    for (let i = 0; i < HOT_PAGE_WRITES; i++) {
      expect(c.isHot(5)).to.equal(false);
      c.add(block(0x5000, 10), false);
      c.invalidatePage(5);
    }
    expect(c.isHot(5)).to.equal(true);
    expect(c.hotPages).to.equal(1);
  });

  it("a loop rewriting its own code line is interpreted: exact results, no block growth", () => {
    // inc dword [l+8] shares a 64-byte line with the loop, so every pass invalidates the page.
    const code = bytes(0xff, 0x05, d32(CODE_BASE + 8), 0xeb, 0xf8, 0, 0, 0, 0);
    const { cpu, mem } = snippetCpu(code, ZERO);
    const n = 400_000;
    expect(cpu.run(n).kind).to.equal("budget");
    expect(cpu.cycles).to.equal(n);
    expect(cpu.instructions).to.equal(n);
    expect(mem.read(guestPhys(CODE_BASE + 8), 4)).to.equal(n / 2);
    expect(cpu.blockCacheStats.hotPages).to.equal(1);
    expect(cpu.cachedBlocks).to.be.at.most(4);
  });

  it("a hot page whose instructions stay unchanged is compiled again; one rewritten all along stays hot", () => {
    // inc dword [l+8] writes data in the loop's own 64-byte line: every pass invalidates the page until it is hot,
    // but its instructions never change. The CPU looks at its hot pages at the start of each run: calm for
    // HOT_PAGE_COOL_INSTRUCTIONS, the page is compiled again (then hot again after HOT_PAGE_WRITES more passes), and
    // the next time it must stay calm twice as long.
    const calm = snippetCpu(bytes(0xff, 0x05, d32(CODE_BASE + 8), 0xeb, 0xf8, 0, 0, 0, 0), ZERO);
    const slice = 100_000;
    const cooledAt: number[] = [];
    for (let k = 1; k <= 50; k++) {
      expect(calm.cpu.run(slice).kind).to.equal("budget");
      if (calm.cpu.blockCacheStats.cooledPages > cooledAt.length) cooledAt.push(k);
    }
    expect(calm.cpu.instructions).to.equal(50 * slice);
    expect(calm.mem.read(guestPhys(CODE_BASE + 8), 4)).to.equal((50 * slice) / 2);
    // Hot in the first run, seen calm from the second, cooled at the start of the first run after 2^20 more
    // instructions; hot again at once, cooled 2^21 instructions after it is next seen.
    const first = 2 + Math.ceil(HOT_PAGE_COOL_INSTRUCTIONS / slice);
    expect(cooledAt).to.deep.equal([first, first + 1 + Math.ceil((2 * HOT_PAGE_COOL_INSTRUCTIONS) / slice)]);
    expect(calm.cpu.blockCacheStats.hotPages).to.equal(1);
    expect(calm.cpu.cachedBlocks).to.be.at.most(4);
    // An outer loop that toggles the count of its inner loop (mov ecx, 500 <-> 501) once per ~1,000 instructions:
    // the page's code really changes, and a change found resets the count, so the page stays interpreted.
    const code = bytes(0xb9, d32(500), 0x49, 0x75, 0xfd, 0x83, 0x35, d32(CODE_BASE + 1), 0x01, 0xeb, 0xef);
    const smc = snippetCpu(code, ZERO);
    for (let k = 0; k < 25; k++) expect(smc.cpu.run(slice).kind).to.equal("budget");
    expect(smc.cpu.instructions).to.equal(25 * slice);
    expect(smc.cpu.blockCacheStats.hotPages).to.equal(1);
    expect(smc.cpu.blockCacheStats.cooledPages).to.equal(0);
  });

  it("code patched in a hot page takes effect on the next instruction", () => {
    const code = bytes(
      0xb9, d32(10), // mov ecx,10
      0xff, 0x05, d32(CODE_BASE + 0x3c), // l: inc dword [CODE+0x3c] (same line as the code)
      0x49, // dec ecx
      0x75, 0xf7, // jnz l
      0xc6, 0x05, d32(CODE_BASE + 21), 0x40, // mov byte [next], 0x40 (inc eax)
      0x90, // next: nop, patched
    );
    const { cpu, mem } = snippetCpu(code, ZERO);
    expect(cpu.run(1000).kind).to.equal("halt");
    expect(cpu.blockCacheStats.hotPages).to.equal(1);
    expect(cpu.eax).to.equal(1);
    expect(mem.read(guestPhys(CODE_BASE + 0x3c), 4)).to.equal(10);
  });

  it("fresh code stays under the budget and runs exactly as with an unbounded cache", () => {
    const small = freshCodeCpu(64 * 1024);
    const big = freshCodeCpu();
    small.run(60_000);
    big.run(60_000);
    expect(small.blockCacheStats.evictions).to.be.greaterThan(0);
    expect(small.blockCacheStats.bytes).to.be.at.most(64 * 1024);
    expect(small.saveState()).to.deep.equal(big.saveState());
    expect(small.mem.readBytes(guestPhys(0), 64)).to.deep.equal(big.mem.readBytes(guestPhys(0), 64));
  });

  it("a block the CPU keeps looking up survives evictions that drop fresh code", () => {
    // The block at 0x100000 runs between stretches of code run once (zeroed RAM, add [eax],al) elsewhere.
    const cpu = freshCodeCpu(2 * 1024 * 1024); // about 230 blocks of zeroed RAM
    const cache = cpu["cache"]; // white box: the Block object itself must be the same one throughout
    let first: Block | undefined;
    for (let k = 0; k <= 16; k++) {
      cpu.eip = 0x100000;
      expect(cpu.run(1000).kind).to.equal("budget"); // whole blocks: a run shorter than the dearest block single-steps
      first ??= cache.get(0x100000, false); // compiled on the first pass: in use from its first lookup on
      if (k === 0) continue;
      cpu.eip = 0x100000 + k * 0x8000;
      cpu.run(1500); // about 90 blocks: at most one eviction per stretch
    }
    expect(cpu.blockCacheStats.evictions).to.be.at.least(3);
    expect(cpu.blockCacheStats.fullFlushes).to.equal(0);
    expect(first).to.not.equal(undefined);
    expect(first!.valid).to.equal(true);
    expect(cache.get(0x100000, false)).to.equal(first);
  });

  it("budget flushes really free the dropped blocks (heap measured in a child process)", function () {
    const child = path.join(__dirname, "block-cache-heap-child.js");
    const r = spawnSync(process.execPath, ["--expose-gc", child], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`child failed: ${r.stderr}`);
    const { heapGrowth, evictions, compiledChars } = JSON.parse(r.stdout) as { heapGrowth: number; evictions: number; compiledChars: number };
    expect(evictions).to.be.greaterThan(5);
    // Kept, the blocks compiled would hold at least their source: over 100 MB. What stays whatever the phase of
    // the run: the cache's 2 MiB budget and the shared-function cache (up to 4 Mi characters of source with their
    // functions; cleared when full, so between 7 and 20 MB here depending on where the run stops in its cycle).
    expect(compiledChars).to.be.above(100e6);
    expect(heapGrowth).to.be.below(32 * 1024 * 1024);
  });
});
