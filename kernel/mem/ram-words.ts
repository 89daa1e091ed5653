// A window of aligned 32-bit words in a machine's RAM whose range is checked once, for kernel structures
// rewritten on every exit (the PV shared page). Reads and writes keep PhysicalMemory's rules: code-page
// invalidation, the dirty-page log and MMIO windows all take PhysicalMemory's own path. No buffer escapes.
import type { PhysicalMemory } from "./physical-memory";
import { guestPhys, type GuestPhysAddr } from "./types";

/** Word access to a window of RAM words, by index. */
export interface Words {
  /** Word `i`, unsigned. */
  get(i: number): number;
  set(i: number, v: number): void;
}

/** `words` aligned words from `base`, inside RAM (checked at construction; a bad range is a kernel bug). */
export class RamWords implements Words {
  private readonly first: number;
  private readonly page: number;
  /** The same words as a view of RAM (signed): read or write it only right after directNow() said true. */
  readonly direct: Int32Array;

  constructor(
    private readonly mem: PhysicalMemory,
    private readonly base: GuestPhysAddr,
    private readonly words: number,
  ) {
    const end = base + words * 4;
    if ((base & 3) !== 0 || !Number.isInteger(words) || words < 1 || !mem.contains(base, words * 4) || base >>> 12 !== (end - 1) >>> 12) {
      throw new RangeError(`RamWords ${base.toString(16)}+${words * 4}: not aligned words inside one RAM page`);
    }
    this.first = base >>> 2;
    this.page = base >>> 12;
    this.direct = mem.i32.subarray(this.first, this.first + words);
  }

  /** Word `i` (0 <= i < words; the caller's constant offsets), unsigned. */
  get(i: number): number {
    if (i >>> 0 >= this.words || this.mem.hasMmio) return this.mem.read32(this.addr(i));
    return this.mem.i32[this.first + i]! >>> 0;
  }

  /** Byte `b` (0 <= b < words * 4) of the window. */
  getByte(b: number): number {
    if (b >>> 0 >= this.words * 4 || this.mem.hasMmio) return this.mem.read8(this.byteAddr(b));
    return this.mem.u8[this.base + b]!;
  }

  /** Writes word `i`; a page with decoded code or not yet marked in the dirty log takes PhysicalMemory's path. */
  set(i: number, v: number): void {
    const m = this.mem;
    if (i >>> 0 < this.words && !m.hasMmio && m.pageWritableFast(this.page)) m.i32[this.first + i] = v;
    else m.write32(this.addr(i), v >>> 0);
  }

  /**
   * True when every word of the window may be read and written straight in RAM until the next memory
   * access of anyone else: no MMIO window, and the page holds no decoded code, is not read-only and is
   * already marked in the dirty log. A caller that updates several words checks this once, then uses
   * `direct`; when it is false it uses get/set.
   */
  directNow(): boolean {
    return !this.mem.hasMmio && this.mem.pageWritableFast(this.page);
  }

  private addr(i: number): GuestPhysAddr {
    if (!Number.isInteger(i) || i < 0 || i >= this.words) throw new RangeError(`RamWords word ${i} outside 0..${this.words - 1}`);
    return guestPhys(this.base + i * 4);
  }

  private byteAddr(b: number): GuestPhysAddr {
    if (!Number.isInteger(b) || b < 0 || b >= this.words * 4) throw new RangeError(`RamWords byte ${b} outside 0..${this.words * 4 - 1}`);
    return guestPhys(this.base + b);
  }
}
