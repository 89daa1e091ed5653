// Bulk REP STOS / REP MOVS on RAM: the memory effect of k iterations whose ranges each lie inside one
// physical page, identical to running them one at a time (overlapping MOVS included). Not responsible
// for translation, segment checks, code tracking or cycle budgets (CpuSystem.str does those).

/** Page size the bulk ranges must stay inside. */
const PAGE = 4096;

/** How many whole `bytes`-sized elements, the first at page offset `off`, stay inside the page going up (or down). */
export function elementsInPage(off: number, bytes: number, down: boolean): number {
  if (off + bytes > PAGE) return 0;
  return down ? Math.floor(off / bytes) + 1 : Math.floor((PAGE - off) / bytes);
}

/** Lowest byte address of k elements whose first element starts at `p` (elements go down when `down`). */
export function rangeLow(p: number, bytes: number, down: boolean, k: number): number {
  return down ? p - (k - 1) * bytes : p;
}

/** REP STOS: k elements of `bytes` (1, 2, 4) holding `value`, first element at physical `p`. */
export function bulkStore(m8: Uint8Array, m32: Int32Array, p: number, bytes: number, down: boolean, k: number, value: number): void {
  const lo = rangeLow(p, bytes, down, k);
  const hi = lo + k * bytes;
  const b0 = value & 0xff;
  if (bytes === 1 || (bytes === 2 && ((value >> 8) & 0xff) === b0) || (bytes === 4 && (value | 0) === (Math.imul(b0, 0x01010101) | 0))) {
    m8.fill(b0, lo, hi);
    return;
  }
  if (bytes === 4 && (lo & 3) === 0) {
    m32.fill(value, lo >>> 2, hi >>> 2);
    return;
  }
  for (let a = lo; a < hi; a += bytes) {
    m8[a] = value;
    m8[a + 1] = value >> 8;
    if (bytes === 4) {
      m8[a + 2] = value >> 16;
      m8[a + 3] = value >> 24;
    }
  }
}

/** REP MOVS: k elements of `bytes` from physical `src` to physical `dst` (first elements), in string order. */
export function bulkMove(m8: Uint8Array, dst: number, src: number, bytes: number, down: boolean, k: number): void {
  const len = k * bytes;
  const dLo = rangeLow(dst, bytes, down, k);
  const sLo = rangeLow(src, bytes, down, k);
  // memmove semantics equal the element order when the ranges are disjoint or a write never lands on a
  // later element's source bytes: forward with dst <= src, backward with dst >= src.
  if (dLo + len <= sLo || sLo + len <= dLo || (down ? dst >= src : dst <= src)) {
    m8.copyWithin(dLo, sLo, sLo + len);
    return;
  }
  const d = down ? -bytes : bytes;
  let s = src;
  let t = dst;
  for (let i = 0; i < k; i++, s += d, t += d) {
    if (bytes === 1) {
      m8[t] = m8[s]!;
      continue;
    }
    // One element reads all its source bytes before writing any.
    const v0 = m8[s]!;
    const v1 = m8[s + 1]!;
    const v2 = bytes === 4 ? m8[s + 2]! : 0;
    const v3 = bytes === 4 ? m8[s + 3]! : 0;
    m8[t] = v0;
    m8[t + 1] = v1;
    if (bytes === 4) {
      m8[t + 2] = v2;
      m8[t + 3] = v3;
    }
  }
}
