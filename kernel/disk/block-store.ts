// A disk's sectors over the bytes of an image file: reads see the image and every sector written
// since, writes go to an in-memory overlay (copy-on-write), and a flush hands the written sectors, in
// LBA order, to a write-back the host supplies (only with --persist). Pure: no file access here.

/** Bytes per sector (ATA logical sector). */
export const SECTOR_BYTES = 512;

declare const lbaBrand: unique symbol;
/** A logical block address: a sector index from the start of the disk. */
export type Lba = number & { readonly [lbaBrand]: "Lba" };

/** Brands a sector index; throws (a host bug) when it is not a non-negative safe integer. */
export function lba(value: number): Lba {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`bad LBA ${value}`);
  return value as Lba;
}

/** Why a block access was refused (the caller turns it into a device error, never a host exception). */
export type BlockRefusal = { readonly kind: "outOfRange"; readonly lba: number } | { readonly kind: "badLength"; readonly bytes: number };

/** Where flushed sectors go: the host writes `bytes` at byte `offset` of the image file. */
export interface DiskWriteBack {
  writeAt(offset: number, bytes: Uint8Array): { readonly ok: true } | { readonly ok: false; readonly message: string };
}

/** What a flush did. */
export type FlushResult = { readonly ok: true; readonly sectors: number } | { readonly ok: false; readonly message: string };

/** Sector storage of one disk: the image below, written sectors above. */
export class BlockStore {
  /** Sectors written since the last flush (or since start), by LBA. */
  private readonly overlay = new Map<number, Uint8Array>();
  /** Sectors the guest wrote in total (flushed or not). */
  writes = 0;

  /** `image` must be a whole number of sectors (disk-image.ts checks a host file before it gets here). */
  constructor(
    private readonly image: Uint8Array,
    private readonly writeBack: DiskWriteBack | undefined,
  ) {
    if (image.length === 0 || image.length % SECTOR_BYTES !== 0) throw new RangeError(`disk image of ${image.length} bytes is not a whole number of sectors`);
  }

  /** Number of sectors. */
  get sectors(): number {
    return this.image.length / SECTOR_BYTES;
  }

  /** True when flushes write to the host file (--persist). */
  get persistent(): boolean {
    return this.writeBack !== undefined;
  }

  /** Number of written sectors not yet flushed. */
  get dirtySectors(): number {
    return this.overlay.size;
  }

  /** Copies sector `at` into `into` at `offset`; refuses an LBA past the end or a short buffer. */
  read(at: Lba, into: Uint8Array, offset = 0): BlockRefusal | null {
    if (at >= this.sectors) return { kind: "outOfRange", lba: at };
    if (offset < 0 || offset + SECTOR_BYTES > into.length) return { kind: "badLength", bytes: into.length - offset };
    const written = this.overlay.get(at);
    into.set(written ?? this.image.subarray(at * SECTOR_BYTES, (at + 1) * SECTOR_BYTES), offset);
    return null;
  }

  /** Stores one sector (`from` at `offset`) at `at` in the overlay; the image is untouched until a flush. */
  write(at: Lba, from: Uint8Array, offset = 0): BlockRefusal | null {
    if (at >= this.sectors) return { kind: "outOfRange", lba: at };
    if (offset < 0 || offset + SECTOR_BYTES > from.length) return { kind: "badLength", bytes: from.length - offset };
    this.overlay.set(at, from.slice(offset, offset + SECTOR_BYTES));
    this.writes++;
    return null;
  }

  /**
   * With a write-back: writes every dirty sector to the host file in LBA order (adjacent sectors as one
   * write), folds them into the image and empties the overlay. Without one (copy-on-write) it does
   * nothing: the written sectors stay in memory and the file is never changed. A failed write keeps
   * the overlay, so a later flush can try again and nothing is lost.
   */
  flush(): FlushResult {
    if (this.writeBack === undefined || this.overlay.size === 0) return { ok: true, sectors: 0 };
    const order = [...this.overlay.keys()].sort((a, b) => a - b);
    let i = 0;
    while (i < order.length) {
      let j = i + 1;
      while (j < order.length && order[j] === order[j - 1]! + 1) j++;
      const first = order[i]!;
      const run = new Uint8Array((j - i) * SECTOR_BYTES);
      for (let k = i; k < j; k++) run.set(this.overlay.get(order[k]!)!, (k - i) * SECTOR_BYTES);
      const r = this.writeBack.writeAt(first * SECTOR_BYTES, run);
      if (!r.ok) return { ok: false, message: `writing sectors ${first}..${order[j - 1]!}: ${r.message}` };
      this.image.set(run, first * SECTOR_BYTES);
      for (let k = i; k < j; k++) this.overlay.delete(order[k]!);
      i = j;
    }
    return { ok: true, sectors: order.length };
  }

  /** The written sectors in LBA order (for snapshots and tests). */
  written(): { readonly lba: number; readonly bytes: Uint8Array }[] {
    return [...this.overlay.keys()].sort((a, b) => a - b).map((k) => ({ lba: k, bytes: this.overlay.get(k)! }));
  }

  /** Replaces the unflushed sectors with `sectors` (a restored snapshot; the caller checked each LBA and length). */
  replaceWritten(sectors: readonly { readonly lba: number; readonly bytes: Uint8Array }[]): void {
    this.overlay.clear();
    for (const s of sectors) {
      if (s.lba >= this.sectors || s.bytes.length !== SECTOR_BYTES) throw new RangeError(`restored sector ${s.lba} does not fit the disk`);
      this.overlay.set(s.lba, s.bytes.slice());
    }
  }

  /** The whole disk as the guest sees it now (tests, small disks). */
  contents(): Uint8Array {
    const out = this.image.slice();
    for (const [k, s] of this.overlay) out.set(s, k * SECTOR_BYTES);
    return out;
  }
}
