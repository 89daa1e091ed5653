// Ordering of x87 register values (pure): on fields for normal values and zeros (the compares' fast path), on F80
// values for every class but NaNs; FCOMI's EFLAGS by relation. The instructions are x87.ts's.
import { Cls, type F80, lsbExp, normalFields, zeroFields } from "./f80";

/** FCOMI's ZF|PF|CF by relation (greater, less, equal, unordered). */
export const ZPC_OF_REL: readonly number[] = [0, 1, 0x40, 0x45];

/** The relation of two register values given as fields (halves signed or not), as cmp's `rel` (0 greater, 1 less,
 * 2 equal), when both are normal or zero; -1 for any other class (cmp's general path takes those, and their flags). */
export function relFields(as: number, ae: number, ahi: number, alo: number, bs: number, be: number, bhi: number, blo: number): number {
  const za = zeroFields(ae, ahi, alo), zb = zeroFields(be, bhi, blo);
  if ((!za && !normalFields(ae, ahi)) || (!zb && !normalFields(be, bhi))) return -1;
  if (za || zb) {
    if (za && zb) return 2; // zeros of either sign are equal
    return za ? (bs === 1 ? 0 : 1) : (as === 1 ? 1 : 0);
  }
  if (as !== bs) return as === 1 ? 1 : 0;
  // One sign: the exponent orders the magnitudes, then the halves as unsigned words; a negative sign reverses them.
  const mag = ae !== be ? ae - be : ahi !== bhi ? (ahi >>> 0) - (bhi >>> 0) : (alo >>> 0) - (blo >>> 0);
  if (mag === 0) return 2;
  return (mag > 0) !== (as === 1) ? 0 : 1;
}

/** Ordering of two non-NaN values (zeros of either sign are equal), the magnitudes compared as exact bigints: the
 * compares' general path (a denormal or an infinity among the operands) and the reference relFields is tested against. */
export function compareValues(a: F80, ca: Cls, b: F80, cb: Cls): number {
  if (ca === Cls.Zero && cb === Cls.Zero) return 0;
  const sa = ca === Cls.Zero ? 0 : a.s ? -1 : 1;
  const sb = cb === Cls.Zero ? 0 : b.s ? -1 : 1;
  if (ca === Cls.Zero || cb === Cls.Zero) return sa - sb;
  if (a.s !== b.s) return a.s ? -1 : 1;
  const mag = magCompare(a, ca, b, cb);
  return a.s ? -mag : mag;
}

function magCompare(a: F80, ca: Cls, b: F80, cb: Cls): number {
  if (ca === Cls.Inf || cb === Cls.Inf) return ca === cb ? 0 : ca === Cls.Inf ? 1 : -1;
  // Two normal values reach here only from tests: the x87 orders those by relFields first.
  const ea = lsbExp(a), eb = lsbExp(b);
  const e = Math.min(ea, eb);
  const va = a.m << BigInt(ea - e), vb = b.m << BigInt(eb - e);
  return va > vb ? 1 : va < vb ? -1 : 0;
}
