// LAR, LSL, VERR and VERW: questions about a selector that answer through ZF instead of faulting
// (Intel SDM vol. 2A LAR/LSL, vol. 2B VERR/VERW). Pure: the caller reads the descriptor (or reports
// that the selector is null or beyond its table) and applies the answer to ZF and the destination.
import { ATTR_CODE, ATTR_EXPDOWN, ATTR_S, ATTR_WRITABLE } from "./cpu-state";
import { descLimit, type Descriptor } from "./segments";

/** System descriptor types LAR accepts: 16-bit TSS (1, 3), LDT (2), call gates (4, C), task gate (5), 32-bit TSS (9, B). */
const LAR_SYSTEM_TYPES = new Set([0x1, 0x2, 0x3, 0x4, 0x5, 0x9, 0xb, 0xc]);
/** System descriptor types LSL accepts: the ones with a limit (TSS and LDT). */
const LSL_SYSTEM_TYPES = new Set([0x1, 0x2, 0x3, 0x9, 0xb]);

/** Which question is asked. */
export type DescriptorQuery = "lar" | "lsl" | "verr" | "verw";

function conformingCode(hi: number): boolean {
  return (hi & (ATTR_S | ATTR_CODE | ATTR_EXPDOWN)) === (ATTR_S | ATTR_CODE | ATTR_EXPDOWN);
}

/** DPL >= CPL and DPL >= RPL: the descriptor is visible at this privilege (skipped for conforming code, but not by VERW). */
function visible(hi: number, cpl: number, rpl: number): boolean {
  const dpl = (hi >> 13) & 3;
  return dpl >= cpl && dpl >= rpl;
}

/**
 * Answers `q` for selector `sel` whose descriptor is `d` (undefined: null selector or beyond the table
 * limit). Returns the destination value (LAR: access rights masked 0x00F0FF00; LSL: the byte limit;
 * VERR/VERW: 0) with ZF = 1, or undefined for ZF = 0 and the destination unchanged.
 */
export function queryDescriptor(q: DescriptorQuery, sel: number, d: Descriptor | undefined, cpl: number): number | undefined {
  if (d === undefined) return undefined;
  const hi = d.hi;
  const rpl = sel & 3;
  const isSegment = (hi & ATTR_S) !== 0;
  switch (q) {
    case "lar":
    case "lsl": {
      const types = q === "lar" ? LAR_SYSTEM_TYPES : LSL_SYSTEM_TYPES;
      if (!isSegment && !types.has((hi >> 8) & 0xf)) return undefined;
      if (!conformingCode(hi) && !visible(hi, cpl, rpl)) return undefined;
      return q === "lar" ? hi & 0x00f0ff00 : descLimit(d);
    }
    case "verr":
      if (!isSegment || (hi & (ATTR_CODE | ATTR_WRITABLE)) === ATTR_CODE) return undefined; // execute-only code
      if (!conformingCode(hi) && !visible(hi, cpl, rpl)) return undefined;
      return 0;
    case "verw":
      if (!isSegment || (hi & (ATTR_CODE | ATTR_WRITABLE)) !== ATTR_WRITABLE) return undefined;
      if (!visible(hi, cpl, rpl)) return undefined;
      return 0;
    default: {
      const never: never = q;
      throw new Error(`unknown descriptor query ${String(never)}`);
    }
  }
}
