// Dirty-page log of one machine's RAM: one byte per 4 KiB page, set by every write while logging is on,
// read and reset in one step. Not responsible for catching the writes (PhysicalMemory marks its own
// writes; the CPU keeps clean pages out of its write TLB so its first store takes the marking path).

/** Pages written since the log was started or last taken. Exists only while logging is on. */
export class DirtyLog {
  /** One byte per RAM page: non-zero when written since the last take(). */
  readonly pages: Uint8Array;
  private count = 0;

  constructor(pageCount: number) {
    if (!Number.isInteger(pageCount) || pageCount < 0) throw new RangeError(`bad page count ${pageCount}`);
    this.pages = new Uint8Array(pageCount);
  }

  /** Marks every page of [first, last] (inclusive, clipped to RAM). */
  markRange(first: number, last: number): void {
    const end = Math.min(last, this.pages.length - 1);
    for (let p = Math.max(first, 0); p <= end; p++) {
      if (this.pages[p] === 0) {
        this.pages[p] = 1;
        this.count++;
      }
    }
  }

  /** Marks one page (ignored outside RAM). */
  mark(page: number): void {
    if (page >= 0 && page < this.pages.length && this.pages[page] === 0) {
      this.pages[page] = 1;
      this.count++;
    }
  }

  /** Page numbers written since the previous take, ascending; the log is empty afterwards. */
  take(): number[] {
    const out: number[] = [];
    if (this.count === 0) return out;
    const pages = this.pages;
    for (let p = 0; p < pages.length; p++) if (pages[p] !== 0) out.push(p);
    pages.fill(0);
    this.count = 0;
    return out;
  }
}
