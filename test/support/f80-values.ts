// Register values for the x87 tests, drawn from a u32Stream (test/support/prng.ts).
import { BIAS, F80 } from "../../kernel/cpu/x87/f80";

/** A normal value with its leading bit at 2^top, a random significand and (unless given) a random sign. */
export function normalF80(next: () => number, top: number, s: 0 | 1 = (next() & 1) as 0 | 1): F80 {
  return new F80(s, BIAS + top, (next() | 0x80000000) >>> 0, next());
}
