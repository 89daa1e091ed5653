// The architectural state of one i386 vCPU: general registers, EIP, EFLAGS (with the lazy status
// flags), segment registers with their hidden descriptor caches, control and table registers.
// Holds no behaviour beyond reading and writing that state; memory and execution live in subclasses.
import { CF, EFLAGS_WRITABLE, condOf, lazyCF, lazyStatus, STATUS } from "./flags";

/** Segment register numbers, in the encoding order of the ModRM reg field. */
export const ES = 0, CS = 1, SS = 2, DS = 3, FS = 4, GS = 5;
/** Register numbers, in encoding order. */
export const EAX = 0, ECX = 1, EDX = 2, EBX = 3, ESP = 4, EBP = 5, ESI = 6, EDI = 7;
/** CR0 bits used by the CPU. */
export const CR0_PE = 1, CR0_MP = 2, CR0_EM = 4, CR0_TS = 8, CR0_ET = 0x10, CR0_NE = 0x20, CR0_WP = 0x10000, CR0_AM = 0x40000, CR0_NW = 0x20000000, CR0_CD = 0x40000000, CR0_PG = 0x80000000 | 0;
/** CR4 bits this CPU accepts: TSD (rdtsc privileged), DE, PSE (4 MiB pages), PAE (pae-walk.ts), OSFXSR (the OS uses FXSAVE; no XMM state to save here). */
export const CR4_TSD = 4, CR4_DE = 8, CR4_PSE = 0x10, CR4_PAE = 0x20, CR4_OSFXSR = 0x200;
export const CR4_SUPPORTED = CR4_TSD | CR4_DE | CR4_PSE | CR4_PAE | CR4_OSFXSR;

/** Descriptor-cache attribute bits kept per segment (the descriptor's high dword, bits 8..23). */
export const ATTR_ACCESSED = 0x100, ATTR_WRITABLE = 0x200, ATTR_EXPDOWN = 0x400, ATTR_CODE = 0x800, ATTR_S = 0x1000, ATTR_P = 0x8000, ATTR_DB = 0x400000, ATTR_G = 0x800000;

/** Registers, flags and segment/system state. All 32-bit values are kept as signed int32 unless noted. */
export class CpuState {
  /** EAX..EDI in encoding order. */
  readonly r = new Int32Array(8);
  /** Offset of the next instruction in CS (unsigned). */
  eip = 0;
  /** EFLAGS with the status bits valid only while fK is 0 (see flags.ts). */
  fl = 2;
  /** Packed lazy kind (0: status flags concrete in fl). */
  fK = 0;
  fA = 0;
  fB = 0;
  fR = 0;
  fC = 0;

  /** Visible selectors. */
  readonly segSel = new Int32Array(6);
  /** Hidden base (int32). */
  readonly segBase = new Int32Array(6);
  /** Hidden effective byte limit (unsigned). */
  readonly segLimit = new Float64Array(6);
  /** Hidden attributes (ATTR_*). 0 means unusable (null selector). */
  readonly segAttr = new Int32Array(6);
  /** Current privilege level. */
  cpl = 0;

  cr0 = CR0_PE | CR0_ET;
  cr2 = 0;
  cr3 = 0;
  cr4 = 0;
  gdtBase = 0;
  gdtLimit = 0xffff;
  idtBase = 0;
  idtLimit = 0xffff;
  ldtSel = 0;
  ldtBase = 0;
  ldtLimit = 0;
  trSel = 0;
  trBase = 0;
  trLimit = 0;
  trAttr = 0;

  get eax(): number { return this.r[0]! >>> 0; }
  set eax(v: number) { this.r[0] = v; }
  get ecx(): number { return this.r[1]! >>> 0; }
  set ecx(v: number) { this.r[1] = v; }
  get edx(): number { return this.r[2]! >>> 0; }
  set edx(v: number) { this.r[2] = v; }
  get ebx(): number { return this.r[3]! >>> 0; }
  set ebx(v: number) { this.r[3] = v; }
  get esp(): number { return this.r[4]! >>> 0; }
  set esp(v: number) { this.r[4] = v; }
  get ebp(): number { return this.r[5]! >>> 0; }
  set ebp(v: number) { this.r[5] = v; }
  get esi(): number { return this.r[6]! >>> 0; }
  set esi(v: number) { this.r[6] = v; }
  get edi(): number { return this.r[7]! >>> 0; }
  set edi(v: number) { this.r[7] = v; }

  /** Full EFLAGS (unsigned), status flags computed from the lazy record when needed. */
  getEflags(): number {
    if (this.fK === 0) return this.fl >>> 0;
    return ((this.fl & ~STATUS) | lazyStatus(this.fK, this.fA, this.fB, this.fR, this.fC)) >>> 0;
  }

  /** Sets EFLAGS as is (no privilege rules; bit 1 forced, unsupported bits dropped). */
  setEflags(v: number): void {
    this.fl = (v & EFLAGS_WRITABLE) | 2;
    this.fK = 0;
  }

  /** Stores a compiled block's local lazy record (kind 0: nothing to store). Used at block exits. */
  fixFlags(k: number, a: number, b: number, r: number, c: number): void {
    if (k !== 0) {
      this.fK = k;
      this.fA = a;
      this.fB = b;
      this.fR = r;
      this.fC = c;
    }
  }

  /** Makes the status flags concrete in fl. */
  materializeFlags(): void {
    if (this.fK !== 0) {
      this.fl = (this.fl & ~STATUS) | lazyStatus(this.fK, this.fA, this.fB, this.fR, this.fC);
      this.fK = 0;
    }
  }

  /** Carry flag (0/1) of a lazy record held elsewhere: a compiled block's locals (alu-gen incDec). */
  cfOf(k: number, a: number, b: number, r: number, c: number): number {
    return lazyCF(k, a, b, r, c);
  }

  /** Carry flag as 0/1. */
  getCF(): number {
    return this.fK === 0 ? this.fl & CF : lazyCF(this.fK, this.fA, this.fB, this.fR, this.fC);
  }

  /** Evaluates a condition code (Jcc encoding). */
  cond(cc: number): boolean {
    return condOf(cc, this.fK === 0 ? this.fl : lazyStatus(this.fK, this.fA, this.fB, this.fR, this.fC));
  }
}
