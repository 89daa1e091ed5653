// Compiled blocks kept for every Cpu of the process (issue 14): a machine booted again, or another partition
// running the same code, starts with its blocks already decoded and compiled instead of paying the compiler
// again. Compiling a block is a pure function of the bytes the decoder fetched, where the block starts (EIP,
// offset in its page), the segment mode, the cost model, whether it is a single step, whether idle loops are
// recognised, what the CPU's profile answered the decoder (keptJcc, inlinedJcc, mmioInsns at the offsets it
// asked about), and, for a block that runs on into a second page, where that page lies from the first in linear
// memory and its bytes (the read TLB must map it again, executable). A template records all of them, and is
// reused only when every one holds again: a reused block is the one the compiler would have made, so only host
// time depends on the cache.
import type { CostModel } from "./cost-model";
import type { Compiled } from "./decoder/block-builder";
import type { IdleLoop } from "./idle-loop";

/** The profile questions decodeRun asks (Cpu's sets), numbered for Template.queries. */
export const enum Question {
  KeepJcc = 0,
  InlineJcc = 1,
  Alone = 2,
  LikelyJcc = 3,
  /** Answered with the EIP (or -1), not 0/1. */
  LikelyTarget = 4,
}

/** The second page a template's decode read: its distance in bytes from the first linear page (Block.page2At),
 * and the bytes fetched there from page offset `lo` on. */
export interface TemplateSecondPage {
  readonly at: number;
  readonly lo: number;
  readonly code: Uint8Array;
}

/** One compiled block and everything its compile depended on beyond the cache key. */
export interface Template {
  /** Offset (from the block start) of the first byte fetched, and the bytes fetched from there on. */
  readonly lo: number;
  readonly code: Uint8Array;
  /** The second page it read, null for one page (an instruction straddling into the next page alone is never
   * kept: its second page may be outside RAM). */
  readonly second: TemplateSecondPage | null;
  /** The decoder's profile questions: (Question, offset, answer: 0/1, or an EIP or -1 for LikelyTarget) triples,
   * in the order asked. */
  readonly queries: readonly number[];
  readonly compiled: Compiled;
  readonly idle: IdleLoop | null;
  /** For the block's ExitWatch: the followed backward Jccs, and the mid-path exit Jccs (instruction indices; the
   * watch leaves out those already inlined, a profile question). */
  readonly followed: readonly number[] | null;
  readonly exits: readonly number[];
}

/** Templates kept at most per key (different bytes or profile answers at one address), and characters of
 * generated source kept in all (past it the cache starts over: host memory stays bounded). */
const PER_KEY = 4;
export const MAX_TEMPLATE_CHARS = 8 * 1024 * 1024;

/** Templates by cost model, then by key (templateKey). */
export class TemplateCache {
  private byModel = new WeakMap<CostModel, Map<string, Template[]>>();
  private chars = 0;

  /** The first template under `key` that `holds` accepts. */
  find(model: CostModel, key: string, holds: (t: Template) => boolean): Template | undefined {
    const list = this.byModel.get(model)?.get(key);
    if (list === undefined) return undefined;
    for (const t of list) if (holds(t)) return t;
    return undefined;
  }

  add(model: CostModel, key: string, t: Template): void {
    const size = t.compiled.source.length;
    if (this.chars + size > MAX_TEMPLATE_CHARS) this.clear();
    let map = this.byModel.get(model);
    if (map === undefined) {
      map = new Map();
      this.byModel.set(model, map);
    }
    const list = map.get(key);
    if (list === undefined) map.set(key, [t]);
    else {
      if (list.length >= PER_KEY) this.chars -= list.shift()!.compiled.source.length;
      list.push(t);
    }
    this.chars += size;
  }

  /** Forgets every template (the cost models' maps go with the next add). */
  clear(): void {
    this.chars = 0;
    this.byModel = new WeakMap();
  }
}

/** The cache key of a block: where it starts and how it is compiled (`stopAt`: the EIP its paths end at, for a block
 * that resumes a cut block, Cpu.resumeCut, -1 for any other; `counted`: an exact run's tail, Cpu.lookupCounted). */
export function templateKey(eip: number, pageOffset: number, segMode: number, single: boolean, idleSkip: boolean, stopAt = -1, counted = false): string {
  const key = `${eip}:${pageOffset}:${segMode}:${single ? 1 : 0}:${idleSkip ? 1 : 0}`;
  return `${key}${stopAt < 0 ? "" : `:${stopAt}`}${counted ? ":counted" : ""}`;
}

/** Whether the bytes at `at` in `u8` are `code`. */
export function sameBytes(u8: Uint8Array, at: number, code: Uint8Array): boolean {
  if (at < 0 || at + code.length > u8.length) return false;
  for (let i = 0; i < code.length; i++) if (u8[at + i] !== code[i]) return false;
  return true;
}

/** The process's templates, shared by every Cpu. */
export const TEMPLATES = new TemplateCache();
