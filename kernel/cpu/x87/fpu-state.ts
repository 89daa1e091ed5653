// The x87 register file and its control state: eight physical registers with tags, TOP, the control,
// status and pointer registers, stack push/pop with stack-fault handling, and exception signalling
// (flags, ES/B summary). The named saveState/parseState/restoreState trio serves snapshots.
import { classify, Cls, F80, fromHex, INDEFINITE, toHex, ZERO } from "./f80";
import { BUSY, C1, CC, CW_INIT, ES, EXC, IE, precisionOf, roundingOf, SF, TAG_EMPTY, TAG_SPECIAL, TAG_VALID, TAG_ZERO } from "./status";
import type { RoundCtx } from "./arith";
import { OUT } from "./fast-round";

/** Snapshot of the FPU, as named fields (registers by physical number, as 20 hex digits each). */
export interface X87SavedState {
  control: number;
  status: number; // TOP included in bits 11..13
  /** Physical register numbers that are empty. */
  empty: number[];
  regs: string[];
  lastIp: number;
  lastCs: number;
  lastOpcode: number;
  lastDp: number;
  lastDs: number;
}

/** The FERR# output of the x87 (CR0.NE = 0): the machine routes it to IRQ13 (kernel/devices/fpu-error.ts). */
export interface FerrPin {
  /** A waiting instruction found an unmasked exception pending. */
  assert(): void;
  /** ES is clear again (FNCLEX, FNINIT, FLDENV, FRSTOR, FLDCW...): FERR# goes inactive. */
  release(): void;
}

/** The rounding contexts of the control words seen, by the bits they depend on (PC, RC, the exception masks): a
 * float-to-integer cast compiled for the x87 loads two control words per conversion, and each load made one. */
const ROUND_CTXS: (RoundCtx | undefined)[] = new Array<RoundCtx | undefined>(0x1000).fill(undefined);

function roundCtxOf(cw: number): RoundCtx {
  const key = cw & (0xf00 | EXC);
  const known = ROUND_CTXS[key];
  if (known !== undefined) return known;
  const c: RoundCtx = { prec: precisionOf(key), rc: roundingOf(key), unmasked: ~key & EXC };
  ROUND_CTXS[key] = c;
  return c;
}

/** Register file, control/status words and the exception plumbing of the x87. */
export class X87State {
  /** Where FERR# goes; null on a machine without the PC's coprocessor-error logic. */
  ferr: FerrPin | null = null;
  // Physical registers R0..R7 as their fields (sign, biased exponent field, significand halves as signed 32-bit
  // words, as fast-arith.ts's field forms take them): the fast paths of transfer.ts, x87.ts and fpu.ts read and write
  // them in place, with no value object per operation, and so does the FLD m64 that decode.ts writes into blocks;
  // reg/st make an F80 for the rest.
  readonly regS = new Uint8Array(8);
  readonly regE = new Uint16Array(8);
  readonly regHi = new Int32Array(8);
  readonly regLo = new Int32Array(8);
  /** Bit i set: physical register i is empty. */
  emptyMask = 0xff;
  top = 0;
  private controlWord = CW_INIT;
  /** The rounding context of controlWord, rebuilt only when the control word changes (every operation reads it). */
  private roundCtx: RoundCtx = roundCtxOf(CW_INIT);
  /** Status word without TOP (bits 11..13 are kept in `top`). */
  sw = 0;
  fip = 0;
  fcs = 0;
  fop = 0;
  fdp = 0;
  fds = 0;

  /** FNINIT / reset state (SDM vol. 1 table 8-4). */
  init(): void {
    this.cw = CW_INIT;
    this.sw = 0;
    this.top = 0;
    this.emptyMask = 0xff;
    this.fip = this.fcs = this.fop = this.fdp = this.fds = 0;
    this.ferrFollowEs();
  }

  /** FERR# follows ES down: called wherever ES may have been cleared. */
  ferrFollowEs(): void {
    if ((this.sw & ES) === 0) this.ferr?.release();
  }

  /** Status word with TOP. */
  get status(): number {
    return (this.sw & ~0x3800) | (this.top << 11);
  }

  set status(v: number) {
    this.sw = v & 0xffff & ~0x3800;
    this.top = (v >> 11) & 7;
  }

  /** The control word (FLDCW, FLDENV, FRSTOR, FNINIT write it). */
  get cw(): number {
    return this.controlWord;
  }

  set cw(v: number) {
    if (v === this.controlWord) return;
    this.controlWord = v;
    this.roundCtx = roundCtxOf(v);
  }

  /** Precision, rounding and unmasked exceptions of the current control word (a shared, read-only object). */
  ctx(): RoundCtx {
    return this.roundCtx;
  }

  phys(i: number): number {
    return (this.top + i) & 7;
  }

  isEmpty(i: number): boolean {
    return (this.emptyMask & (1 << this.phys(i))) !== 0;
  }

  /** Physical register p's value (its tag aside). */
  reg(p: number): F80 {
    return new F80(this.regS[p] as 0 | 1, this.regE[p]!, this.regHi[p]! >>> 0, this.regLo[p]! >>> 0);
  }

  /** Writes physical register p's value and leaves its tag alone. */
  setReg(p: number, v: F80): void {
    this.regS[p] = v.s;
    this.regE[p] = v.e;
    this.regHi[p] = v.hi;
    this.regLo[p] = v.lo;
  }

  /** Copies physical register `from` into `to` (tags aside). */
  protected copyReg(to: number, from: number): void {
    this.regS[to] = this.regS[from]!;
    this.regE[to] = this.regE[from]!;
    this.regHi[to] = this.regHi[from]!;
    this.regLo[to] = this.regLo[from]!;
  }

  /** Swaps physical registers a and b (tags aside). */
  protected swapRegs(a: number, b: number): void {
    const s = this.regS[a]!, e = this.regE[a]!, hi = this.regHi[a]!, lo = this.regLo[a]!;
    this.copyReg(a, b);
    this.regS[b] = s;
    this.regE[b] = e;
    this.regHi[b] = hi;
    this.regLo[b] = lo;
  }

  st(i: number): F80 {
    return this.reg(this.phys(i));
  }

  setSt(i: number, v: F80): void {
    const p = this.phys(i);
    this.setReg(p, v);
    this.emptyMask &= ~(1 << p);
  }

  pop(): void {
    this.emptyMask |= 1 << this.top;
    this.top = (this.top + 1) & 7;
  }

  /** Pushes v; on stack overflow signals IE|SF (C1=1) and, if masked, pushes the indefinite. */
  push(v: F80): void {
    const p = (this.top - 1) & 7;
    if ((this.emptyMask & (1 << p)) === 0) {
      this.sw |= C1;
      if (!this.signal(IE | SF)) return;
      v = INDEFINITE;
    }
    this.top = p;
    this.setReg(p, v);
    this.emptyMask &= ~(1 << p);
  }

  /** A load's push of a value given as its fields, where the register below TOP is empty (the usual case): C1 is
   * cleared. False, with nothing changed, on a stack overflow (the caller's general path handles it). */
  protected pushFields(s: number, e: number, hi: number, lo: number): boolean {
    const p = (this.top - 1) & 7;
    if ((this.emptyMask & (1 << p)) === 0) return false;
    this.sw &= ~C1;
    this.top = p;
    this.emptyMask &= ~(1 << p);
    this.regS[p] = s;
    this.regE[p] = e;
    this.regHi[p] = hi;
    this.regLo[p] = lo;
    return true;
  }

  /** Delivers the result a fast-arith.ts field form left in OUT to physical register p, as an arithmetic result is
   * delivered: C1 as its round-up indicator, its flags, then the value unless an unmasked exception forbids it
   * (never for the flags those forms raise: PE at most); pops if asked. */
  protected deliverOut(p: number, pop: boolean): void {
    this.setC1(OUT.up);
    if (!this.signal(OUT.flags)) return;
    this.regS[p] = OUT.s;
    this.regE[p] = OUT.e;
    this.regHi[p] = OUT.hi;
    this.regLo[p] = OUT.lo;
    this.emptyMask &= ~(1 << p);
    if (pop) this.pop();
  }

  /** Stack underflow on reading an empty register: IE|SF with C1=0. Returns whether it is masked. */
  underflow(): boolean {
    this.sw &= ~C1;
    return this.signal(IE | SF);
  }

  /** Records exception flags. Returns false when one of IE, DE, ZE is unmasked (the operation must then
   * leave its destination alone); unmasked OE/UE/PE deliver their result and only set ES. */
  signal(flags: number): boolean {
    if (flags === 0) return true;
    this.sw |= flags;
    const unmasked = flags & ~this.cw & EXC;
    if (unmasked !== 0) this.sw |= ES | BUSY;
    return (unmasked & 0x07) === 0;
  }

  /** Sets C1 as the round-up indicator and clears the other condition codes' C1 meaning. */
  setC1(up: boolean): void {
    this.sw = up ? this.sw | C1 : this.sw & ~C1;
  }

  clearCc(): void {
    this.sw &= ~CC;
  }

  /** Two-bit tag of physical register p computed from its contents (FNSTENV/FNSAVE). */
  tagOf(p: number): number {
    if ((this.emptyMask & (1 << p)) !== 0) return TAG_EMPTY;
    const c = classify(this.reg(p));
    return c === Cls.Zero ? TAG_ZERO : c === Cls.Normal ? TAG_VALID : TAG_SPECIAL;
  }

  tagWord(): number {
    let t = 0;
    for (let p = 0; p < 8; p++) t |= this.tagOf(p) << (2 * p);
    return t;
  }

  /** Loads a full tag word: only "empty" matters, the rest is recomputed from the registers. */
  setTagWord(t: number): void {
    let m = 0;
    for (let p = 0; p < 8; p++) if (((t >> (2 * p)) & 3) === TAG_EMPTY) m |= 1 << p;
    this.emptyMask = m;
  }

  saveState(): X87SavedState {
    const empty: number[] = [];
    for (let p = 0; p < 8; p++) if ((this.emptyMask & (1 << p)) !== 0) empty.push(p);
    return {
      control: this.cw,
      status: this.status,
      empty,
      regs: [0, 1, 2, 3, 4, 5, 6, 7].map((p) => toHex(this.reg(p))),
      lastIp: this.fip,
      lastCs: this.fcs,
      lastOpcode: this.fop,
      lastDp: this.fdp,
      lastDs: this.fds,
    };
  }

  /** Checks a saved state from an untrusted source; returns an error line or the state. */
  static parseState(raw: unknown): X87SavedState | string {
    if (typeof raw !== "object" || raw === null) return "x87 state is not an object";
    const o = raw as Record<string, unknown>;
    const u = (k: string, max: number): number | string => {
      const v = o[k];
      return typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= max ? v : `x87 state: bad ${k}`;
    };
    const nums: Record<string, number> = {};
    for (const [k, max] of [["control", 0xffff], ["status", 0xffff], ["lastIp", 0xffffffff], ["lastCs", 0xffff], ["lastOpcode", 0x7ff], ["lastDp", 0xffffffff], ["lastDs", 0xffff]] as const) {
      const v = u(k, max);
      if (typeof v === "string") return v;
      nums[k] = v;
    }
    const empty = o["empty"];
    if (!Array.isArray(empty) || !empty.every((p) => Number.isInteger(p) && p >= 0 && p < 8)) return "x87 state: bad empty";
    const regs = o["regs"];
    if (!Array.isArray(regs) || regs.length !== 8 || !regs.every((h) => typeof h === "string" && fromHex(h) !== null)) return "x87 state: bad regs";
    return {
      control: nums["control"]!, status: nums["status"]!, empty: empty as number[], regs: regs as string[],
      lastIp: nums["lastIp"]!, lastCs: nums["lastCs"]!, lastOpcode: nums["lastOpcode"]!, lastDp: nums["lastDp"]!, lastDs: nums["lastDs"]!,
    };
  }

  /** Applies a state that parseState accepted (cannot fail). */
  restoreState(st: X87SavedState): void {
    this.cw = st.control;
    this.status = st.status;
    this.emptyMask = 0;
    for (const p of st.empty) this.emptyMask |= 1 << p;
    st.regs.forEach((h, p) => this.setReg(p, fromHex(h) ?? ZERO));
    this.fip = st.lastIp;
    this.fcs = st.lastCs;
    this.fop = st.lastOpcode;
    this.fdp = st.lastDp;
    this.fds = st.lastDs;
  }
}
