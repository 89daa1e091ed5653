// Seeded xorshift32 generator for the vector recorder: the same seed gives the same vectors on every
// machine. Not cryptographic and not used at run time by the emulator.

/** A deterministic 32-bit pseudo-random source (Marsaglia xorshift, shifts 13/17/5). */
export class Xorshift32 {
  private state: number;

  constructor(seed: number) {
    if (seed === 0 || !Number.isInteger(seed)) throw new RangeError(`xorshift seed must be a non-zero integer: ${seed}`);
    this.state = seed >>> 0;
  }

  /** Next unsigned 32-bit value. */
  u32(): number {
    let x = this.state;
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state;
  }

  /** Uniform integer in [0, n). */
  below(n: number): number {
    return this.u32() % n;
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    const item = items[this.below(items.length)];
    if (item === undefined) throw new RangeError("pick from an empty list");
    return item;
  }

  /** True with probability 1/2. */
  bit(): boolean {
    return (this.u32() & 0x100) !== 0;
  }
}
