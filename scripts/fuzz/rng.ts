// A seeded pseudo-random generator for the fuzz campaigns (xorshift32): the same seed gives the same
// inputs, so any finding is reproduced by its campaign, seed and iteration.

/** Deterministic random numbers from a 32-bit seed. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = (seed >>> 0) || 0x9e3779b9;
  }
  /** Next 32-bit unsigned value. */
  u32(): number {
    let x = this.s;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.s = x >>> 0;
    return this.s;
  }
  /** An integer in [0, n). */
  below(n: number): number {
    return this.u32() % n;
  }
  /** `n` random bytes. */
  bytes(n: number): Uint8Array {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) b[i] = this.u32() & 0xff;
    return b;
  }
  /** A copy of `src` with 1..8 random byte mutations (set, flip, insert, delete, splice a boundary value). */
  mutate(src: Uint8Array): Uint8Array {
    let b = Array.from(src);
    const n = 1 + this.below(8);
    for (let k = 0; k < n; k++) {
      const at = b.length === 0 ? 0 : this.below(b.length);
      switch (this.below(5)) {
        case 0: b[at] = this.u32() & 0xff; break;
        case 1: b[at] = (b[at] ?? 0) ^ (1 << this.below(8)); break;
        case 2: b.splice(at, 0, this.u32() & 0xff); break;
        case 3: b.splice(at, 1 + this.below(16)); break;
        default: {
          const v = [0, 0xff, 0x7f, 0x80][this.below(4)]!;
          for (let i = 0; i < 4 && at + i < b.length; i++) b[at + i] = v;
        }
      }
    }
    if (b.length > 1 << 20) b = b.slice(0, 1 << 20);
    return Uint8Array.from(b);
  }
}
