// Compiled blocks indexed by the physical address of their first byte, with a per-page index so a
// write to a page holding code drops every block decoded from it, a byte budget (generated source and
// closures counted) and per-page write counts that mark a page "hot" once it keeps being rewritten.
// Knows nothing of execution: the CPU decides what a hot page means (it interprets it).
import type { BlockFn } from "./decoder/block-builder";
import type { IdleLoop } from "./idle-loop";

/** A compiled block plus its chaining slots (valid only while linkEpoch equals the CPU epoch). */
export class Block {
  valid = true;
  n1: Block | null = null;
  n1Eip = -1;
  n2: Block | null = null;
  n2Eip = -1;
  linkEpoch = 0;
  /** A recognised idle loop at the block start (idle-loop.ts), which the CPU may fast-forward. */
  idle: IdleLoop | null = null;
  /** A block that resumes where an exact run cut another (Cpu.resumeCut): it ends where it reaches the cut block's
   * start, is not watched, and is never a region's member. */
  fromCut = false;
  /** A counted block (Cpu.lookupCounted): an exact run's tail runs it as far as the budget goes, the instructions
   * single steps would run. Cached apart from the whole and single blocks at its address. */
  counted = false;
  /** Where the block leaves, counted while it is young (Cpu.watchExits); null once the watch is over. */
  watch: ExitWatch | null = null;
  /** The cache generation in which a lookup last found the block (BlockCache.touch; too old to keep when none has
   * since it was added): a budget eviction keeps the blocks of the last few generations (KEPT_GENERATIONS). */
  gen = 0;
  constructor(
    readonly fn: BlockFn,
    /** EIP the block was decoded at (its fragments bake in EIP-relative values). */
    readonly eip: number,
    readonly phys: number,
    /** CPU segment mode it was compiled for. */
    readonly segMode: number,
    readonly count: number,
    readonly cost: number,
    /** By instruction index and by position (block-builder Compiled): EIP, cycles and instructions run before. */
    readonly eips: readonly number[],
    readonly prefix: readonly number[],
    readonly counts: readonly number[],
    /** The block's second physical page, else -1: where its first instruction straddles a page boundary, or
     * where its run goes on (flat code: the usual target of a near transfer, Cpu.likelyTarget). */
    readonly page2: number,
    /** Where page2 lies in linear memory: its distance in bytes from the block's first linear page (4096 for
     * the next page; any multiple of 4096 in flat code); 0 without a second page. */
    readonly page2At: number,
    /** Estimated host bytes the block keeps alive (see estimateBlockBytes). */
    readonly hostBytes: number,
    /** For an interpreted instruction (hot page): the bytes it was decoded from, checked before every
     * execution; null for an ordinary block, which relies on code-write invalidation instead. */
    readonly code: Uint8Array | null = null,
  ) {
    this.shared = count > 1;
  }

  /** Whether an MMIO access inside the block's function must split it (Cpu.inSharedBlock): it runs more than one
   * instruction, or it is the entry of a region (formRegion). */
  shared: boolean;

  /** Drops the block: marks it invalid and cuts its chain links, so a dead block never keeps the
   * blocks it jumped to alive (and they never keep it alive through a stale link of theirs). */
  kill(): void {
    this.valid = false;
    this.n1 = this.n2 = null;
    this.n1Eip = this.n2Eip = -1;
  }
}

/** What the CPU counts about where a young block leaves (Cpu.watchExits). One object, dropped when the watch
 * ends, rather than fields of Block: V8 keeps the first fields of an object inside it, and a block's hot fields
 * (fn, cost, prefix, count) come last (cachegrind, bench-state: five more Block fields, +6% host instructions). */
export class ExitWatch {
  /** Instructions run (a block that loops inside its function makes several passes per run), runs (calls of
   * fn), and falls-through of a followed Jcc. */
  runs = 0;
  entries = 0;
  misses = 0;
  /** Times each of `exits` was taken. */
  readonly hits: number[];
  /** Where the main path's near transfer (RET, JMP r/m...) went: up to NEAR_TARGETS distinct EIPs, how often
   * each, and how often it went anywhere. */
  readonly targets: number[] = [];
  readonly targetHits: number[] = [];
  nearRuns = 0;
  constructor(
    /** Indices of the backward Jccs the block runs through (decodeRun), or null: none, or no longer watched. */
    public followed: readonly number[] | null,
    /** Indices of the Jccs the block leaves at in mid-path (block-shape exitJccs), or null likewise. */
    public exits: readonly number[] | null,
    /** The position the block function returns after its main path's near transfer (Compiled.nearExit), and that
     * instruction's index; -1: none, or no longer watched. */
    public nearExit: number = -1,
    readonly nearIndex: number = -1,
  ) {
    this.hits = exits === null ? [] : exits.map(() => 0);
  }
}

/** Host bytes a block with `sourceChars` characters of generated source and `count` instructions is
 * charged: the source (kept by V8 for the function, one byte per character), about as much again for
 * bytecode and feedback once it has run, and fixed object overhead. Measured with
 * `node --expose-gc dist/scripts/block-cache-heap.js` (heap delta per block within ±30%). */
export function estimateBlockBytes(sourceChars: number, count: number): number {
  return 2 * sourceChars + 32 * count + 512;
}

/** Default host-memory budget of one CPU's block cache (bytes). Documented in kernel/cpu/README.md and
 * printed by `apexvisor bench`. */
export const DEFAULT_BLOCK_CACHE_BYTES = 32 * 1024 * 1024;
/** The budget of a PC machine's CPU (FV partitions, `apexvisor boot`): a full kernel's working set. At 32 MiB a
 * Linux boot to its shell emptied the cache 27 times and compiled 193K blocks; at 128 MiB it compiles 64K, and
 * the boot takes about 70% of the host time (kernel/cpu/README.md, "Host memory"). */
export const FV_BLOCK_CACHE_BYTES = 128 * 1024 * 1024;

/** The generation moves after new blocks worth 1/GEN_FRESH_SHARE of the budget, and an eviction keeps the blocks
 * looked up in the last KEPT_GENERATIONS generations: those used within the last half budget of new code, at least
 * (BlockCache.evict). */
const GEN_FRESH_SHARE = 4;
const KEPT_GENERATIONS = 3;

/** Code-write invalidations of one page after which the page is interpreted instead of compiled. */
export const HOT_PAGE_WRITES = 8;
/** CPU instructions after which a hot page none of whose interpreted instructions was found rewritten is compiled
 * again (and write-protected, so that HOT_PAGE_WRITES more invalidations make it hot again). A kernel patching its
 * text while it boots (jump labels, static calls) made a page hot that it never wrote again: a Linux 686 boot then
 * interpreted 34.6M instructions of it, 1.69M passes of one loop. */
export const HOT_PAGE_COOL_INSTRUCTIONS = 1 << 20;
/** A page that turns hot again after cooling waits twice as long to cool the next time, up to 2^6 times as long: a
 * loop that keeps writing into its own code line (smc-speed.js) pays its compiles once per 64 Mi instructions. */
const MAX_COOL_DOUBLINGS = 6;

/** Blocks by start address: whole blocks, single-instruction blocks (TF, interrupt shadows, split instructions),
 * counted blocks (exact budget tails) and interpreted instructions of hot pages. */
export class BlockCache {
  private readonly multi = new Map<number, Block>();
  private readonly single = new Map<number, Block>();
  private readonly interp = new Map<number, Block>();
  private readonly countedAt = new Map<number, Block>();
  private readonly maps = [this.multi, this.single, this.interp, this.countedAt] as const;
  /** The maps of compiled blocks, which the page index covers (interpreted instructions are checked on every fetch). */
  private readonly compiled = [this.multi, this.single, this.countedAt] as const;
  private readonly byPage = new Map<number, Block[]>();
  /** Invalidations per physical page since the last flush (only pages that held code). */
  private readonly writes = new Map<number, number>();
  /** The hot pages, each with the CPU's instruction count when coolHotPages first saw it after it turned hot or one of
   * its interpreted instructions was found rewritten (-1 until then). */
  private readonly hot = new Map<number, number>();
  /** Times each page cooled (and so turned hot again since). */
  private readonly coolings = new Map<number, number>();
  private used = 0;
  /** Moves at every budget eviction, and after every quarter of the budget of new blocks (GEN_FRESH_SHARE); blocks
   * carry the generation in which a lookup last found them (Block.gen). */
  private gen = 0;
  /** Host bytes of the blocks added since the generation last moved. */
  private fresh = 0;
  /** Evictions forced by the budget (diagnostics), and those of them that dropped every block. */
  evictions = 0;
  fullFlushes = 0;
  /** Hot pages compiled again after a calm of HOT_PAGE_COOL_INSTRUCTIONS (diagnostics). */
  cooled = 0;

  constructor(readonly budgetBytes: number = DEFAULT_BLOCK_CACHE_BYTES) {
    if (!Number.isSafeInteger(budgetBytes) || budgetBytes < 1) throw new RangeError(`bad block cache budget ${budgetBytes}`);
  }

  get(phys: number, single: boolean, counted = false): Block | undefined {
    return (counted ? this.countedAt : single ? this.single : this.multi).get(phys);
  }

  /** The interpreted instruction cached at `phys` (its bytes still have to be checked). */
  getInterp(phys: number): Block | undefined {
    return this.interp.get(phys);
  }

  /** Adds a block; returns true when the caller must drop its own references (chain links, the direct-mapped
   * front): the budget forced an eviction first, or the generation moved, and the blocks in use must be looked up
   * (and so marked) again. */
  add(b: Block, single: boolean): boolean {
    const map = b.code !== null ? this.interp : b.counted ? this.countedAt : single ? this.single : this.multi;
    let drop = false;
    if (this.used + b.hostBytes > this.budgetBytes) {
      this.evict();
      drop = true;
    } else if (GEN_FRESH_SHARE * (this.fresh + b.hostBytes) >= this.budgetBytes) {
      this.nextGen();
      drop = true;
    }
    this.fresh += b.hostBytes;
    b.gen = this.gen - KEPT_GENERATIONS; // not in use until a lookup finds it
    const old = map.get(b.phys);
    if (old) {
      old.kill();
      this.used -= old.hostBytes;
    }
    map.set(b.phys, b);
    this.used += b.hostBytes;
    if (b.code === null) this.index(b);
    return drop;
  }

  private nextGen(): void {
    this.gen++;
    this.fresh = 0;
  }

  /** Marks `b` as in use in this generation (the CPU calls it when a lookup finds `b`). */
  touch(b: Block): void {
    b.gen = this.gen;
  }

  /**
   * Makes room when the budget is reached. The blocks not looked up in this generation or the two before go; those
   * that were stay, unless they fill half the budget or more (then every block goes, so that each eviction frees at
   * least half the budget and evictions cannot follow each other block by block). The generation moves at every
   * eviction and after every quarter of the budget of new code, and each time the caller moves its epoch, which
   * makes every chain link and jump-cache entry stale: a block that keeps running is looked up, and marked, again
   * soon after. A whole flush of a kernel's working set made a Linux boot compile its code again 27 times; with one
   * generation from the start to the first eviction, that eviction kept everything the boot had run and emptied
   * the cache whole (kernel/cpu/README.md, "Host memory").
   */
  private evict(): void {
    this.evictions++;
    const keep = this.gen - (KEPT_GENERATIONS - 1);
    this.nextGen();
    let kept = 0;
    for (const m of this.maps) for (const b of m.values()) if (b.gen >= keep) kept += b.hostBytes;
    if (2 * kept >= this.budgetBytes) {
      this.fullFlushes++;
      this.clear();
      return;
    }
    for (const m of this.maps) {
      for (const [phys, b] of m) {
        if (b.gen >= keep) continue;
        b.kill();
        m.delete(phys);
      }
    }
    // The page index again from the blocks kept (it also held blocks replaced since: they go now).
    this.byPage.clear();
    for (const m of this.compiled) for (const b of m.values()) this.index(b);
    this.used = kept;
  }

  /** Lists `b` under each page it was decoded from (invalidatePage drops it when one is written). */
  private index(b: Block): void {
    this.indexOn(b.phys >>> 12, b);
    if (b.page2 >= 0) this.indexOn(b.page2, b);
  }

  private indexOn(page: number, b: Block): void {
    const l = this.byPage.get(page);
    if (l) l.push(b);
    else this.byPage.set(page, [b]);
  }

  /** The whole blocks cached that were decoded from `page` (its first page), in no particular order. */
  blocksOn(page: number): Block[] {
    const l = this.byPage.get(page) ?? [];
    return l.filter((b) => b.valid && b.phys >>> 12 === page && this.multi.get(b.phys) === b);
  }

  /** Whether `page` keeps being rewritten and is interpreted instead of compiled. */
  isHot(page: number): boolean {
    return this.hot.size !== 0 && this.hot.has(page);
  }

  /** An interpreted instruction of hot page `page` was found rewritten: its calm starts over. */
  interpretedRewritten(page: number): void {
    if (this.hot.has(page)) this.hot.set(page, -1);
  }

  /**
   * Compiles again the hot pages that stayed calm (none of their interpreted instructions found rewritten) for
   * HOT_PAGE_COOL_INSTRUCTIONS of the CPU's instructions (`now`), twice as long for each time a page cooled before.
   * Their interpreted instructions go. The CPU calls it at the start of each run: no cost per instruction.
   */
  coolHotPages(now: number): void {
    for (const [page, since] of this.hot) {
      if (since < 0) {
        this.hot.set(page, now);
        continue;
      }
      const times = this.coolings.get(page) ?? 0;
      if (now - since < HOT_PAGE_COOL_INSTRUCTIONS * 2 ** Math.min(times, MAX_COOL_DOUBLINGS)) continue;
      this.coolings.set(page, times + 1);
      this.hot.delete(page);
      this.writes.delete(page);
      for (const [phys, b] of this.interp) {
        if (phys >>> 12 !== page) continue;
        b.kill();
        this.interp.delete(phys);
        this.used -= b.hostBytes;
      }
      this.cooled++;
    }
  }

  /** Drops every block decoded from `page`; true if there were any. Counts the write toward making the page hot. */
  invalidatePage(page: number): boolean {
    const l = this.byPage.get(page);
    if (!l) return false;
    this.byPage.delete(page);
    for (const b of l) {
      for (const m of this.compiled) {
        if (m.get(b.phys) !== b) continue;
        m.delete(b.phys);
        this.used -= b.hostBytes;
      }
      b.kill();
    }
    const n = (this.writes.get(page) ?? 0) + 1;
    this.writes.set(page, n);
    if (n >= HOT_PAGE_WRITES && !this.hot.has(page)) this.hot.set(page, -1);
    return true;
  }

  clear(): void {
    for (const m of this.maps) {
      for (const b of m.values()) b.kill();
      m.clear();
    }
    this.byPage.clear();
    this.writes.clear();
    this.hot.clear();
    this.coolings.clear();
    this.used = 0;
    this.fresh = 0;
  }

  get size(): number {
    return this.multi.size + this.single.size + this.interp.size + this.countedAt.size;
  }

  /** Estimated host bytes held by cached blocks (never above budgetBytes). */
  get bytes(): number {
    return this.used;
  }

  /** Number of hot (interpreted) pages. */
  get hotPages(): number {
    return this.hot.size;
  }
}
