// Model-specific registers of the vCPU: the set RDMSR/WRMSR reach and their reserved-bit rules
// (Intel SDM vol. 4, table 2-2 "IA-32 Architectural MSRs"; vol. 3 10.4.4, 11.11, 11.12.2, 5.8.7).
// A pure register file: the TSC comes from the caller's cycle count, and a change of IA32_APIC_BASE
// is handed to an injected control; the CPU raises #GP(0) when a read or write is refused.

/** MSR indices implemented here. */
export const MSR = {
  TSC: 0x10,
  APIC_BASE: 0x1b,
  MTRR_CAP: 0xfe,
  SYSENTER_CS: 0x174,
  SYSENTER_ESP: 0x175,
  SYSENTER_EIP: 0x176,
  MISC_ENABLE: 0x1a0,
  PAT: 0x277,
  MTRR_DEF_TYPE: 0x2ff,
  EFER: 0xc0000080,
} as const;
/** IA32_EFER.NXE (bit 11, SDM vol. 4 table 2-2): execute-disable in PAE entries. The only bit: no long mode, no SYSCALL. */
export const EFER_NXE = 1 << 11;

/** IA32_APIC_BASE bits (SDM vol. 3 figure 10-5): BSP flag (read-only), global enable, base 12-31. */
export const APIC_BASE_BSP = 0x100, APIC_BASE_EN = 0x800, APIC_BASE_ADDR_MASK = 0xfffff000 | 0;
/** IA32_APIC_BASE after reset: the BSP's APIC enabled at 0xFEE00000. */
export const APIC_BASE_RESET = (0xfee00000 | APIC_BASE_BSP | APIC_BASE_EN) | 0;
/** IA32_MISC_ENABLE: fast strings (0, read/write), BTS (11) and PEBS (12) unavailable (read-only 1). */
const MISC_FAST_STRINGS = 1, MISC_BTS_UNAVAILABLE = 1 << 11, MISC_PEBS_UNAVAILABLE = 1 << 12;
const MISC_RESET = MISC_FAST_STRINGS | MISC_BTS_UNAVAILABLE | MISC_PEBS_UNAVAILABLE;
/** IA32_PAT after reset (SDM vol. 3 11.12.4): WB, WT, UC-, UC in both halves. */
const PAT_RESET_LO = 0x00070406, PAT_RESET_HI = 0x00070406;
/** IA32_MTRR_DEF_TYPE: type (0-7), fixed-range enable (10), MTRR enable (11). */
const MTRR_DEF_FE = 1 << 10, MTRR_DEF_E = 1 << 11;

/** Moves or switches the local APIC when IA32_APIC_BASE changes (the machine's business). */
export interface ApicBaseControl {
  /** The APIC's MMIO page is now at `base` and globally enabled or disabled. */
  apicBaseChanged(base: number, enabled: boolean): void;
}

/** The persistent MSR values (named, JSON-safe; 64-bit values as low/high words). */
export interface MsrState {
  /** TSC minus the cycle counter (a decimal string: a 64-bit signed value). */
  tscOffset: string;
  apicBase: number;
  sysenterCs: number;
  sysenterEsp: number;
  sysenterEip: number;
  miscEnable: number;
  patLo: number;
  patHi: number;
  mtrrDefType: number;
  /** IA32_EFER (0 or EFER_NXE); absent in snapshots older than PAE support, read as 0. */
  efer?: number;
}

/** A 64-bit MSR value as two unsigned words. */
export interface MsrValue {
  lo: number;
  hi: number;
}

const TWO64 = 1n << 64n;

/** A PAT half is valid when every byte is a defined memory type (0, 1, 4, 5, 6, 7) with bits 3-7 clear. */
function patWordValid(w: number): boolean {
  for (let i = 0; i < 4; i++) {
    const t = (w >>> (8 * i)) & 0xff;
    if (t === 2 || t === 3 || t > 7) return false;
  }
  return true;
}

/** The vCPU's MSRs. `hasApic` false: IA32_APIC_BASE does not exist (#GP), as on a processor without one. */
export class MsrFile {
  /** TSC = cycles + tscOffset (mod 2^64). */
  tscOffset = 0n;
  apicBase = APIC_BASE_RESET;
  sysenterCs = 0;
  sysenterEsp = 0;
  sysenterEip = 0;
  miscEnable = MISC_RESET;
  patLo = PAT_RESET_LO;
  patHi = PAT_RESET_HI;
  mtrrDefType = 0;
  efer = 0;

  constructor(private readonly apic: ApicBaseControl | undefined) {}

  /** True when a local APIC exists and IA32_APIC_BASE.EN is set (CPUID.1:EDX.APIC follows it). */
  get apicEnabled(): boolean {
    return this.apic !== undefined && (this.apicBase & APIC_BASE_EN) !== 0;
  }

  /** IA32_EFER.NXE is set. */
  get nxEnabled(): boolean {
    return (this.efer & EFER_NXE) !== 0;
  }

  /** The time-stamp counter for a cycle count (unsigned 64-bit). */
  tsc(cycles: number): bigint {
    return (BigInt(cycles) + this.tscOffset) % TWO64;
  }

  /** RDMSR: the value, or undefined for an MSR that does not exist (#GP). */
  read(index: number, cycles: number): MsrValue | undefined {
    switch (index >>> 0) {
      case MSR.TSC: {
        const t = this.tsc(cycles);
        return { lo: Number(t & 0xffffffffn), hi: Number(t >> 32n) };
      }
      case MSR.APIC_BASE: return this.apic === undefined ? undefined : { lo: this.apicBase >>> 0, hi: 0 };
      case MSR.MTRR_CAP: return { lo: 0, hi: 0 };
      case MSR.SYSENTER_CS: return { lo: this.sysenterCs, hi: 0 };
      case MSR.SYSENTER_ESP: return { lo: this.sysenterEsp >>> 0, hi: 0 };
      case MSR.SYSENTER_EIP: return { lo: this.sysenterEip >>> 0, hi: 0 };
      case MSR.MISC_ENABLE: return { lo: this.miscEnable, hi: 0 };
      case MSR.PAT: return { lo: this.patLo >>> 0, hi: this.patHi >>> 0 };
      case MSR.MTRR_DEF_TYPE: return { lo: this.mtrrDefType, hi: 0 };
      case MSR.EFER: return { lo: this.efer, hi: 0 };
      default: return undefined;
    }
  }

  /** WRMSR: false when the MSR does not exist, is read-only or the value sets reserved bits (#GP). */
  write(index: number, lo: number, hi: number, cycles: number): boolean {
    lo >>>= 0;
    hi >>>= 0;
    switch (index >>> 0) {
      case MSR.TSC: {
        const v = (BigInt(hi) << 32n) | BigInt(lo);
        this.tscOffset = (((v - BigInt(cycles)) % TWO64) + TWO64) % TWO64;
        return true;
      }
      case MSR.APIC_BASE: {
        // Bits 0-7, 9, 10 (x2APIC: not present) and 32-63 (MAXPHYADDR is 32) are reserved; BSP is read-only.
        if (this.apic === undefined || hi !== 0 || (lo & 0x6ff) !== 0) return false;
        const next = ((lo & (APIC_BASE_ADDR_MASK | APIC_BASE_EN)) | APIC_BASE_BSP) | 0;
        if (next === this.apicBase) return true;
        this.apicBase = next;
        this.apic.apicBaseChanged((next & APIC_BASE_ADDR_MASK) >>> 0, (next & APIC_BASE_EN) !== 0);
        return true;
      }
      case MSR.SYSENTER_CS:
        // Only the selector (bits 0-15) is kept; the upper bits are reserved in a 32-bit processor.
        if (hi !== 0) return false;
        this.sysenterCs = lo & 0xffff;
        return true;
      case MSR.SYSENTER_ESP: this.sysenterEsp = lo | 0; return true;
      case MSR.SYSENTER_EIP: this.sysenterEip = lo | 0; return true;
      case MSR.MISC_ENABLE:
        // Fast strings is the one writable bit; the unavailable-feature bits are read-only.
        if (hi !== 0 || (lo & ~MISC_RESET) !== 0) return false;
        this.miscEnable = (lo & MISC_FAST_STRINGS) | MISC_BTS_UNAVAILABLE | MISC_PEBS_UNAVAILABLE;
        return true;
      case MSR.PAT:
        if (!patWordValid(lo) || !patWordValid(hi)) return false;
        this.patLo = lo | 0;
        this.patHi = hi | 0;
        return true;
      case MSR.MTRR_DEF_TYPE: {
        // Reserved bits, undefined types (2, 3, 7) and FE without fixed ranges (MTRRcap.FIX = 0) fault.
        const type = lo & 0xff;
        if (hi !== 0 || (lo & ~(0xff | MTRR_DEF_FE | MTRR_DEF_E)) !== 0 || (lo & MTRR_DEF_FE) !== 0) return false;
        if (type === 2 || type === 3 || type > 6) return false;
        this.mtrrDefType = lo;
        return true;
      }
      case MSR.EFER:
        if (hi !== 0 || (lo & ~EFER_NXE) !== 0) return false;
        this.efer = lo;
        return true;
      default:
        return false;
    }
  }

  saveState(): MsrState {
    return {
      tscOffset: this.tscOffset.toString(), apicBase: this.apicBase, sysenterCs: this.sysenterCs,
      sysenterEsp: this.sysenterEsp, sysenterEip: this.sysenterEip, miscEnable: this.miscEnable,
      patLo: this.patLo, patHi: this.patHi, mtrrDefType: this.mtrrDefType, efer: this.efer,
    };
  }

  /** Restores saved values; a relocated or disabled APIC base moves the APIC window as WRMSR would. */
  restoreState(s: MsrState): void {
    this.tscOffset = BigInt(s.tscOffset);
    const moved = s.apicBase !== this.apicBase;
    this.apicBase = s.apicBase;
    if (moved) this.apic?.apicBaseChanged((s.apicBase & APIC_BASE_ADDR_MASK) >>> 0, (s.apicBase & APIC_BASE_EN) !== 0);
    this.sysenterCs = s.sysenterCs;
    this.sysenterEsp = s.sysenterEsp;
    this.sysenterEip = s.sysenterEip;
    this.miscEnable = s.miscEnable;
    this.patLo = s.patLo;
    this.patHi = s.patHi;
    this.mtrrDefType = s.mtrrDefType;
    this.efer = s.efer ?? 0;
  }
}

/**
 * Checks an untrusted saved MSR state (a snapshot's parsed JSON) field by field: every value must be one
 * WRMSR could have left (the same reserved-bit and memory-type checks). The MsrState, or the problem.
 */
export function parseMsrState(raw: unknown): MsrState | string {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return "expected an object";
  const o = raw as Record<string, unknown>;
  const t = o["tscOffset"];
  if (typeof t !== "string" || !/^[0-9]{1,20}$/.test(t) || BigInt(t) >= TWO64) return `tscOffset: expected a decimal 0..2^64-1, got ${JSON.stringify(t)}`;
  const word = (name: string): number | string => {
    const v = o[name];
    if (typeof v !== "number" || !Number.isInteger(v) || v < -0x8000_0000 || v > 0xffff_ffff) return `${name}: expected a 32-bit integer, got ${JSON.stringify(v)}`;
    return v;
  };
  const names = ["apicBase", "sysenterCs", "sysenterEsp", "sysenterEip", "miscEnable", "patLo", "patHi", "mtrrDefType"] as const;
  const w: Partial<Record<(typeof names)[number], number>> = {};
  for (const n of names) {
    const v = word(n);
    if (typeof v === "string") return v;
    w[n] = v;
  }
  const f = w as Record<(typeof names)[number], number>;
  // A scratch MSR file with an APIC applies WRMSR's own checks; BSP is the read-only bit it sets itself.
  const check = new MsrFile({ apicBaseChanged: () => undefined });
  const writes: [string, number, number, number, boolean][] = [
    ["apicBase", MSR.APIC_BASE, f.apicBase & ~APIC_BASE_BSP, 0, (f.apicBase & APIC_BASE_BSP) !== 0],
    ["sysenterCs", MSR.SYSENTER_CS, f.sysenterCs, 0, (f.sysenterCs & ~0xffff) === 0],
    ["miscEnable", MSR.MISC_ENABLE, f.miscEnable, 0, (f.miscEnable & (MISC_BTS_UNAVAILABLE | MISC_PEBS_UNAVAILABLE)) === (MISC_BTS_UNAVAILABLE | MISC_PEBS_UNAVAILABLE)],
    ["patLo", MSR.PAT, f.patLo, f.patHi, true],
    ["mtrrDefType", MSR.MTRR_DEF_TYPE, f.mtrrDefType, 0, true],
  ];
  for (const [name, index, lo, hi, extra] of writes) {
    if (!extra || !check.write(index, lo, hi, 0)) return `${name}: 0x${(lo >>> 0).toString(16)} is not a value the MSR can hold`;
  }
  const efer = o["efer"] ?? 0;
  if (efer !== 0 && efer !== EFER_NXE) return `efer: expected 0 or 0x${EFER_NXE.toString(16)}, got ${JSON.stringify(efer)}`;
  return { tscOffset: t, ...f, efer };
}
