// The constants of the transcendental operations in fixed point at scale 2^W (W = 512 bits below the point): ln 2,
// pi, and the 66-bit pi the x87 reduces sin/cos/tan arguments with. transcend.ts evaluates at that scale;
// dd-transcend.ts takes its double-double constants from these.

export const W = 512n;
const FONE = 1n << W;

function atanhInv(n: bigint): bigint {
  let term = FONE / n, sum = 0n, k = 1n;
  const n2 = n * n;
  while (term !== 0n) { sum += term / k; term /= n2; k += 2n; }
  return sum;
}
function atanInv(n: bigint): bigint {
  let term = FONE / n, sum = 0n, k = 1n, sign = 1n;
  const n2 = n * n;
  while (term !== 0n) { sum += (sign * term) / k; term /= n2; k += 2n; sign = -sign; }
  return sum;
}
/** ln 2 and pi at scale 2^W. */
export const LN2 = 2n * atanhInv(3n);
export const PI = 16n * atanInv(5n) - 4n * atanInv(239n);
/** pi rounded to 66 significant bits, the constant the x87 reduces sin/cos/tan arguments with
 * (SDM vol. 1 §8.3.8: FSIN of the register closest to pi is not 0 but the difference to this constant). */
export const PI66 = (((PI >> (W + 2n - 67n)) + 1n) >> 1n) << (W + 2n - 66n);
