// A tiny seeded xorshift32 generator for property tests. Deterministic across machines; never use
// Math.random in tests. Not for anything cryptographic.

/** Seeded xorshift32 pseudo-random generator (Marsaglia 2003, shifts 13/17/5). */
export class Prng {
  private state: number;

  constructor(seed: number) {
    // xorshift has a fixed point at 0: map it to an arbitrary non-zero constant.
    this.state = seed >>> 0 || 0x9e37_79b9;
  }

  /** Next raw 32-bit unsigned value. */
  nextU32(): number {
    let x = this.state;
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    this.state = x;
    return x;
  }

  /** Uniform-ish integer in [lo, hi] (inclusive); the modulo bias is irrelevant for tests. */
  int(lo: number, hi: number): number {
    if (hi < lo) throw new RangeError(`empty range ${lo}..${hi}`);
    return lo + (this.nextU32() % (hi - lo + 1));
  }

  /** Integer in [lo, hi] as a bigint (inclusive), for ranges wider than 32 bits too. */
  bigint(lo: bigint, hi: bigint): bigint {
    if (hi < lo) throw new RangeError(`empty range ${lo}..${hi}`);
    const wide = (BigInt(this.nextU32()) << 32n) | BigInt(this.nextU32());
    return lo + (wide % (hi - lo + 1n));
  }

  /** True with probability num/den. */
  chance(num: number, den: number): boolean {
    return this.int(1, den) <= num;
  }

  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    const item = items[this.int(0, items.length - 1)];
    if (item === undefined) throw new RangeError("pick from an empty array");
    return item;
  }
}

/** The 32-bit values of a generator seeded with `seed`, one per call: the same operands on every run. */
export function u32Stream(seed: number): () => number {
  const p = new Prng(seed);
  return () => p.nextU32();
}
