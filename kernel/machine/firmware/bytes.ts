// Little-endian byte layout helpers for firmware tables (BDA, MP tables) and the writer callback the
// builders emit through. No knowledge of any particular table lives here.
import type { GuestPhysAddr } from "../../mem/types";

/** Where firmware builders put their bytes: guest-physical address and contents. */
export type PhysWriter = (addr: GuestPhysAddr, bytes: Uint8Array) => void;

/** A PhysWriter into a flat image of guest memory starting at address 0 (tests, boot images). */
export function flatWriter(memory: Uint8Array): PhysWriter {
  return (addr, bytes) => {
    if (addr + bytes.length > memory.length) throw new RangeError(`firmware write at 0x${addr.toString(16)} past guest memory`);
    memory.set(bytes, addr);
  };
}

/** Fixed-size little-endian buffer with field setters at explicit offsets. */
export class ByteLayout {
  readonly bytes: Uint8Array;

  constructor(size: number) {
    this.bytes = new Uint8Array(size);
  }

  u8(at: number, value: number): this {
    this.bytes[at] = value & 0xff;
    return this;
  }

  u16(at: number, value: number): this {
    this.bytes[at] = value & 0xff;
    this.bytes[at + 1] = (value >>> 8) & 0xff;
    return this;
  }

  u32(at: number, value: number): this {
    for (let i = 0; i < 4; i++) this.bytes[at + i] = (value >>> (8 * i)) & 0xff;
    return this;
  }

  /** ASCII text padded with spaces to `width` bytes (the MP specification's id fields). */
  ascii(at: number, text: string, width: number): this {
    for (let i = 0; i < width; i++) {
      const c = i < text.length ? text.charCodeAt(i) : 0x20;
      if (c > 0x7e || c < 0x20) throw new RangeError(`not printable ASCII: ${JSON.stringify(text)}`);
      this.bytes[at + i] = c;
    }
    return this;
  }

  /** Stores at `at` the byte that makes bytes[from, to) sum to zero modulo 256. */
  checksum(at: number, from = 0, to = this.bytes.length): this {
    this.bytes[at] = 0;
    this.bytes[at] = (256 - sum8(this.bytes.subarray(from, to))) & 0xff;
    return this;
  }
}

/** 8-bit sum of `bytes`. */
export function sum8(bytes: Uint8Array): number {
  let s = 0;
  for (const b of bytes) s = (s + b) & 0xff;
  return s;
}
