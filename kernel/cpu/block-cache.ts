// Compiled blocks indexed by the physical address of their first byte, with a per-page index so a
// write to a page holding code drops every block decoded from it. Knows nothing of execution.
import type { BlockFn } from "./decoder/block-builder";

/** A compiled block plus its chaining slots (valid only while linkEpoch equals the CPU epoch). */
export class Block {
  valid = true;
  n1: Block | null = null;
  n1Eip = -1;
  n2: Block | null = null;
  n2Eip = -1;
  linkEpoch = 0;
  constructor(
    readonly fn: BlockFn,
    /** EIP the block was decoded at (its fragments bake in EIP-relative values). */
    readonly eip: number,
    readonly phys: number,
    /** CPU segment mode it was compiled for. */
    readonly segMode: number,
    readonly count: number,
    readonly cost: number,
    readonly eips: readonly number[],
    readonly prefix: readonly number[],
    /** Physical page of the second page for an instruction straddling a page boundary, else -1. */
    readonly page2: number,
  ) {}
}

/** Upper bound on cached blocks before the cache is emptied (bounds host memory). */
const MAX_BLOCKS = 200_000;

/** Blocks by start address: whole blocks and single-instruction blocks (for exact budget tails and stepping). */
export class BlockCache {
  private readonly multi = new Map<number, Block>();
  private readonly single = new Map<number, Block>();
  private readonly byPage = new Map<number, Block[]>();

  get(phys: number, single: boolean): Block | undefined {
    return (single ? this.single : this.multi).get(phys);
  }

  add(b: Block, single: boolean): void {
    const map = single ? this.single : this.multi;
    if (this.multi.size + this.single.size >= MAX_BLOCKS) this.clear();
    const old = map.get(b.phys);
    if (old) old.valid = false;
    map.set(b.phys, b);
    this.index(b.phys >>> 12, b);
    if (b.page2 >= 0) this.index(b.page2, b);
  }

  private index(page: number, b: Block): void {
    const l = this.byPage.get(page);
    if (l) l.push(b);
    else this.byPage.set(page, [b]);
  }

  /** Drops every block decoded from `page`; true if there were any. */
  invalidatePage(page: number): boolean {
    const l = this.byPage.get(page);
    if (!l) return false;
    this.byPage.delete(page);
    for (const b of l) {
      b.valid = false;
      if (this.multi.get(b.phys) === b) this.multi.delete(b.phys);
      if (this.single.get(b.phys) === b) this.single.delete(b.phys);
    }
    return true;
  }

  clear(): void {
    for (const m of [this.multi, this.single]) for (const b of m.values()) b.valid = false;
    this.multi.clear();
    this.single.clear();
    this.byPage.clear();
  }

  get size(): number {
    return this.multi.size + this.single.size;
  }
}
