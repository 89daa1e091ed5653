// When the CPU compiles a code page's settled blocks into a region (decoder/region-builder.ts), and when it gives a
// page's region up (issue 14). Pure: it sees guest instruction counts and block runs only, so that the decisions, like
// every profile decision of the CPU, depend on guest execution alone and change host speed alone.

/** Guest instructions a page goes without a block of it settling before its region is formed: the blocks of a loop
 * settle one after another, and each region formed is a compile of a large function (bench-state formed five, one
 * per wave of settled blocks, before this wait). */
export const REGION_QUIET = 1 << 20;
/** Most guest instructions per block run (over REGION_QUIET) for a page's first region to be formed: a region saves
 * the run loop's dispatches, and where there are few (blocks that loop inside for long) it costs more than it saves
 * (cachegrind, per warm boot: bench-state, a block run per 28 instructions, -34%; bench-matrix, one per 2,094, +8%). */
export const REGION_DENSITY = 512;
/** A page's first region stays only if, over the REGION_QUIET instructions after it was formed, the guest ran at least
 * this many times as many instructions per block run as over the REGION_QUIET before: a region that the guest keeps
 * leaving for code elsewhere saves few dispatches and costs a call of a large function at every entry (a Linux
 * decompressor's second page: 35.8 instructions per block run before, 37.2 after; bench-state's first region, which
 * holds 8 of its 12 hot blocks: 28.2, then 69.5). */
export const REGION_GAIN = 2;
/** Most regions formed on one page: a page whose settled blocks grow by half again gets a larger one. */
export const REGION_FORMS = 6;
/** The fewest settled blocks a page needs for a region: at 2, a Linux boot's paged kernel formed 180 regions in its
 * first 3.5G instructions and dropped 158; at 3, 130 and 119; at 4, bench-crc's hot loop got none. */
export const REGION_MIN = 3;
/** Pages the policy keeps track of at once; past it one starts over (host speed only). */
const PAGES_MAX = 4096;

/** Guest progress: instructions run and block runs (calls of a block or region function by the run loop). */
export interface Progress {
  readonly instructions: number;
  readonly runs: number;
}

interface Settling<T> {
  readonly block: T;
  readonly at: Progress;
}

interface Trial {
  readonly at: Progress;
  /** Instructions per block run over the wait before the region. */
  readonly before: number;
}

/** The region decisions of one CPU, by physical page. `T` is the CPU's block. */
export class RegionPolicy<T> {
  private readonly settling = new Map<number, Settling<T>>();
  private readonly trials = new Map<number, Trial>();
  /** Settled blocks when the page's last region was formed, and how many were formed (REGION_FORMS: none more). */
  private readonly pages = new Map<number, { readonly settled: number; readonly forms: number }>();
  private nextAt = Infinity;

  /** The instruction count before which `due` has nothing to do (Infinity: nothing waits). The CPU asks only from
   * there: a kernel keeps hundreds of pages waiting, and looking them over at every lookup of a block was most of
   * a Linux boot's time in its busiest phases. */
  get dueAt(): number {
    return this.nextAt;
  }

  /** A block of `page` settled (its watch ended) at `now`. */
  settled(page: number, block: T, now: Progress): void {
    if (this.settling.size >= PAGES_MAX) this.settling.clear();
    this.settling.set(page, { block, at: now });
    this.nextAt = Math.min(this.nextAt, now.instructions + REGION_QUIET);
  }

  /** What is due at `now`: the pages whose region to form (the last block that settled there; `formed` says how it
   * went), and the pages whose region to drop (it saved too few dispatches; the page gets no other). */
  due(now: Progress): { readonly form: readonly (readonly [number, T])[]; readonly drop: readonly number[] } {
    const form: [number, T][] = [];
    const drop: number[] = [];
    for (const [page, s] of this.settling) {
      const ran = now.instructions - s.at.instructions;
      if (ran < REGION_QUIET) continue;
      this.settling.delete(page);
      // The density decides a page's first region only: once one runs there, it takes the dispatches it saves.
      if (this.forms(page) === 0) {
        const runs = now.runs - s.at.runs;
        if (ran > REGION_DENSITY * runs) continue;
        this.trials.set(page, { at: now, before: ran / runs });
      }
      form.push([page, s.block]);
    }
    for (const [page, t] of this.trials) {
      const ran = now.instructions - t.at.instructions;
      if (ran < REGION_QUIET) continue;
      this.trials.delete(page);
      if (ran >= REGION_GAIN * t.before * (now.runs - t.at.runs)) continue;
      this.giveUp(page);
      drop.push(page);
    }
    this.nextAt = Infinity;
    for (const x of [...this.settling.values(), ...this.trials.values()]) this.nextAt = Math.min(this.nextAt, x.at.instructions + REGION_QUIET);
    return { form, drop };
  }

  /** Whether `page`, with `settled` settled blocks, may get a region now (it got none yet, or has half as many
   * settled blocks again as when it got its last, and fewer than REGION_FORMS). */
  mayForm(page: number, settled: number): boolean {
    const p = this.pages.get(page) ?? { settled: 0, forms: 0 };
    return settled >= REGION_MIN && 2 * settled >= 3 * p.settled && p.forms < REGION_FORMS;
  }

  /** A region of `settled` blocks was formed on `page` (or `false`: due named it, and none could be formed). */
  formed(page: number, settled: number | false): void {
    if (settled === false) {
      this.trials.delete(page);
      return;
    }
    if (this.pages.size >= PAGES_MAX) this.pages.clear();
    this.pages.set(page, { settled, forms: this.forms(page) + 1 });
  }

  /** `page` gets no region from now on (its settled blocks outgrew one, or its region saved too little). */
  giveUp(page: number): void {
    if (this.pages.size >= PAGES_MAX) this.pages.clear();
    this.pages.set(page, { settled: Number.MAX_SAFE_INTEGER, forms: REGION_FORMS });
    this.trials.delete(page);
  }

  private forms(page: number): number {
    return this.pages.get(page)?.forms ?? 0;
  }
}
