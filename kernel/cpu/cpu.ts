// The vCPU: run loop with exact cycle budgets, block lookup/compilation/chaining, interrupt
// recognition (IF, STI/MOV SS shadow, TF single-step), exits, and the public register/state API.
// Instruction semantics live in the decoder (code generation) and the Cpu* helper classes.
import { T_NX } from "./mmu";
import type { PhysicalMemory } from "../mem/physical-memory";
import { Block, BlockCache, ExitWatch, estimateBlockBytes } from "./block-cache";
import { Question, sameBytes, templateKey, TEMPLATES, type Template } from "./block-templates";
import { checkCostModel, DEFAULT_COST_MODEL, type CostModel } from "./cost-model";
import { CR0_PG, CS } from "./cpu-state";
import { SegMode } from "./seg-mode";
import { compileBlock, decodeRun, MAX_BLOCK, runsTimeBlind, type DecodeOptions } from "./decoder/block-builder";
import { compileRegion, regionsDefault, type RegionMember } from "./decoder/region-builder";
import { REGION_MIN, RegionPolicy } from "./region-policy";
import { mainPath, midPathJccs } from "./decoder/block-shape";
import { blockDumpSink, formatBlock } from "./decoder/block-dump";
import { EndOfBytes, type Insn } from "./decoder/insn";
import type { CpuExit } from "./exit";
import { IF, TF } from "./flags";
import { idleSkipDefault, recogniseIdleLoop, type IdleLoop } from "./idle-loop";
import { AccessRetry, CpuFault, DB, GP, MmioSplit, WriteProtectFault } from "./faults";
import type { InterruptSource, PortIo } from "./io";
import type { ApicBaseControl, MsrState } from "./msr";
import { CpuSystem } from "./ops-system";
import type { X87SavedState } from "./x87/fpu-state";

/** How a Cpu is wired. */
export interface CpuOptions {
  memory: PhysicalMemory;
  io: PortIo;
  /** The INTR line; none means external interrupts never arrive. */
  interrupts?: InterruptSource;
  /** INT n vectors that, executed at CPL 3, exit to the kernel as hypercalls. */
  hypercallVectors?: ReadonlySet<number>;
  /** Hand every exception (and non-hypercall INT n) to the kernel instead of the guest IDT. */
  exceptionsExit?: boolean;
  costModel?: CostModel;
  /** Host-memory budget of the block cache in bytes (default DEFAULT_BLOCK_CACHE_BYTES). */
  blockCacheBytes?: number;
  /** The local APIC behind IA32_APIC_BASE (moves/enables its window); none: no APIC, the MSR #GPs. */
  apicBase?: ApicBaseControl;
  /** Fast-forward recognised idle loops (default idleSkipDefault(): true unless APEXVISOR_IDLE_SKIP=0 reached
   * the CLI): host speed only, cycles and state are the same either way. */
  idleSkip?: boolean;
  /** Compile the hot blocks of a code page into one region function (default regionsDefault(): false unless
   * APEXVISOR_REGIONS=1 reached the CLI; see formRegion): host speed only, cycles and state are the same either way. */
  regions?: boolean;
}

/** Saved register and system state (plain JSON-safe object). */
export interface CpuSavedState {
  regs: number[];
  eip: number;
  eflags: number;
  seg: { sel: number; base: number; limit: number; attr: number }[];
  cpl: number;
  cr0: number;
  cr2: number;
  cr3: number;
  cr4: number;
  gdt: { base: number; limit: number };
  idt: { base: number; limit: number };
  ldt: { sel: number; base: number; limit: number };
  tr: { sel: number; base: number; limit: number; attr: number };
  halted: boolean;
  shadow: number;
  cycles: number;
  debt: number;
  instructions: number;
  /** Model-specific registers (absent in snapshots taken before MSRs existed: reset values). */
  msrs?: MsrState;
  /** The x87 FPU (absent in states saved before it existed: then FNINIT state). */
  x87?: X87SavedState;
}

const BUDGET_EXIT: CpuExit = { kind: "budget" };
const FAST_SIZE = 8192;
/** Entries of the jump cache (Cpu.jumpBlock). */
const JUMP_CACHE_SIZE = 4096;
const FLAT_CS = SegMode.FlatCS;
const HALT_EXIT: CpuExit = { kind: "halt" };
/** Whether blocks run through JMP rel within their page (superblocks; see decodeRun). */
const FOLLOW_JUMPS = true;
/** Most entries each profile set or map of Cpu holds (mmioInsns, keptJcc, inlinedJcc, likelyJcc, likelyTarget); past
 * it one starts over (host speed only: a forgotten address is learnt again). */
const PROFILE_MAX = 4096;

/** A followed backward Jcc that falls through this often, on at least half the block's runs, is kept as an
 * ordinary side exit when the block is compiled again (see watchFollowed). */
const FOLLOW_MISSES = 32;
/** A Jcc side exit taken this often, on at least a quarter of its block's runs, gets its taken side inlined
 * when the block is compiled again (see watchExits). Within the EXIT_WATCH_RUNS window that is half of them or
 * more: cachegrind, crc 2488M -> 2385M host instructions against 32, list and state unchanged. */
const INLINE_HITS = 128;
/** Most generated source one region gets, in characters (its blocks' own sources as the estimate). V8 optimises no
 * function of more than 60 KiB of bytecode (--max-optimized-bytecode-size), and the larger a function, the longer it
 * runs before it is optimised at all: in a Linux boot regions of 27 and 32 blocks (140K and 160K characters) stayed in
 * V8's baseline code at about 50 ns per guest instruction, where one of 54K characters ran at 9. */
const REGION_CHARS = 64_000;

/** Runs of a block after which its side exits are no longer watched: a decision comes early or not at all, so
 * that watching costs little (the followed Jccs' watch is longer, in instructions, below). */
const EXIT_WATCH_RUNS = 256;
/** Instructions run by a block after which its followed Jccs are no longer watched. */
const FOLLOW_WATCH_INSTRUCTIONS = 1 << 17;
/** Passes through a block's closing near transfer (RET, JMP r/m...) after which its targets are judged, and
 * distinct targets counted: one that took three in four of them or more is followed behind a guard
 * (likelyTarget). With one in two, bench-list's RETs (two return sites taking turns) ran 6% slower for a
 * quarter fewer dispatches: a guard that fails half the time costs more than the dispatch it saves. */
const NEAR_WATCH_RUNS = 64;
const NEAR_TARGETS = 4;
/** Runs of a block after which its near transfer is no longer watched (it closes few of them). */
const NEAR_WATCH_ENTRIES = 4 * EXIT_WATCH_RUNS;

/** Whether `b`'s watch has ended: with regions on every whole block is watched for EXIT_WATCH_RUNS runs at least, and
 * as long as its followed Jccs and near transfer are (FOLLOW_WATCH_INSTRUCTIONS, NEAR_WATCH_ENTRIES), so the profile
 * decisions that compile a block again are behind it, and it ran often. */
function settledBlock(b: Block): boolean {
  return b.watch === null;
}

/** How compile (and a region's member) decodes a whole block: superblocks, shaped by the profile's answers (`ask`). */
function profiledDecode(ask: (q: Question) => (off: number) => number): DecodeOptions {
  const yes = (q: Question) => (off: number): boolean => ask(q)(off) === 1;
  return {
    follow: FOLLOW_JUMPS,
    keepJcc: yes(Question.KeepJcc),
    inlineJcc: yes(Question.InlineJcc),
    likelyJcc: yes(Question.LikelyJcc),
    likelyTarget: ask(Question.LikelyTarget),
    alone: yes(Question.Alone),
  };
}

/** Where an idle loop starts on the main path of `insns` (decoded from `eip` through `fetch`, offsets from `eip`): at
 * instruction i when it is recognised there (idle-loop.ts). Given to compileBlock and to a region's member, so that an
 * idle loop further on stays out of the block's inner loops (the block leaves at its back edge, and the block that
 * starts there is recognised); never when idle loops are not skipped. */
function idleLoopFrom(skip: boolean, insns: readonly Insn[], eip: number, fetch: (off: number) => number): (i: number) => boolean {
  return (i) => skip && recogniseIdleLoop(insns.slice(i), (off) => fetch(off + ((insns[i]!.eip - eip) | 0))) !== null;
}

/** The generated source characters of block `b`, from what the cache charges for it (estimateBlockBytes). */
function blockSourceChars(b: Block): number {
  return Math.max(0, (b.hostBytes - estimateBlockBytes(0, b.count)) / 2);
}

/** The offset of instruction `i` of block `b` from the block's start. */
function insnOffset(b: Block, i: number): number {
  return (b.eips[i]! - b.eip) | 0;
}

/** Whether offset `off` from the start of a block at `phys` lies on the block's first page. */
function onFirstPage(phys: number, off: number): boolean {
  const p = (phys & 4095) + off;
  return p >= 0 && p < 4096;
}

/** The physical address of the byte at offset `off` from the start of a block at `phys` (EIP `eip`): on its first
 * page, or else on its second page `page2` (flat code, where an EIP is its linear address). */
function physAt(phys: number, eip: number, page2: number, off: number): number {
  return onFirstPage(phys, off) || page2 < 0 ? (phys + off) >>> 0 : ((page2 << 12) | ((eip + off) & 4095)) >>> 0;
}

/** The physical address of instruction `i` of block `b` (the key of the profile sets). */
function insnPhys(b: Block, i: number): number {
  return physAt(b.phys, b.eip, b.page2, insnOffset(b, i));
}

/** A profile set or map, emptied first when it holds PROFILE_MAX entries (host memory stays bounded; a
 * forgotten decision is learnt again). */
function bounded<T extends { readonly size: number; clear(): void }>(profile: T): T {
  if (profile.size >= PROFILE_MAX) profile.clear();
  return profile;
}

/** The likelyTarget key of the instruction at offset `off` of the block starting at `phys` (EIP `eip`): one per
 * instruction on the block's first page (off within ±4 KiB) and on its second (by page offset). */
function nearKey(phys: number, eip: number, off: number): number {
  return phys * 16384 + (onFirstPage(phys, off) ? off + 4096 : 8192 + ((eip + off) & 4095));
}

/** The likelyTarget key of instruction `i` of block `b`. */
function insnNearKey(b: Block, i: number): number {
  return nearKey(b.phys, b.eip, insnOffset(b, i));
}

/** A block's second page while it is decoded: the physical page (-1: none yet), its distance from the first
 * linear page (Block.page2At), and the range of page offsets fetched from it. */
interface SecondPage {
  page: number;
  at: number;
  lo: number;
  hi: number;
}

/** One i386 vCPU in 32-bit protected mode. */
export class Cpu extends CpuSystem {
  private readonly cache: BlockCache;
  /** Direct-mapped front of the cache by physical address (entries are validated on use). */
  private readonly fast: (Block | null)[] = new Array<Block | null>(FAST_SIZE).fill(null);
  /**
   * The jump cache: blocks by the EIP they start at, in flat code, for the transfers chain links miss (a RET
   * to one of many call sites, a jump table): two links per block hold the usual successors, and this holds
   * the rest without a translation and a cache lookup. An entry holds only in the epoch it was made in: the
   * epoch moves with every change of translations, code, segment mode or block (mmu.ts), which is all a
   * flat-code block's validity at an EIP depends on. Direct-mapped, entries overwritten on collision.
   */
  private readonly jumpBlock: (Block | null)[] = new Array<Block | null>(JUMP_CACHE_SIZE).fill(null);
  private readonly jumpEip = new Float64Array(JUMP_CACHE_SIZE);
  private readonly jumpEpoch = new Float64Array(JUMP_CACHE_SIZE);
  /** Blocks put in the jump cache (diagnostics: few while it serves the transfers links miss). */
  jumpFills = 0;
  private readonly intr: InterruptSource | null;
  private stopReason: string | null = null;
  /** Cycles charged beyond a previous budget (extra event costs), paid first by the next run. */
  private debt = 0;
  /** The block that ran last, whose chain links the next lookup tries (step's loop keeps it in a local and
   * stores it where it ends or looks a block up). */
  private prev: Block | null = null;
  /** The block running, as numbers: its physical address (-1 outside step's loop and while it looks a block up: an
   * instruction fetch must not wait, retryableAccess), its second page (a code write to either page stops it after
   * the writing instruction) and whether an MMIO access splits it (Block.shared). Between two chained blocks they
   * still describe the first, which nothing reads then. Not the Block itself: a store of an object on every dispatch
   * made V8 call its write barrier (a young block into the older Cpu, or any store while the collector marks), 5%
   * of bench-state's host instructions in cachegrind. */
  private curPhys = -1;
  private curPage2 = -1;
  private curShared = false;
  /** Blocks compiled and their generated source characters since reset (diagnostics: scripts/block-bytes.ts). */
  compiledBlocks = 0;
  /** Blocks installed (compiled, or taken from a template) that run on into a second page at a near transfer's
   * usual target (diagnostics). */
  crossPageBlocks = 0;
  /** Blocks taken from the process's templates instead of compiled (block-templates.ts; diagnostics). */
  reusedBlocks = 0;
  compiledChars = 0;
  /** Idle-loop passes fast-forwarded instead of executed (idle-loop.ts; diagnostics). */
  idleSkipped = 0;
  private readonly idleSkip: boolean;
  /** Physical addresses of instructions that reached an MMIO window from inside a block (MmioSplit): they
   * are compiled as blocks of their own. Only host speed depends on it (a forgotten one splits again). */
  private readonly mmioInsns = new Set<number>();
  /** Physical addresses of backward Jccs that blocks no longer run through (watchFollowed). */
  private readonly keptJcc = new Set<number>();
  /** Physical addresses of Jccs whose taken side blocks inline (watchExits). */
  private readonly inlinedJcc = new Set<number>();
  /** Physical addresses of forward Jccs taken on most runs, which blocks follow when they cannot inline their
   * taken side (watchExits). */
  private readonly likelyJcc = new Set<number>();
  /** The usual target of near transfers, by block and instruction (nearKey) -> EIP, which blocks run through
   * behind a guard (watchExits). By block: the same RET or table jump goes elsewhere on different paths. */
  private readonly likelyTarget = new Map<number, number>();
  /** The current run's budget is a bound only (see run()). */
  private endAtBlock = false;
  /** Most cycles a whole block can cost (MAX_BLOCK instructions of the dearest class): with fewer left, a
   * block not compiled yet is not compiled (it could only be cut; see step()). */
  private readonly wholeBlockMax: number;
  private readonly regions: boolean;
  /** A block whose watch just ended (watchExits): findBlock tells the region policy then. */
  private settled: Block | null = null;
  private readonly regionPolicy = new RegionPolicy<Block>();
  /** Regions dropped for saving too few dispatches (region-policy.ts REGION_GAIN; diagnostics). */
  regionsDropped = 0;
  /** Block runs (calls of a block or region function from the run loop) since reset (diagnostics; REGION_DENSITY). */
  blockRuns = 0;
  /** The entry blocks of each region by any one of them (read on rare paths only: a split, an MMIO access). */
  private readonly regionOf = new WeakMap<Block, readonly Block[]>();
  /** Regions formed since reset (diagnostics). */
  regionsFormed = 0;

  constructor(opts: CpuOptions) {
    const cost = opts.costModel ?? DEFAULT_COST_MODEL;
    checkCostModel(cost);
    super(opts.memory, opts.io, {
      hypercallVectors: opts.hypercallVectors ?? new Set<number>(),
      exceptionsExit: opts.exceptionsExit ?? false,
      cost,
    }, opts.apicBase);
    this.intr = opts.interrupts ?? null;
    this.cache = new BlockCache(opts.blockCacheBytes);
    this.idleSkip = opts.idleSkip ?? idleSkipDefault();
    this.regions = opts.regions ?? regionsDefault();
    this.wholeBlockMax = MAX_BLOCK * Math.max(cost.instruction, cost.multiplyDivide, cost.stringIteration, cost.io, cost.x87LoadStore, cost.x87Arith, cost.x87DivSqrt, cost.x87Transcendental, cost.x87Control);
    opts.memory.addCodeWriteListener((page) => this.onCodeWrite(page));
    this.loadFlat32({ codeSelector: 0x08, dataSelector: 0x10, cpl: 0 });
  }

  /** Total cycles since reset (monotonic). */
  get cycles(): number {
    return this.cycleNow();
  }

  /** True while block code runs: a memory handler may throw AccessRetry (elsewhere, e.g. an instruction
   * fetch or the kernel's own access, it must complete at once). */
  get retryableAccess(): boolean {
    return this.curPhys >= 0;
  }

  /** Asks the running slice to stop after the current instruction (devices, debug-exit port). */
  requestStop(reason: string): void {
    if (this.stopReason === null) this.stopReason = reason;
    this.brk = 1;
  }

  /** Delivers external interrupt `vector` now if EFLAGS.IF=1 (and not in an interrupt shadow); returns whether it did. */
  raiseInterrupt(vector: number): boolean {
    if ((this.fl & IF) === 0 || this.shadow !== 0) return false;
    const left = this.left;
    this.externalInterrupt(vector);
    if (this.runBudget === 0) {
      // Outside run(): the delivery cost is paid at the start of the next slice.
      this.debt += left - this.left;
      this.left = left;
    }
    this.prev = null;
    return true;
  }

  /** IN from block code, which need not end its block: `rest` is the cycles the block charged beyond this
   * instruction, given back while the device runs so it reads the exact time. The block stops after the
   * instruction (brk) when the access made an interrupt deliverable, as it would have at a block end. */
  ioInAt(port: number, size: 1 | 2 | 4, rest: number): number {
    this.left += rest;
    let v: number;
    try {
      v = this.ioIn(port, size);
    } finally {
      this.left -= rest;
    }
    this.breakIfInterrupt();
    return v;
  }

  /** OUT from block code (see ioInAt). */
  ioOutAt(port: number, size: 1 | 2 | 4, v: number, rest: number): void {
    this.left += rest;
    try {
      this.ioOut(port, size, v);
    } finally {
      this.left -= rest;
    }
    this.breakIfInterrupt();
  }

  /** POPF set IF: an interrupt that becomes pending later in the block can only come from the block's own
   * I/O, which checks again (ioInAt), so the block goes on unless one is waiting now. */
  protected override interruptsUnmasked(): void {
    this.breakIfInterrupt();
  }

  private breakIfInterrupt(): void {
    if ((this.fl & IF) !== 0 && this.shadow === 0 && this.intr !== null && this.intr.pending()) this.brk = 1;
  }

  /**
   * Runs for exactly `budget` cycles, or less when an exit happens first. With `endAtBlock` the budget is
   * only a bound (a latency bound, not an event): the run may end at the last whole block that fits instead
   * of single-stepping into the next one, so that a block is never cut where no event needs a cut (and the
   * next run does not compile a new block from the cut). The cycles run are then fewer than `budget`.
   */
  run(budget: number, endAtBlock = false): CpuExit {
    if (!Number.isSafeInteger(budget) || budget < 0) throw new RangeError(`bad budget ${budget}`);
    this.endAtBlock = endAtBlock;
    this.exitReq = null;
    this.runBudget = budget;
    this.left = budget;
    // CR0.PG set or cleared directly since (a test, a machine's setup) and not followed by a flush: flushed here, so
    // that segMode (SegMode.Unpaged) and the read window follow it as they follow movToCr.
    if (((this.cr0 & CR0_PG) === 0) !== ((this.segMode & SegMode.Unpaged) !== 0)) this.flushTlb();
    if (this.cache.hotPages !== 0) this.cache.coolHotPages(this.instructions);
    if (this.debt > 0) {
      const d = Math.min(this.debt, budget);
      this.debt -= d;
      this.left -= d;
    }
    let exit: CpuExit;
    try {
      exit = this.loop();
    } finally {
      // A run that ended on its budget may have cut a block; any other end (an exit, a stop, HLT) forgets the cut.
      if (this.cut !== null) {
        if (this.left <= 0) this.endCutRun();
        else this.cut = null;
      }
      let used = this.runBudget - this.left;
      if (this.left < 0) {
        this.debt += -this.left;
        used = budget;
      }
      this.cycBase += used;
      this.runBudget = 0;
      this.left = 0;
    }
    return exit;
  }

  private loop(): CpuExit {
    for (;;) {
      if (this.stopReason !== null) {
        const reason = this.stopReason;
        this.stopReason = null;
        this.brk = 0;
        return { kind: "stop", reason };
      }
      if (this.exitReq !== null) {
        const e = this.exitReq;
        this.exitReq = null;
        // A hypercall resumes where it trapped (or where the kernel put EIP: then the chain slot does not
        // match): the trapping block stays `prev`, so the next block is reached by its chain link, as after a
        // budget exit. Chain links stay guarded by the epoch.
        if (e.kind !== "hypercall") this.prev = null;
        return e;
      }
      if (this.left <= 0) return BUDGET_EXIT;
      const hadShadow = this.shadow;
      if (hadShadow === 0 && (this.fl & IF) !== 0 && this.intr !== null && this.intr.pending()) {
        const v = this.intr.acknowledge();
        this.prev = null;
        this.externalInterrupt(v);
        continue;
      }
      if (this.halted) return HALT_EXIT;
      const trap = (this.fl & TF) !== 0;
      this.step(hadShadow !== 0 || trap);
      if (hadShadow !== 0) this.shadow = 0;
      if (trap && this.exitReq === null && !this.halted) this.raiseException(DB, undefined);
    }
  }

  /** Executes one block (or one instruction when `single`), handling faults. A whole block is followed
   * directly by the next one (through its chain links) while nothing needs the outer loop: no stop or
   * exit request, budget left, no interrupt shadow, TF clear, not halted and no deliverable interrupt.
   * The loop keeps to that common way; finding a block otherwise (findBlock) and faults (blockFault) are
   * methods of their own, so that V8's optimised loop stays small and their rare paths do not deoptimise it. */
  private step(single: boolean): void {
    // A block starts with brk clear (its copy `bk` starts at 0, block-builder): cleared here, and the loop below
    // chains blocks only while it is. A stop asked for outside a block (requestStop) is loop()'s, through stopReason.
    this.brk = 0;
    let b = this.findBlock(this.eip, single);
    single = this.stepSingle; // read again only where a block comes from findBlock or blockFault
    // The chain's two ends share the stores after the loop (`last` says what prev becomes): V8 optimises this loop
    // early, and a store that has never run by then (the end after a single step, say) has no type feedback, so
    // running it the first time threw the optimised loop away; one store site that every slice end runs does not.
    let last: Block | null = null;
    for (;;) {
      if (b === null) return;
      this.left -= b.cost;
      this.curPhys = b.phys;
      this.curPage2 = b.page2;
      this.curShared = b.shared;
      this.blockRuns++;
      const before = this.instructions;
      let done: number;
      try {
        done = b.idle === null ? b.fn(this) : this.idlePass(b, b.idle);
      } catch (e) {
        b = this.blockFault(e, b);
        single = this.stepSingle;
        continue;
      }
      // The block settled its cycles and instructions itself (block-builder's settle). `cur` and `prev` are left
      // for the next block to overwrite, and stored only where the loop ends or looks a block up (see below).
      if (b.watch !== null) this.watchExits(b, b.watch, done, this.instructions - before);
      if (single || b.code !== null || !b.valid) break;
      // Whatever ends the chain sets brk: an exit request (requestExit), HLT, an interrupt shadow (openShadow) and a
      // stop. TF and a deliverable interrupt are read here, behind one test of EFLAGS: three loads where there were
      // seven tests (kernel/cpu/README.md).
      const fl = this.fl;
      if (this.brk !== 0 || this.left <= 0 || ((fl & (TF | IF)) !== 0 && ((fl & TF) !== 0 || (this.intr !== null && this.intr.pending())))) {
        last = b;
        break;
      }
      const eip = this.eip;
      // findBlock's chain-link check, written out: a shared method for it cost bench-state 2-13% in wall time.
      const prev = b;
      b = null;
      if (prev.linkEpoch === this.epoch) {
        if (prev.n1Eip === eip) b = prev.n1;
        else if (prev.n2Eip === eip) b = prev.n2;
      }
      // Then the jump cache, here in the loop: probed in findBlock instead, it saved nothing (the call was the cost).
      if (b === null && (this.segMode & FLAT_CS) !== 0) {
        const k = eip & (JUMP_CACHE_SIZE - 1);
        const j = this.jumpBlock[k]!;
        if (this.jumpEip[k] === eip && this.jumpEpoch[k] === this.epoch && j.valid) b = j;
      }
      if (b === null || b.cost > this.left) {
        this.curPhys = -1;
        this.prev = prev;
        b = this.findBlock(eip, false);
        single = this.stepSingle;
      }
    }
    this.curPhys = -1;
    this.brk = 0;
    this.prev = last;
  }

  /** The whole block the end of an exact run cut (its tail ran into it as a counted block), while the run may still
   * resume inside it (resumeCut). A whole block compiled where a cut left off, as any other, would be a copy of the
   * cut block with its loop rotated to start there: cold in V8 while the block it copies is optimised, the guest's
   * loop then running in it, and one more copy for every place a cut lands. Host speed only. */
  private cut: Block | null = null;
  /** Where the run that cut `cut` stopped, inside it, else -1: the next run, or the interrupt the cut was for when it
   * returns, resumes there. */
  private cutResume = -1;

  /** In an exact run's tail, at its counted block `step`: a whole block that starts there and ran lately (the
   * direct-mapped front has it; no second lookup, which cost the PV VM's 1000-cycle slices 8% of their host
   * instructions: see findBlock) is the one the run's end may cut. */
  private tailAt(step: Block): void {
    const w = this.fast[step.phys & (FAST_SIZE - 1)]!;
    if (w !== null && w !== this.cut && w.phys === step.phys && w.eip === step.eip && w.valid && w.segMode === step.segMode) this.noteCut(w);
  }

  /** Remembers `b` as the block a run's end may cut (nothing for a single instruction or none). */
  private noteCut(b: Block | null): void {
    if (b === null || b.count <= 1) return;
    this.cut = b;
    this.cutResume = -1;
  }

  /** Whether `eip` is an instruction of the cut block other than its first (while that block is still valid). */
  private inCut(eip: number): boolean {
    const c = this.cut;
    if (c === null || !c.valid || c.segMode !== this.segMode) return false;
    const i = c.eips.indexOf(eip, 1);
    return i > 0 && i < c.count;
  }

  /** At the end of a run: where it resumes when it stopped inside the cut block; the cut is forgotten otherwise. */
  private endCutRun(): void {
    if (this.inCut(this.eip)) this.cutResume = this.eip;
    else this.cut = null;
  }

  /** The block to resume a cut at `eip` with: one already compiled there, else one whose paths end where they reach
   * the cut block's start (no loop of its own), which the run then goes on to. */
  private resumeCut(eip: number): Block | null {
    const c = this.cut;
    this.cut = null;
    this.cutResume = -1;
    return c !== null && c.valid && c.segMode === this.segMode ? this.lookup(eip, false, true, c.eip) : null;
  }

  /** Whether the block findBlock or blockFault returned last runs as a single step, not chained (an exact run's
   * counted block, a split instruction). */
  private stepSingle = false;

  /** The block to run at `eip` (prev's chain links, the cache, or compiled now), or the single instruction
   * there when `single` or when no whole block fits the budget (stepSingle tells which); null when the step
   * is over: a bounded run ended, or fetching raised a fault. */
  private findBlock(eip: number, single: boolean): Block | null {
    if (this.settled !== null || this.instructions >= this.regionPolicy.dueAt) this.settleRegions();
    let b: Block | null = null;
    try {
      const prev = this.prev;
      if (!single && prev !== null && prev.linkEpoch === this.epoch) {
        if (prev.n1Eip === eip) b = prev.n1;
        else if (prev.n2Eip === eip) b = prev.n2;
      }
      if (b === null && !single && !this.endAtBlock && this.left < this.wholeBlockMax) {
        // The tail of an exact run: counted blocks from here. A whole block found here would mostly not fit
        // (then it was looked up only to be set aside for the counted one), and one that fits runs the same
        // instructions to the same end (blocks and single steps differ in host speed only).
        single = true;
        b = this.lookupCounted(eip);
        this.tailAt(b);
      }
      if (b === null && !single && eip === this.cutResume && this.left >= this.wholeBlockMax) b = this.resumeCut(eip);
      if (b === null) {
        const found = this.lookup(eip, single, single || this.left >= this.wholeBlockMax);
        if (found === null) {
          // Not compiled, and a whole block might not fit what is left: neither compile one only to cut
          // it nor end a bounded run on it; the rest of an exact run goes in counted blocks.
          if (this.endBoundedRun()) return null;
          this.endAtBlock = false;
          single = true;
          b = this.lookupCounted(eip);
        } else {
          b = found;
          // An interpreted instruction is re-checked against memory on every fetch: never chained to.
          if (!single && b.code === null) {
            if (prev !== null) this.link(prev, b);
            this.fillJumpCache(eip, b);
          }
        }
      }
      if (!single && b.cost > this.left && b.count > 1) {
        if (this.endBoundedRun()) return null;
        this.endAtBlock = false; // once cut (no whole block fitted), the run ends exactly: no block from the cut
        this.noteCut(b);
        b = this.lookupCounted(eip);
        single = true;
      }
    } catch (e) {
      if (!(e instanceof CpuFault)) throw e;
      this.prev = null;
      this.raiseException(e.vector, e.code);
      return null;
    }
    this.stepSingle = single;
    return b;
  }

  /** Tells the region policy (region-policy.ts) of the block that settled last, and forms or drops the regions it
   * says are due. */
  private settleRegions(): void {
    const b = this.settled;
    this.settled = null;
    const now = { instructions: this.instructions, runs: this.blockRuns };
    if (b !== null) this.regionPolicy.settled(b.phys >>> 12, b, now);
    const due = this.regionPolicy.due(now);
    for (const [page, x] of due.form) this.regionPolicy.formed(page, this.formRegion(x));
    for (const page of due.drop) {
      this.killRegions(this.cache.blocksOn(page));
      this.regionsDropped++;
    }
  }

  /**
   * Forms a region (decoder/region-builder.ts) of the settled blocks on the first page of `b`, a block that settled
   * there: the whole blocks cached on that page whose watches have ended (settledBlock), in flat code, on that page
   * alone, if their sources fit REGION_CHARS together (a page whose settled blocks outgrow one region gets none, and
   * loses the one it had). Each is decoded again as compile would decode it now, and the region's function replaces
   * them all: one entry block per member, at the member's EIP and cost. Returns how many settled blocks the page had
   * (RegionPolicy.formed), or false when it formed no region.
   */
  private formRegion(b: Block): number | false {
    const flat = SegMode.FlatCS | SegMode.Code32;
    if (!b.valid || (b.segMode & flat) !== flat) return false;
    const page = b.phys >>> 12;
    const on = this.cache.blocksOn(page).filter(
      (x) => settledBlock(x) && !x.fromCut && x.code === null && x.idle === null && x.page2 < 0 && x.segMode === b.segMode &&
        x.eip >>> 12 === b.eip >>> 12 && (x.eip & 4095) === (x.phys & 4095),
    );
    if (!this.regionPolicy.mayForm(page, on.length)) return false;
    // A page whose settled blocks outgrow one region gets none: a region holding part of them would leave to the
    // others at every turn (a kernel's LZMA decoder: 87 settled blocks on one page), and a large function with many
    // ways through is optimised late and thrown away often by V8. The page's last region goes too.
    let chars = 0;
    for (const x of on) chars += blockSourceChars(x);
    if (chars > REGION_CHARS) {
      this.regionPolicy.giveUp(page);
      this.killRegions(on);
      return false;
    }
    const chosen = on.sort((x, y) => x.eip - y.eip);
    const members: RegionMember[] = [];
    const spans: [number, number][] = [];
    const from: Block[] = [];
    for (const x of chosen) {
      const d = this.decodeOnPage(x.eip, x.phys, x.segMode);
      if (d === null || !runsTimeBlind(d.member.insns)) continue;
      members.push(d.member);
      spans.push([d.lo, d.hi]);
      from.push(x);
    }
    if (members.length < REGION_MIN) return false;
    const c = compileRegion(members);
    if (c === null) return false;
    const total = c.members.reduce((n, m) => n + m.count, 0);
    const share = Math.ceil(estimateBlockBytes(c.source.length, total) / c.members.length);
    const blocks = c.members.map((m, k) => new Block(c.fn, m.eip, from[k]!.phys, b.segMode, m.count, m.cost, c.eips, c.prefix, c.counts, -1, 0, share));
    for (const [k, x] of from.entries()) this.protectCode(x.phys + spans[k]![0], spans[k]![1] - spans[k]![0]);
    // One region per page: the entries of an earlier one that this one does not replace go too (an exit from one
    // region into another costs as much as a dispatch and more), to be compiled as blocks again.
    this.killRegions(on);
    let drop = false;
    for (const x of blocks) {
      this.regionOf.set(x, blocks);
      x.shared = true; // every entry of a region runs the others' code
      if (this.cache.add(x, false)) drop = true;
    }
    this.regionsFormed++;
    this.compiledChars += c.source.length;
    const dump = blockDumpSink();
    if (dump !== null) dump.write(`; region of ${blocks.length} blocks on page ${(page << 12).toString(16)}: ${c.members.map((m) => m.eip.toString(16)).join(" ")}\n${c.source}\n\n`);
    // The blocks they replace are dead (cache.add): chain links and the jump cache learn the region's from here.
    if (drop) this.dropReferences();
    else this.epoch++;
    return on.length;
  }

  /** Kills the region entry blocks among `blocks` (to be compiled as blocks again). */
  private killRegions(blocks: readonly Block[]): void {
    for (const x of blocks) if (this.regionOf.has(x)) x.kill();
  }

  /** The block at `eip` (physical `phys`) decoded as compile decodes it now, from its page only; with the page
   * offsets it read. Null when its first instruction straddles the page end. */
  private decodeOnPage(eip: number, phys: number, segMode: number): { member: RegionMember; lo: number; hi: number } | null {
    const u8 = this.m8;
    const avail = 4096 - (phys & 4095);
    const below = -(phys & 4095);
    let lo = 0;
    let hi = 0;
    const fetch = (off: number): number => {
      if (off >= avail || off < below) return -1;
      if (off < lo) lo = off;
      if (off >= hi) hi = off + 1;
      return u8[phys + off]!;
    };
    let insns;
    try {
      insns = decodeRun(fetch, eip, segMode, MAX_BLOCK, this.cost, profiledDecode((q) => (off) => this.profileAnswer(q, phys, eip, -1, off)));
    } catch (err) {
      if (!(err instanceof EndOfBytes)) throw err;
      return null;
    }
    if (this.idleSkip && recogniseIdleLoop(mainPath(insns), fetch) !== null) return null;
    return { member: { insns, idleLoop: idleLoopFrom(this.idleSkip, insns, eip, fetch) }, lo, hi };
  }

  /** Puts `b` in the jump cache under `eip`, for this epoch (flat code only; step's loop reads it). */
  private fillJumpCache(eip: number, b: Block): void {
    if ((this.segMode & FLAT_CS) === 0) return;
    const k = eip & (JUMP_CACHE_SIZE - 1);
    this.jumpBlock[k] = b;
    this.jumpEip[k] = eip;
    this.jumpEpoch[k] = this.epoch;
    this.jumpFills++;
  }

  /** Block `b` threw `e` at its instruction this.fi: the cycles and instructions before it are
   * accounted, EIP points at it, and the fault is raised (or the exit requested). Returns the block to run
   * next when the step goes on (an instruction split from its block by MMIO, run alone), else null. */
  private blockFault(e: unknown, b: Block): Block | null {
    this.curPhys = -1;
    const retry = e instanceof AccessRetry;
    const denied = e instanceof WriteProtectFault;
    const split = e instanceof MmioSplit;
    if (!retry && !denied && !split && !(e instanceof CpuFault)) throw e;
    const i = this.fi;
    this.left += b.cost - b.prefix[i]!;
    this.instructions += b.counts[i]!;
    if (this.faultInNewTask) this.faultInNewTask = false;
    else this.eip = b.eips[i]!;
    this.prev = null;
    this.brk = 0;
    if (split) {
      // Remembered, and `b` compiled again ending before it, so that it starts a block of its own from
      // then on; run it now, alone (whatever the next compile makes of the address): progress is certain.
      this.recompile(b, i, this.mmioInsns);
      return this.findBlock(this.eip, true);
    }
    // An access that must wait (kernel/ioreq MMIO): the instruction runs again from its start later.
    if (retry) this.requestExit({ kind: "stop", reason: e.reason });
    else if (denied) this.denyWrite(e); // a store into write-protected guest-physical memory: the owner's, not the guest's
    else this.raiseException(e.vector, e.code);
    return null;
  }

  /** Runs an idle-loop block (see idle-loop.ts). When its reads are plain RAM, one pass runs with the
   * loop's budget check forced to fail; if it took the back edge, the passes the block function would
   * have run (while left >= pass) are charged at once: nothing but flags changes per pass and the flags are
   * recomputed from the same registers and memory, so the state is the one running them would leave. */
  private idlePass(b: Block, idle: IdleLoop): number {
    if (!this.idleReadsRam(idle)) return b.fn(this);
    const left = this.left;
    const cap = idle.pass - 1;
    this.left = cap;
    let done: number;
    try {
      done = b.fn(this);
    } finally {
      // What the block charged or gave back itself (an inner loop's passes, the cost of what it did not run) stays.
      this.left = left - (cap - this.left);
    }
    if (done === idle.n && this.eip === b.eip && this.brk === 0 && left >= idle.pass) {
      const m = Math.floor(left / idle.pass);
      this.left -= m * idle.pass; // on top of what the pass settled (the rest of the block's cost, given back)
      this.instructions += m * idle.n;
      this.idleSkipped += m;
    }
    return done;
  }

  /** Whether every memory operand of the idle loop is plain RAM in the flat read window or mapped in the TLB,
   * within one page (then nothing but a store changes it). Reads the window and the TLB only: no walk, no accessed
   * bits, no side effect. */
  private idleReadsRam(idle: IdleLoop): boolean {
    for (const rd of idle.reads) {
      const lin = (this.segBase[rd.seg]! + (rd.base < 0 ? 0 : this.r[rd.base]!) + rd.disp) | 0;
      if ((lin & 4095) + rd.size > 4096) return false;
      if (this.inReadWindow(lin)) continue; // whole RAM pages
      const e = this.tlbR[lin >>> 12]!;
      if ((e & this.acc) === 0 || !this.mem.isRam(((e & -4096) | (lin & 4095)) >>> 0)) return false;
    }
    return true;
  }

  /** In a bounded run (run's endAtBlock) that ran something: a bound, not an event, so the run ends here,
   * the cycles used so far being the whole run. */
  private endBoundedRun(): boolean {
    if (!this.endAtBlock || this.left >= this.runBudget) return false;
    this.runBudget -= this.left;
    this.left = 0;
    return true;
  }

  /** Drops `b` after a decision about its instruction `i`, whose physical address goes into `profile` (which
   * starts over past PROFILE_MAX): lookup compiles `b` again, and the epoch makes links to it stale. */
  private recompile(b: Block, i: number, profile: Set<number> | null): void {
    if (profile !== null) bounded(profile).add(insnPhys(b, i));
    b.watch = null;
    b.kill();
    this.killRegions(this.regionOf.get(b) ?? []); // every entry of a region runs the same code
    this.fast[b.phys & (FAST_SIZE - 1)] = null;
    this.epoch++;
  }

  /** See CpuMmu.inSharedBlock and MmioSplit. Not once a task switch has committed (its fault is the new task's). */
  protected override inSharedBlock(): boolean {
    return this.curPhys >= 0 && this.curShared && !this.faultInNewTask;
  }

  /** Watches where a block leaves, for its first FOLLOW_WATCH_INSTRUCTIONS instructions. A backward Jcc it
   * runs through (decodeRun follows those as loop back edges, usually taken) that falls through on most passes
   * (say a loop's exit laid out below the body) makes the block compile again leaving there instead. A Jcc
   * side exit taken on a quarter of its runs or more (a branch that goes either way inside a loop) makes it
   * compile again with that Jcc's taken side inlined. Decisions depend on guest execution only, and change
   * host speed only. */
  private watchExits(b: Block, w: ExitWatch, done: number, ran: number): void {
    // Kept under V8's 460 bytes of bytecode for a function it inlines (step inlines this): at 455 bytes it was, and a
    // version of 520 cost bench-crc and bench-state 4-6% more host instructions at the start of a process. The Jcc
    // counts are watchJccs', a call made only while some are watched.
    w.runs += ran;
    w.entries++;
    if (done === w.nearExit && this.watchTarget(b, w)) return;
    const followed = w.followed;
    const exits = w.exits;
    if ((followed !== null || exits !== null) && this.watchJccs(b, w, done)) return;
    // The watch retires its parts by storing on every call, not only when a part ends: a store that first runs
    // after V8 optimised the caller (step, which inlines this) has no type feedback, and running it would throw
    // the optimised dispatch loop away.
    const next = w.runs >= FOLLOW_WATCH_INSTRUCTIONS ? null : followed;
    const nextExits = w.entries >= EXIT_WATCH_RUNS ? null : exits;
    const nearExit = w.entries >= NEAR_WATCH_ENTRIES ? -1 : w.nearExit;
    w.followed = next;
    w.exits = nextExits;
    w.nearExit = nearExit;
    // With regions on, every whole block has a list of side exits to watch (empty if it has none: install), so that
    // its watch lasts EXIT_WATCH_RUNS runs at least.
    const watching = (next !== null ? 1 : 0) | (nextExits !== null ? 1 : 0) | (nearExit >= 0 ? 1 : 0);
    const ends = watching === 0;
    b.watch = ends ? null : w;
    // The block is settled from here (settledBlock): findBlock notes its page before the next block (brk ends the
    // chain), and forms the page's region later (settleRegions).
    // Regions are formed while paging is off only (flat guests such as the Multiboot benchmarks, a kernel's
    // decompressor): a Linux boot ran its paged kernel and user space 10-20% slower with them (64.6 and 60.4 s to its
    // prompt against 54.2 s), which this version does not explain.
    // Every load here runs on every call, for V8's feedback (as above): `this.regions` read first when a watch first
    // ended threw the optimised dispatch loop away.
    const regions = this.regions && (this.cr0 & CR0_PG) === 0;
    const form = ends && regions;
    this.settled = form ? b : this.settled;
    this.brk = form ? 1 : this.brk;
  }

  /** watchExits' count of the Jccs a block runs through or leaves at (`done`, the position it returned). True when
   * the block was compiled again (recompile). */
  private watchJccs(b: Block, w: ExitWatch, done: number): boolean {
    const k = done - 1;
    const followed = w.followed;
    if (followed !== null && done !== b.count && done > 0 && followed.includes(k)) {
      w.misses++;
      if (w.misses >= FOLLOW_MISSES && 2 * w.misses * b.count >= w.runs) {
        this.recompile(b, k, this.keptJcc);
        return true;
      }
    }
    const exits = w.exits;
    const at = exits === null ? -1 : exits.indexOf(k);
    if (at < 0) return false;
    const hits = ++w.hits[at]!;
    // Every test runs on every call, for V8's feedback (see the end of watchExits): the first inlining decision
    // otherwise threw step's optimised code away (bench-state's first boot, node --trace-deopt).
    const often = 4 * hits >= w.entries;
    // Taken on three runs in four or more: where its taken side cannot be inlined (it does not come back to the
    // block start), the block follows it instead, leaving at the fall-through. In a block that loops a run is several
    // passes, and a loop's exit is taken once per run but on few passes: the passes are counted as instructions run
    // over the block's length (as for FOLLOW_MISSES).
    const mostRuns = 4 * hits >= 3 * w.entries;
    const mostPasses = 4 * hits * b.count >= 3 * w.runs;
    if (hits < INLINE_HITS || !often) return false;
    if (mostRuns && mostPasses) bounded(this.likelyJcc).add(insnPhys(b, k));
    this.recompile(b, k, this.inlinedJcc);
    return true;
  }

  /** Counts where the block's closing near transfer went (this.eip); after NEAR_WATCH_RUNS, a target taken on
   * three passes in four or more is remembered and the block compiled again to run through to it. True when it was. */
  private watchTarget(b: Block, w: ExitWatch): boolean {
    const eip = this.eip;
    const at = w.targets.indexOf(eip);
    if (at >= 0) w.targetHits[at]!++;
    else if (w.targets.length < NEAR_TARGETS) {
      w.targets.push(eip);
      w.targetHits.push(1);
    }
    if (++w.nearRuns < NEAR_WATCH_RUNS) return false;
    w.nearExit = -1;
    let best = 0;
    for (let k = 1; k < w.targets.length; k++) if (w.targetHits[k]! > w.targetHits[best]!) best = k;
    if (4 * w.targetHits[best]! < 3 * w.nearRuns) return false;
    bounded(this.likelyTarget).set(insnNearKey(b, w.nearIndex), w.targets[best]!);
    this.recompile(b, w.nearIndex, null);
    return true;
  }

  private link(prev: Block, b: Block): void {
    if (!prev.valid) return; // a dead block must not keep new ones alive
    if (prev.linkEpoch !== this.epoch) {
      prev.n1 = prev.n2 = null;
      prev.n1Eip = prev.n2Eip = -1;
      prev.linkEpoch = this.epoch;
    }
    if (prev.n1 === null) {
      prev.n1 = b;
      prev.n1Eip = b.eip;
    } else {
      prev.n2 = b;
      prev.n2Eip = b.eip;
    }
  }

  /** Finds or compiles the block at `eip` (CS limit and fetch permission checked); null when it is not
   * compiled yet and `compile` is false. `stopAt` and `counted` as for compile: a counted block (`single` too) is
   * cached apart from the single instruction at the same address. */
  private lookup(eip: number, single: boolean, compile: boolean, stopAt = -1, counted = false): Block | null {
    if ((this.segMode & (1 << CS)) === 0 && eip > this.segLimit[CS]!) throw new CpuFault(GP, 0);
    const lin = (this.segBase[CS]! + eip) | 0;
    const page = this.tlbCodePage(lin);
    const phys = page >= 0 ? ((page << 12) | (lin & 4095)) >>> 0 : this.translate(lin, false, this.cpl === 3, true);
    if (this.cache.isHot(phys >>> 12)) {
      const ib = this.interpreted(eip, phys);
      if (ib !== null) return ib;
    }
    if (!single) {
      const f = this.fast[phys & (FAST_SIZE - 1)]!;
      if (f !== null && f.phys === phys && f.valid && f.eip === eip && f.segMode === this.segMode && (f.page2 < 0 || this.secondPageHolds(f, lin))) {
        this.cache.touch(f);
        return f;
      }
    }
    let b = this.cache.get(phys, single, counted);
    if (b === undefined || !b.valid || b.eip !== eip || b.segMode !== this.segMode || (b.page2 >= 0 && !this.secondPageHolds(b, lin))) {
      if (!compile) return null;
      b = this.compile(eip, lin, phys, single, stopAt, counted);
    } else this.cache.touch(b);
    if (!single) this.fast[phys & (FAST_SIZE - 1)] = b;
    return b;
  }

  /** The counted block at `eip` (Block.counted), compiled on first use: what an exact run's tail runs instead of
   * single steps. Its instructions run while budget is left before each, as single steps would, in one dispatch:
   * the PV VM's 1000-cycle runs each end in such a tail, and single steps there took two thirds of a call loop's
   * host time. */
  private lookupCounted(eip: number): Block {
    return this.lookup(eip, true, true, -1, true)!;
  }

  /** The instruction at `phys` of a hot page, decoded again whenever its bytes changed; null when it
   * straddles the page end (then the ordinary path compiles it). Semantics and cycles are those of a
   * single-instruction block, so interpreting changes nothing but host speed and memory. */
  private interpreted(eip: number, phys: number): Block | null {
    const u8 = this.m8;
    const old = this.cache.getInterp(phys);
    if (old !== undefined && old.eip === eip && old.segMode === this.segMode) {
      const code = old.code!;
      let same = true;
      for (let i = 0; i < code.length; i++) {
        if (u8[phys + i] !== code[i]) {
          same = false;
          break;
        }
      }
      if (same) {
        this.cache.touch(old);
        return old;
      }
      this.cache.interpretedRewritten(phys >>> 12);
    }
    const avail = 4096 - (phys & 4095);
    let insns;
    try {
      insns = decodeRun((off: number): number => (off < avail ? u8[phys + off]! : -1), eip, this.segMode, 1, this.cost);
    } catch (err) {
      if (!(err instanceof EndOfBytes)) throw err;
      return null;
    }
    const c = compileBlock(insns, true);
    const code = u8.slice(phys, phys + c.bytes);
    const b = new Block(c.fn, eip, phys, this.segMode, 1, c.cost, c.eips, c.prefix, c.counts, -1, 0, estimateBlockBytes(c.source.length, 1) + code.length, code);
    if (this.cache.add(b, true)) this.dropReferences();
    return b;
  }

  /** After a budget flush: forget the direct-mapped front and chain state (they point at dead blocks). */
  private dropReferences(): void {
    this.fast.fill(null);
    this.prev = null;
    this.epoch++;
  }

  /** The physical page of the linear address `l` when the read TLB holds it executable at the current privilege
   * (then it is RAM), else -1. Reads the TLB only: no walk, so no fault and no accessed bit set. */
  private tlbCodePage(l: number): number {
    const e = this.tlbR[l >>> 12]!;
    return (e & this.acc) !== 0 && (e & T_NX) === 0 ? e >>> 12 : -1;
  }

  /** Whether the second page of `b`, looked up at linear `lin`, is still the one it was decoded from: as the read
   * TLB has it (compile took it from there), or, for an instruction straddling into it alone, as fetching that
   * instruction translates it (a fault is the instruction's own). Otherwise the block is compiled again. */
  private secondPageHolds(b: Block, lin: number): boolean {
    const l = ((lin & -4096) + b.page2At) | 0;
    const p = this.tlbCodePage(l);
    if (p >= 0 || b.count > 1) return p === b.page2;
    return this.translate(l, false, this.cpl === 3, true) >>> 12 === b.page2;
  }

  /** Compiles the block at `eip` (a single instruction when `single`); with `stopAt` (an EIP, else -1) its paths end
   * where they reach it (resumeCut: a block from a cut to the cut block's start), and it is not watched and never a
   * region's member (Block.fromCut); `counted`: a linear block that runs as far as the budget goes (lookupCounted). */
  private compile(eip: number, lin: number, phys: number, single: boolean, stopAt = -1, counted = false): Block {
    const ram = this.mem.pageIsRam(phys >>> 12);
    // Blocks of RAM come from the process's templates when the same code was compiled the same way before (a
    // dump shows every block as compiled, so it bypasses them).
    const key = ram && blockDumpSink() === null ? templateKey(eip, phys & 4095, this.segMode, single, this.idleSkip, stopAt, counted) : null;
    if (key !== null) {
      let found = null as SecondPage | null;
      const t = TEMPLATES.find(this.cost, key, (x) => {
        if (!sameBytes(this.m8, phys + x.lo, x.code)) return false;
        const s = this.templateSecond(x, lin);
        if (s === undefined || !this.answersHold(x.queries, phys, eip, s === null ? -1 : s.page)) return false;
        found = s;
        return true;
      });
      if (t !== undefined) {
        this.reusedBlocks++;
        return this.install(t, eip, phys, single, found, ram, stopAt >= 0, counted);
      }
    }
    const avail = 4096 - (phys & 4095);
    const below = -(phys & 4095); // a superblock may follow a jump back within the page
    const u8 = this.m8;
    const mem = this.mem;
    let lo = 0;
    let hi = 0;
    // Flat code may go on to one more page, entered at the usual target of a near transfer (likelyTarget: a hot
    // RET, JMP or CALL r/m, as a jump-table call into libpv is) and taken from the read TLB: an executable RAM page
    // the guest has reached already, not rewritten often (not hot). A direct transfer or a fall-through into
    // another page still ends the block: such code has not been seen hot, and a larger block costs compile time.
    const second: SecondPage = { page: -1, at: 0, lo: 4096, hi: 0 };
    const cross = ram && !single && (this.segMode & FLAT_CS) !== 0;
    let entry = 0; // the offset of the last usual target the profile named (0, the block start, opens nothing)
    const onSecond = (off: number): number => {
      if (!cross) return -1;
      const l = (lin + off) | 0;
      const at = ((l & -4096) - (lin & -4096)) | 0;
      if (second.page < 0) {
        if (off !== entry) return -1;
        const p = this.tlbCodePage(l);
        if (p < 0 || this.cache.isHot(p)) return -1;
        second.page = p;
        second.at = at;
      }
      return at === second.at ? l & 4095 : -1;
    };
    const fetch = ram
      ? (off: number): number => {
          if (off >= avail || off < below) {
            const o = onSecond(off);
            if (o < 0) return -1;
            if (o < second.lo) second.lo = o;
            if (o >= second.hi) second.hi = o + 1;
            return u8[(second.page << 12) + o]!;
          }
          if (off < lo) lo = off;
          if (off >= hi) hi = off + 1;
          return u8[phys + off]!;
        }
      : (off: number): number => (off < avail && off >= below ? mem.read(phys + off, 1) : -1);
    const queries: number[] = [];
    const ask = (q: Question) => (off: number): number => {
      const a = this.profileAnswer(q, phys, eip, second.page, off);
      queries.push(q, off, a);
      if (q === Question.LikelyTarget && a >= 0) entry = (a - eip) | 0;
      return a;
    };
    let insns;
    let fetched = fetch;
    let straddles = false;
    try {
      const profiled = profiledDecode(ask);
      const stopOff = (stopAt - eip) | 0;
      // A counted block is linear (no jump followed, no side path): it runs its instructions in order while budget
      // is left, whatever they do to the budget (REP, port I/O and RDTSC keep it exact, as in any block).
      const opts: DecodeOptions = counted
        ? { alone: profiled.alone! }
        : stopAt < 0 ? profiled : { ...profiled, alone: (off: number): boolean => off === stopOff || profiled.alone!(off) };
      insns = decodeRun(fetch, eip, this.segMode, single && !counted ? 1 : MAX_BLOCK, this.cost, opts);
    } catch (err) {
      if (!(err instanceof EndOfBytes)) throw err;
      // The first instruction straddles a page boundary: fetch its tail through the next page.
      const phys2 = this.translate(((lin & -4096) + 4096) | 0, false, this.cpl === 3, true);
      straddles = true;
      second.page = phys2 >>> 12;
      second.at = 4096;
      second.lo = 0;
      second.hi = 0;
      const fetch2 = (off: number): number => {
        if (off < avail) return fetch(off);
        if (off >= 16) return -1;
        second.hi = Math.max(second.hi, off - avail + 1);
        return mem.read(phys2 + off - avail, 1);
      };
      insns = decodeRun(fetch2, eip, this.segMode, 1, this.cost);
      fetched = fetch2;
    }
    const page2 = second.page;
    // An idle loop is recognised on the main path; its block is that path alone (idlePass counts its passes).
    const idle = this.idleSkip && !single && page2 < 0 ? recogniseIdleLoop(mainPath(insns), fetched) : null;
    if (idle !== null) insns = mainPath(insns);
    const c = compileBlock(insns, single, idleLoopFrom(this.idleSkip, insns, eip, fetched), counted);
    const dump = blockDumpSink();
    if (dump !== null) dump.write(formatBlock(insns, fetched, phys, c.cost, c.source, dump.disasm, counted ? "counted" : stopAt >= 0 ? "resumes" : ""));
    this.compiledBlocks++;
    this.compiledChars += c.source.length;
    const jccs = single ? { followed: null, exits: [] } : midPathJccs(insns);
    const from2 = page2 << 12;
    const t: Template = {
      lo,
      code: ram ? u8.slice(phys + lo, phys + hi) : new Uint8Array(0),
      second: page2 < 0 || straddles ? null : { at: second.at, lo: second.lo, code: u8.slice(from2 + second.lo, from2 + second.hi) },
      queries,
      compiled: c,
      idle,
      followed: jccs.followed,
      // A loop's back edge is left at only when the budget runs out there: not a side exit worth watching.
      exits: jccs.exits.filter((k) => !c.loopEdges.includes(k)),
    };
    if (key !== null && !straddles) TEMPLATES.add(this.cost, key, t);
    return this.install(t, eip, phys, single, page2 < 0 ? null : second, ram, stopAt >= 0, counted);
  }

  /** What the profile answers the decoder of a block at `phys` about its instruction at `off`: 1 or 0 for the
   * sets, the usual target's EIP or -1 for LikelyTarget (the recorded form of Template.queries). */
  private profileAnswer(q: Question, phys: number, eip: number, page2: number, off: number): number {
    const at = physAt(phys, eip, page2, off);
    switch (q) {
      case Question.KeepJcc: return this.keptJcc.has(at) ? 1 : 0;
      case Question.InlineJcc: return this.inlinedJcc.has(at) ? 1 : 0;
      case Question.LikelyJcc: return this.likelyJcc.has(at) ? 1 : 0;
      case Question.Alone: return this.mmioInsns.has(at) ? 1 : 0;
      case Question.LikelyTarget: return this.likelyTarget.get(nearKey(phys, eip, off)) ?? -1;
    }
  }

  /** Whether the profile answers a template's decode got still hold at `phys` (second page `page2`, or -1). */
  private answersHold(queries: readonly number[], phys: number, eip: number, page2: number): boolean {
    for (let k = 0; k < queries.length; k += 3) {
      if (this.profileAnswer(queries[k] as Question, phys, eip, page2, queries[k + 1]!) !== queries[k + 2]) return false;
    }
    return true;
  }

  /** The second page of template `t` for a block at linear `lin`, as compile would take it (read TLB, not hot) and
   * holding the same bytes; null when `t` reads one page; undefined when `t` does not fit here. */
  private templateSecond(t: Template, lin: number): SecondPage | null | undefined {
    const s = t.second;
    if (s === null) return null;
    const p = this.tlbCodePage(((lin & -4096) + s.at) | 0);
    if (p < 0 || this.cache.isHot(p) || !sameBytes(this.m8, (p << 12) + s.lo, s.code)) return undefined;
    return { page: p, at: s.at, lo: s.lo, hi: s.lo + s.code.length };
  }

  /** The Block of a compiled template at `phys`: its exit watch, code protection and cache entry. */
  private install(t: Template, eip: number, phys: number, single: boolean, second: SecondPage | null, ram: boolean, fromCut = false, counted = false): Block {
    const c = t.compiled;
    const page2 = second === null ? -1 : second.page;
    const b = new Block(c.fn, eip, phys, this.segMode, c.count, c.cost, c.eips, c.prefix, c.counts, page2, second === null ? 0 : second.at, estimateBlockBytes(c.source.length, c.count));
    b.idle = t.idle;
    b.fromCut = fromCut;
    b.counted = counted;
    if (t.second !== null) this.crossPageBlocks++;
    if (!single && !fromCut) {
      // Side exits not tried already (an inlined side that does not come back to the start is not kept).
      const exits = t.exits.filter((i) => !this.inlinedJcc.has(insnPhys(b, i)));
      // The closing near transfer, unless a target was chosen for it already (one the block could not run to).
      const near = c.nearExit >= 0 && !this.likelyTarget.has(insnNearKey(b, c.nearIndex)) ? c.nearExit : -1;
      // With regions on, every whole block is watched for its first EXIT_WATCH_RUNS runs at least: then it is settled
      // (settledBlock). Without, only a block with something to watch is.
      if (this.regions || t.followed !== null || exits.length > 0 || near >= 0) b.watch = new ExitWatch(t.followed, exits.length > 0 || this.regions ? exits : null, near, c.nearIndex);
    }
    if (ram) {
      // The bytes the decode read (Template.lo and code), on each page: a write there drops the block.
      this.protectCode(phys + t.lo, t.code.length);
      if (second !== null && second.hi > second.lo && this.mem.pageIsRam(page2)) this.protectCode((page2 << 12) + second.lo, second.hi - second.lo);
      if (this.cache.add(b, single)) this.dropReferences();
    }
    return b;
  }

  private onCodeWrite(page: number): void {
    if (this.cache.invalidatePage(page)) {
      this.epoch++;
      const cur = this.curPhys;
      if (cur >= 0 && (page === cur >>> 12 || page === this.curPage2)) this.brk = 1;
    }
  }

  /** Near transfers blocks run through to their usual target (diagnostics). */
  get likelyTargets(): number {
    return this.likelyTarget.size;
  }

  /** Forward Jccs blocks follow because they are taken on most runs (diagnostics). */
  get likelyJccs(): number {
    return this.likelyJcc.size;
  }

  /** Backward Jccs blocks stopped running through because they fell through too often (diagnostics). */
  get keptJccs(): number {
    return this.keptJcc.size;
  }

  /** Jccs whose taken side blocks were compiled again to inline (diagnostics). */
  get inlinedJccs(): number {
    return this.inlinedJcc.size;
  }

  /** Number of cached compiled blocks (diagnostics). */
  get cachedBlocks(): number {
    return this.cache.size;
  }

  /** Block-cache figures: estimated host bytes, budget, budget evictions (and those that emptied it whole), hot
   * (interpreted) pages, and hot pages compiled again after a long run without a rewrite. */
  get blockCacheStats(): { bytes: number; budget: number; evictions: number; fullFlushes: number; hotPages: number; cooledPages: number } {
    const c = this.cache;
    return { bytes: c.bytes, budget: c.budgetBytes, evictions: c.evictions, fullFlushes: c.fullFlushes, hotPages: c.hotPages, cooledPages: c.cooled };
  }

  /** Snapshot of all registers and system state. */
  saveState(): CpuSavedState {
    const seg = [];
    for (let s = 0; s < 6; s++) seg.push({ sel: this.segSel[s]!, base: this.segBase[s]!, limit: this.segLimit[s]!, attr: this.segAttr[s]! });
    return {
      regs: Array.from(this.r),
      eip: this.eip,
      eflags: this.getEflags(),
      seg,
      cpl: this.cpl,
      cr0: this.cr0,
      cr2: this.cr2,
      cr3: this.cr3,
      cr4: this.cr4,
      gdt: { base: this.gdtBase, limit: this.gdtLimit },
      idt: { base: this.idtBase, limit: this.idtLimit },
      ldt: { sel: this.ldtSel, base: this.ldtBase, limit: this.ldtLimit },
      tr: { sel: this.trSel, base: this.trBase, limit: this.trLimit, attr: this.trAttr },
      halted: this.halted,
      shadow: this.shadow,
      cycles: this.cycles,
      debt: this.debt,
      instructions: this.instructions,
      msrs: this.msrs.saveState(),
      x87: this.x87.saveState(),
    };
  }

  /** Restores a snapshot taken by saveState (on this or another Cpu over the same memory image). */
  restoreState(st: CpuSavedState): void {
    for (let i = 0; i < 8; i++) this.r[i] = st.regs[i] ?? 0;
    this.eip = st.eip >>> 0;
    this.setEflags(st.eflags);
    this.cr0 = st.cr0;
    this.cr2 = st.cr2;
    this.cr3 = st.cr3;
    this.cr4 = st.cr4;
    this.gdtBase = st.gdt.base;
    this.gdtLimit = st.gdt.limit;
    this.idtBase = st.idt.base;
    this.idtLimit = st.idt.limit;
    this.ldtSel = st.ldt.sel;
    this.ldtBase = st.ldt.base;
    this.ldtLimit = st.ldt.limit;
    this.trSel = st.tr.sel;
    this.trBase = st.tr.base;
    this.trLimit = st.tr.limit;
    this.trAttr = st.tr.attr;
    st.seg.forEach((g, s) => this.setSegCache(s, g.sel, g.base, g.limit, g.attr));
    this.cpl = st.cpl;
    this.acc = st.cpl === 3 ? 2 : 1;
    this.halted = st.halted;
    this.shadow = st.shadow;
    this.cycBase = st.cycles;
    this.debt = st.debt;
    this.instructions = st.instructions;
    if (st.msrs !== undefined) this.msrs.restoreState(st.msrs);
    this.nxEnabled = this.msrs.nxEnabled;
    if (st.x87 !== undefined) this.x87.restoreState(st.x87);
    else this.x87.init();
    this.prev = null;
    this.flushTlb();
  }
}

