// System and I/O helpers the compiled blocks call: privileged instructions (descriptor-table and
// control registers, HLT, CLI/STI, INVLPG), IN/OUT with the IOPL and I/O-bitmap checks, string
// instructions with REP (interruptible, budget-exact), stack frames (PUSHA/POPA/ENTER/LEAVE),
// far pointer loads, CPUID, RDTSC, RDMSR/WRMSR and SYSENTER/SYSEXIT.
import type { IoPort } from "../mem/types";
import type { CostModel } from "./cost-model";
import { cpuidLeaf } from "./cpuid";
import { queryDescriptor, type DescriptorQuery } from "./descriptor-query";
import type { Descriptor } from "./segments";
import { MsrFile, type ApicBaseControl } from "./msr";
import {
  ATTR_ACCESSED, ATTR_CODE, ATTR_DB, ATTR_G, ATTR_S, ATTR_WRITABLE, CS, ATTR_P, CR0_ET, CR0_MP, CR0_PE, CR0_PG, CR0_TS, CR0_WP, CR4_PAE, CR4_PSE, CR4_SUPPORTED, CR4_TSD, ES, SS,
} from "./cpu-state";
import { DF, IF, IOPL, Lazy, RF, TF, VM, ZF } from "./flags";
import { BR, CpuFault, GP, NM, NP, UD, WriteProtectFault, hasErrorCode } from "./faults";
import type { PortIo } from "./io";
import { checkIoBitmap } from "./io-bitmap";
import { CpuArith } from "./ops-arith";
import { X87Fpu } from "./x87/fpu";
import { bulkMove, bulkStore, elementsInPage } from "./string-bulk";
import type { InterruptOptions } from "./interrupts";
import type { PhysicalMemory } from "../mem/physical-memory";

export { CPU_VENDOR, CPUID_FEATURES, CPUID_SIGNATURE } from "./cpuid";

/** Privileged, I/O and string instruction semantics. */
export class CpuSystem extends CpuArith {
  readonly io: PortIo;
  /** Set by STI (IF 0->1), MOV SS and POP SS: the next instruction runs before interrupts are checked. */
  shadow = 0;
  /** Index of the faulting instruction in the running block (set by the block's catch). */
  fi = 0;
  /** Instructions retired since reset. */
  instructions = 0;
  /** True while an INS reads from the port (one element, or a run of them through readString); an IN reads with
   * it false. A port served by another partition tells by it where the data goes at the resume
   * (kernel/ioreq/ioreq-client.ts), since EDI in the register array need not be current during an IN (a block
   * may hold it in a local). */
  insElement = false;
  /** Cycles consumed before the current run slice, and the slice's budget (see cycleNow). */
  protected cycBase = 0;
  protected runBudget = 0;
  protected readonly cost: CostModel;
  /** The x87 FPU (kernel/cpu/x87/). */
  readonly x87 = new X87Fpu();
  /** Internal switch: false runs REP MOVS/STOS one iteration at a time (tests compare both paths). */
  bulkStrings = true;
  /** Model-specific registers (RDMSR/WRMSR, the TSC offset, SYSENTER targets). */
  readonly msrs: MsrFile;

  constructor(mem: PhysicalMemory, io: PortIo, opts: InterruptOptions, apic?: ApicBaseControl) {
    super(mem, opts);
    this.io = io;
    this.cost = opts.cost;
    this.msrs = new MsrFile(apic);
  }

  /** Leaves a compiled block at its position `n`: stores its local lazy record, sets EIP, gives `back` cycles of
   * the cost charged up front back to the budget, counts the `ran` instructions, and returns `n`. */
  ex(k: number, a: number, b: number, r: number, c: number, eip: number, n: number, back: number, ran: number): number {
    this.fixFlags(k, a, b, r, c);
    this.eip = eip;
    this.left += back;
    this.instructions += ran;
    return n;
  }

  /**
   * Cycles the TSC counts beyond those executed, set by the machine's owner: the cycles skipped while the vCPU
   * sat in HLT (`boot`), or all module time since the partition's boot that it did not run (an FV partition:
   * halts and other partitions' windows). A real TSC keeps counting in HLT, and a guest that keeps time by it
   * (Linux) would otherwise see its clock stop whenever it sleeps, and every sleep last until enough code ran.
   */
  unexecutedCycles: () => number = () => 0;

  /** The cycle count the TSC follows. */
  private tscCycles(): number {
    return this.cycleNow() + this.unexecutedCycles();
  }

  /** The cycle counter now (monotonic; includes the whole running block). */
  cycleNow(): number {
    return this.cycBase + (this.runBudget - this.left);
  }

  /** Raises exception `vector` (error code 0 when it has one and none is given). */
  raise(vector: number, code?: number): never {
    throw new CpuFault(vector, hasErrorCode(vector) ? (code ?? 0) : undefined);
  }

  privCheck(): void {
    if (this.cpl !== 0) throw new CpuFault(GP, 0);
  }

  private ioCheck(): void {
    if (this.cpl > ((this.fl & IOPL) >> 12)) throw new CpuFault(GP, 0);
  }

  /** IN/OUT/INS/OUTS: allowed at CPL <= IOPL, else only for ports the TSS's I/O bitmap clears. */
  private ioPortCheck(port: number, size: 1 | 2 | 4): void {
    if (this.cpl > ((this.fl & IOPL) >> 12)) checkIoBitmap(this, port, size);
  }

  ioIn(port: number, size: 1 | 2 | 4): number {
    this.ioPortCheck(port, size);
    return this.io.read(port as IoPort, size);
  }

  ioOut(port: number, size: 1 | 2 | 4, v: number): void {
    this.ioPortCheck(port, size);
    this.io.write(port as IoPort, size, size === 4 ? v >>> 0 : v & ((1 << (size * 8)) - 1));
  }

  hlt(next: number): void {
    this.privCheck();
    this.halted = true;
    this.brk = 1; // the run loop's chaining test reads brk only (Cpu.step)
    this.eip = next;
  }

  cli(): void {
    this.ioCheck();
    this.fl &= ~IF;
  }

  sti(): void {
    this.ioCheck();
    if ((this.fl & IF) === 0) {
      this.fl |= IF;
      this.openShadow();
    }
  }

  /** Opens a one-instruction interrupt shadow (STI setting IF, MOV SS, POP SS, LSS): the block ends here and the
   * next instruction runs alone. brk says so to the block and to the run loop's chaining test (Cpu.step), which
   * reads brk, not the shadow. */
  openShadow(): void {
    this.shadow = 1;
    this.brk = 1;
  }

  pushf(o32: boolean): void {
    const v = this.pushfValue();
    if (o32) this.push32(v);
    else this.push16(v);
  }

  /** The EFLAGS image PUSHF stores (RF and VM read as 0); a block on a flat 32-bit stack pushes it itself. */
  pushfValue(): number {
    return this.getEflags() & ~(RF | VM);
  }

  popf(o32: boolean): void {
    const v = o32 ? this.peek32(0) : this.peek16(0);
    this.addSp(o32 ? 4 : 2);
    this.popfValue(v, o32);
  }

  /** POPF of `v`, already popped (a block on a flat 32-bit stack pops it itself). */
  popfValue(v: number, o32: boolean): void {
    const old = this.fl;
    this.writeFlagsChecked(v, o32);
    // The block ends when the run loop has work: single-stepping starts, or interrupts were just unmasked
    // (recognised right after POPF, which has no shadow) and one is waiting.
    if ((this.fl & TF) !== 0) this.brk = 1;
    else if ((this.fl & ~old & IF) !== 0) this.interruptsUnmasked();
  }

  /** IF went from 0 to 1 with no shadow (POPF): the block must end if an interrupt is deliverable now. Without
   * an interrupt source to ask (here), it always ends; Cpu asks its source. */
  protected interruptsUnmasked(): void {
    this.brk = 1;
  }

  fwait(): void {
    if ((this.cr0 & (CR0_MP | CR0_TS)) === (CR0_MP | CR0_TS)) throw new CpuFault(NM, undefined);
  }

  /** RDMSR (ECX names the MSR; EDX:EAX gets it): #GP(0) outside CPL 0 or for an MSR that does not exist. */
  rdmsr(): void {
    this.privCheck();
    const v = this.msrs.read(this.r[1]!, this.tscCycles());
    if (v === undefined) throw new CpuFault(GP, 0);
    this.r[0] = v.lo;
    this.r[2] = v.hi;
  }

  /** WRMSR (EDX:EAX into the MSR named by ECX): #GP(0) outside CPL 0, for unknown MSRs and reserved bits. */
  wrmsr(): void {
    this.privCheck();
    if (!this.msrs.write(this.r[1]!, this.r[0]!, this.r[2]!, this.tscCycles())) throw new CpuFault(GP, 0);
    this.nxEnabled = this.msrs.nxEnabled;
    this.flushTlb(); // EFER.NXE may have changed the T_NX bits entries carry (a moved LAPIC window flushes by itself)
  }

  /** RDPMC: no performance counters exist, so every counter index is invalid (#GP(0)). */
  rdpmc(): void {
    throw new CpuFault(GP, 0);
  }

  /** SYSENTER (SDM vol. 2B): flat ring-0 CS/SS from IA32_SYSENTER_CS, ESP/EIP from their MSRs. */
  sysenter(): void {
    const cs = this.msrs.sysenterCs & 0xfffc;
    if (cs === 0) throw new CpuFault(GP, 0);
    this.setEflags(this.getEflags() & ~(VM | IF | RF));
    const code = ATTR_P | ATTR_S | ATTR_CODE | ATTR_WRITABLE | ATTR_ACCESSED | ATTR_DB | ATTR_G;
    const data = ATTR_P | ATTR_S | ATTR_WRITABLE | ATTR_ACCESSED | ATTR_DB | ATTR_G;
    this.setSegCache(CS, cs, 0, 0xffffffff, code);
    this.setSegCache(SS, (cs + 8) & 0xfffc, 0, 0xffffffff, data);
    this.r[4] = this.msrs.sysenterEsp;
    this.eip = this.msrs.sysenterEip >>> 0;
  }

  /** SYSEXIT (SDM vol. 2B): flat ring-3 CS = SYSENTER_CS+16, SS = +24, ESP = ECX, EIP = EDX; CPL 0 only. */
  sysexit(): void {
    const cs = this.msrs.sysenterCs & 0xfffc;
    if (cs === 0 || this.cpl !== 0) throw new CpuFault(GP, 0);
    const dpl3 = 3 << 13;
    const code = ATTR_P | ATTR_S | ATTR_CODE | ATTR_WRITABLE | ATTR_ACCESSED | ATTR_DB | ATTR_G | dpl3;
    const data = ATTR_P | ATTR_S | ATTR_WRITABLE | ATTR_ACCESSED | ATTR_DB | ATTR_G | dpl3;
    this.setSegCache(CS, ((cs + 16) & 0xfffc) | 3, 0, 0xffffffff, code);
    this.setSegCache(SS, ((cs + 24) & 0xfffc) | 3, 0, 0xffffffff, data);
    this.r[4] = this.r[1]!;
    this.eip = this.r[2]! >>> 0;
  }

  /** LAR/LSL/VERR/VERW on `sel`: sets ZF and returns the destination value, or undefined (ZF = 0, destination kept). */
  descQuery(q: DescriptorQuery, sel: number): number | undefined {
    sel &= 0xffff;
    let d: Descriptor | undefined;
    if ((sel & 0xfffc) !== 0) {
      const end = (sel & 0xfff8) + 7;
      const inTable = sel & 4 ? (this.ldtSel & 0xfffc) !== 0 && end <= this.ldtLimit : end <= this.gdtLimit;
      if (inTable) d = this.readDesc(sel);
    }
    const v = queryDescriptor(q, sel, d, this.cpl);
    this.setStatus(ZF, v === undefined ? 0 : ZF);
    return v;
  }

  cpuid(): void {
    const r = this.r;
    const v = cpuidLeaf(r[0]!, this.msrs.apicEnabled);
    r[0] = v.eax;
    r[3] = v.ebx;
    r[1] = v.ecx;
    r[2] = v.edx;
  }

  /** RDTSC: the TSC MSR (executed and unexecuted cycles plus the offset a WRMSR to it set). */
  rdtsc(): void {
    if ((this.cr4 & CR4_TSD) !== 0 && this.cpl !== 0) throw new CpuFault(GP, 0);
    const t = this.msrs.tsc(this.tscCycles());
    this.r[0] = Number(t & 0xffffffffn);
    this.r[2] = Number(t >> 32n);
  }

  // ---- control, debug and table registers ----

  movFromCr(n: number): number {
    this.privCheck();
    switch (n) {
      case 0: return this.cr0;
      case 2: return this.cr2;
      case 3: return this.cr3;
      case 4: return this.cr4;
      default: throw new CpuFault(UD, undefined);
    }
  }

  movToCr(n: number, v: number): void {
    this.privCheck();
    switch (n) {
      case 0: {
        if ((v & CR0_PG) !== 0 && (v & CR0_PE) === 0) throw new CpuFault(GP, 0);
        if ((v & 0x60000000) === 0x20000000) throw new CpuFault(GP, 0); // NW without CD
        const nv = v | CR0_ET;
        const changed = (nv ^ this.cr0) & (CR0_PG | CR0_WP | CR0_PE);
        this.cr0 = nv;
        if (changed) this.flushTlb();
        return;
      }
      case 2: this.cr2 = v; return;
      case 3: this.cr3 = v; this.flushTlb(); return;
      case 4: {
        if ((v & ~CR4_SUPPORTED) !== 0) throw new CpuFault(GP, 0);
        const changed = (v ^ this.cr4) & (CR4_PSE | CR4_PAE);
        this.cr4 = v;
        if (changed) this.flushTlb();
        return;
      }
      default: throw new CpuFault(UD, undefined);
    }
  }

  /** Debug registers are not implemented: reads give 0, writes are ignored (CPL 0 only). */
  movFromDr(_n: number): number {
    this.privCheck();
    return 0;
  }
  movToDr(_n: number, _v: number): void {
    this.privCheck();
  }

  clts(): void {
    this.privCheck();
    this.cr0 &= ~CR0_TS;
  }

  smsw(): number {
    return this.cr0;
  }

  lmsw(v: number): void {
    this.privCheck();
    this.cr0 = (this.cr0 & ~0xe) | (v & 0xf) | (this.cr0 & CR0_PE);
  }

  invlpg(lin: number): void {
    this.privCheck();
    this.invalidatePage(lin);
  }

  /** SGDT (0) / SIDT (1). */
  sdt(which: number, lin: number): void {
    this.wr16(lin, which === 0 ? this.gdtLimit : this.idtLimit);
    this.wr32((lin + 2) | 0, which === 0 ? this.gdtBase : this.idtBase);
  }

  /** LGDT (2) / LIDT (3). */
  ldt_(which: number, lin: number, o32: boolean): void {
    this.privCheck();
    const limit = this.rd16(lin);
    let base = this.rd32((lin + 2) | 0);
    if (!o32) base &= 0xffffff;
    if (which === 2) {
      this.gdtBase = base;
      this.gdtLimit = limit;
    } else {
      this.idtBase = base;
      this.idtLimit = limit;
    }
  }

  lldt(sel: number): void {
    this.privCheck();
    sel &= 0xffff;
    if ((sel & 0xfffc) === 0) {
      this.ldtSel = 0;
      this.ldtBase = 0;
      this.ldtLimit = 0;
      return;
    }
    if (sel & 4) throw new CpuFault(GP, sel & 0xfffc);
    const d = this.readDesc(sel);
    if ((d.hi & 0x1f00) !== 0x0200) throw new CpuFault(GP, sel & 0xfffc);
    if ((d.hi & ATTR_P) === 0) throw new CpuFault(NP, sel & 0xfffc);
    this.ldtSel = sel;
    this.ldtBase = ((d.lo >>> 16) | ((d.hi & 0xff) << 16) | (d.hi & 0xff000000)) | 0;
    const raw = (d.lo & 0xffff) | (d.hi & 0xf0000);
    this.ldtLimit = d.hi & 0x800000 ? ((raw << 12) | 0xfff) >>> 0 : raw;
  }

  /** LTR: loads an available 32-bit TSS and marks it busy. */
  ltr(sel: number): void {
    this.privCheck();
    sel &= 0xffff;
    if ((sel & 0xfffc) === 0) throw new CpuFault(GP, 0);
    if (sel & 4) throw new CpuFault(GP, sel & 0xfffc);
    const d = this.readDesc(sel);
    if ((d.hi & 0x1f00) !== 0x0900) throw new CpuFault(GP, sel & 0xfffc);
    if ((d.hi & ATTR_P) === 0) throw new CpuFault(NP, sel & 0xfffc);
    d.hi |= 0x200;
    this.sysWr32((d.addr + 4) | 0, d.hi);
    this.trSel = sel;
    this.trBase = ((d.lo >>> 16) | ((d.hi & 0xff) << 16) | (d.hi & 0xff000000)) | 0;
    const raw = (d.lo & 0xffff) | (d.hi & 0xf0000);
    this.trLimit = d.hi & 0x800000 ? ((raw << 12) | 0xfff) >>> 0 : raw;
    this.trAttr = d.hi & 0x00f0ff00;
  }

  // ---- stack frames and far pointers ----

  pusha(o32: boolean): void {
    const r = this.r;
    if (o32) {
      this.pushFrame([r[0]!, r[1]!, r[2]!, r[3]!, r[4]!, r[5]!, r[6]!, r[7]!]);
      return;
    }
    const sp0 = r[4]!;
    try {
      for (let i = 0; i < 8; i++) this.push16(i === 4 ? sp0 : r[i]!);
    } catch (e) {
      r[4] = sp0;
      throw e;
    }
  }

  popa(o32: boolean): void {
    const w = o32 ? 4 : 2;
    const vals: number[] = [];
    for (let i = 0; i < 8; i++) vals.push(o32 ? this.peek32(i * w) : this.peek16(i * w));
    const r = this.r;
    for (let i = 0; i < 8; i++) {
      if (i === 3) continue; // skips the saved ESP (slot 3 from the top = ESP)
      const reg = 7 - i;
      if (o32) r[reg] = vals[i]!;
      else r[reg] = (r[reg]! & -65536) | vals[i]!;
    }
    this.addSp(8 * w);
  }

  enter(size: number, level: number, o32: boolean): void {
    const r = this.r;
    const sp0 = r[4]!;
    const bp0 = r[5]!;
    level &= 31;
    try {
      if (o32) this.push32(bp0);
      else this.push16(bp0);
      const frame = r[4]!;
      const w = o32 ? 4 : 2;
      let bp = bp0;
      for (let i = 1; i < level; i++) {
        bp = (bp - w) | 0;
        const lin = this.segChk(SS, this.stack32() ? bp : bp & 0xffff, w, 0);
        if (o32) this.push32(this.rd32(lin));
        else this.push16(this.rd16(lin));
      }
      if (level > 0) {
        if (o32) this.push32(frame);
        else this.push16(frame);
      }
      // the new stack top must be writable (SDM: ENTER checks the final ESP)
      const top = this.stack32() ? (r[4]! - size) | 0 : (r[4]! - size) & 0xffff;
      if (size > 0) this.segChk(SS, top, 1, 1);
      if (o32) r[5] = frame;
      else r[5] = (r[5]! & -65536) | (frame & 0xffff);
      this.addSp(-size);
    } catch (e) {
      r[4] = sp0;
      r[5] = bp0;
      throw e;
    }
  }

  leave(o32: boolean): void {
    const r = this.r;
    const sp0 = r[4]!;
    if (this.stack32()) r[4] = r[5]!;
    else r[4] = (r[4]! & -65536) | (r[5]! & 0xffff);
    try {
      const v = o32 ? this.pop32() : this.pop16();
      if (o32) r[5] = v;
      else r[5] = (r[5]! & -65536) | v;
    } catch (e) {
      r[4] = sp0;
      throw e;
    }
  }

  /** LDS/LES/LSS/LFS/LGS: offset into register `reg`, selector into `seg`. */
  loadFar(seg: number, reg: number, lin: number, o32: boolean): void {
    const off = o32 ? this.rd32(lin) : this.rd16(lin);
    const sel = this.rd16((lin + (o32 ? 4 : 2)) | 0);
    this.loadSeg(seg, sel);
    if (o32) this.r[reg] = off;
    else this.r[reg] = (this.r[reg]! & -65536) | off;
    if (seg === SS) this.openShadow();
  }

  /** BOUND: #BR when the signed index lies outside [lower, upper]. */
  bound(v: number, lin: number, size: number, _eip: number): void {
    const lo = size === 32 ? this.rd32(lin) : (this.rd16(lin) << 16) >> 16;
    const hi = size === 32 ? this.rd32((lin + 4) | 0) : (this.rd16((lin + 2) | 0) << 16) >> 16;
    const x = size === 32 ? v | 0 : (v << 16) >> 16;
    if (x < lo || x > hi) throw new CpuFault(BR, undefined);
  }

  // ---- string instructions ----

  private strLin(seg: number, off: number, bytes: number, write: number): number {
    return (this.segMode & (1 << seg)) !== 0 && !(write && seg === 1) ? off : this.segChk(seg, off, bytes, write);
  }

  private rdN(bytes: number, l: number): number {
    return bytes === 4 ? this.rd32(l) : bytes === 2 ? this.rd16(l) : this.rd8(l);
  }

  private wrN(bytes: number, l: number, v: number): void {
    if (bytes === 4) this.wr32(l, v);
    else if (bytes === 2) this.wr16(l, v);
    else this.wr8(l, v);
  }

  /** One iteration of string op `kind` (0 MOVS, 1 CMPS, 2 STOS, 3 LODS, 4 SCAS, 5 INS, 6 OUTS). */
  private strOnce(kind: number, size: 8 | 16 | 32, a32: number, seg: number, d: number): void {
    const r = this.r;
    const bytes = size >> 3;
    const si = a32 ? r[6]! : r[6]! & 0xffff;
    const di = a32 ? r[7]! : r[7]! & 0xffff;
    const mask = size === 32 ? -1 : (1 << size) - 1;
    let advSi = false;
    let advDi = false;
    switch (kind) {
      case 0: {
        const v = this.rdN(bytes, this.strLin(seg, si, bytes, 0));
        this.wrN(bytes, this.strLin(ES, di, bytes, 1), v);
        advSi = advDi = true;
        break;
      }
      case 1: {
        const a = this.rdN(bytes, this.strLin(seg, si, bytes, 0));
        const b = this.rdN(bytes, this.strLin(ES, di, bytes, 0));
        this.setLazy(Lazy.Sub, size, a, b, (a - b) | 0, 0);
        advSi = advDi = true;
        break;
      }
      case 2:
        this.wrN(bytes, this.strLin(ES, di, bytes, 1), r[0]! & mask);
        advDi = true;
        break;
      case 3: {
        const v = this.rdN(bytes, this.strLin(seg, si, bytes, 0));
        r[0] = size === 32 ? v : (r[0]! & ~mask) | v;
        advSi = true;
        break;
      }
      case 4: {
        const a = r[0]! & mask;
        const b = this.rdN(bytes, this.strLin(ES, di, bytes, 0));
        this.setLazy(Lazy.Sub, size, a, b, (a - b) | 0, 0);
        advDi = true;
        break;
      }
      case 5: {
        const l = this.strLin(ES, di, bytes, 1);
        const p = this.translate(l, true, this.cpl === 3); // fault before the port is read
        if (this.mem.hasWriteProtection && this.mem.writeProtected(p)) throw new WriteProtectFault(l, p, this.cpl === 3); // so is a refused store: the data stays in the device
        let v: number;
        this.insElement = true;
        try {
          v = this.io.read((r[2]! & 0xffff) as IoPort, bytes as 1 | 2 | 4);
        } finally {
          this.insElement = false;
        }
        this.wrN(bytes, l, v);
        advDi = true;
        break;
      }
      default: {
        const v = this.rdN(bytes, this.strLin(seg, si, bytes, 0));
        this.io.write((r[2]! & 0xffff) as IoPort, bytes as 1 | 2 | 4, size === 32 ? v >>> 0 : v & mask);
        advSi = true;
        break;
      }
    }
    if (advSi) r[6] = a32 ? (r[6]! + d) | 0 : (r[6]! & -65536) | ((r[6]! + d) & 0xffff);
    if (advDi) r[7] = a32 ? (r[7]! + d) | 0 : (r[7]! & -65536) | ((r[7]! + d) & 0xffff);
  }

  /** Runs up to `max` iterations of REP MOVS (kind 0) or REP STOS (kind 2) with 32-bit addressing in bulk when
   * the segments are flat and the source and destination ranges are RAM pages already in the TLB with the
   * needed rights (so accessed/dirty bits are set and code pages, which never get write entries, keep the
   * one-by-one path that tracks code writes); a source may lie in the flat read window instead. Returns how many
   * ran; 0 means take the one-by-one path. */
  private strBulk(kind: number, bytes: number, seg: number, down: boolean, max: number, mask: number): number {
    const r = this.r;
    if ((this.segMode & (1 << ES)) === 0 || (kind === 0 && (this.segMode & (1 << seg)) === 0)) return 0;
    const di = r[7]!;
    const eD = this.tlbW[di >>> 12]!;
    if ((eD & this.acc) === 0) return 0;
    let k = Math.min(max, elementsInPage(di & 4095, bytes, down));
    const si = r[6]!;
    let ps = 0;
    if (kind === 0) {
      if (this.inReadWindow(si)) ps = si; // whole RAM pages, linear = physical
      else {
        const eS = this.tlbR[si >>> 12]!;
        if ((eS & this.acc) === 0) return 0;
        ps = (eS & -4096) | (si & 4095);
      }
      k = Math.min(k, elementsInPage(si & 4095, bytes, down));
    }
    if (k < 2) return 0;
    const pd = (eD & -4096) | (di & 4095);
    if (kind === 0) bulkMove(this.m8, pd, ps, bytes, down, k);
    else bulkStore(this.m8, this.m32, pd, bytes, down, k, r[0]! & mask);
    const adv = down ? -k * bytes : k * bytes;
    r[7] = (di + adv) | 0;
    if (kind === 0) r[6] = (si + adv) | 0;
    return k;
  }

  /**
   * Up to `max` iterations of REP INS (kind 5) or REP OUTS (kind 6) in one port call, when the port batches
   * (PortIo.stringLimit) and the memory side is a flat segment inside one page (so a #PF on the next page
   * comes at exactly its element, after this batch). Returns how many ran; 0: take the one-by-one path.
   */
  private strIoBatch(kind: number, bytes: 1 | 2 | 4, seg: number, down: boolean, max: number): number {
    const io = this.io;
    if (io.stringLimit === undefined) return 0;
    const r = this.r;
    const port = (r[2]! & 0xffff) as IoPort;
    const limit = io.stringLimit(port, bytes);
    const memSeg = kind === 5 ? ES : seg;
    if (limit < 2 || (this.segMode & (1 << memSeg)) === 0) return 0;
    const lin = kind === 5 ? r[7]! >>> 0 : r[6]! >>> 0;
    const k = Math.min(max, limit, elementsInPage(lin & 4095, bytes, down));
    if (k < 2) return 0;
    // A page that would fault goes the one-by-one way, which charges and raises the fault at its element.
    const phys = this.probe(lin, kind === 5, this.cpl === 3);
    if (phys < 0) return 0;
    // INS into write-protected memory goes one by one too: refused before its first port read.
    if (kind === 5 && this.mem.firstWriteProtected(phys - (phys % 4096), 4096) >= 0) return 0;
    const step = down ? -bytes : bytes;
    if (kind === 5) {
      let got: Uint8Array | undefined;
      this.insElement = true;
      try {
        got = io.readString?.(port, bytes, k, lin, step);
      } finally {
        this.insElement = false;
      }
      if (got !== undefined) for (let i = 0; i < k; i++) this.wrN(bytes, lin + i * step, got[i * bytes]! | (got[i * bytes + 1]! << 8) | (bytes === 4 ? (got[i * 4 + 2]! << 16) | (got[i * 4 + 3]! << 24) : 0));
      r[7] = (r[7]! + k * step) | 0;
    } else {
      const out = new Uint8Array(k * bytes);
      for (let i = 0; i < k; i++) {
        const v = this.rdN(bytes, lin + i * step);
        for (let b = 0; b < bytes; b++) out[i * bytes + b] = (v >>> (8 * b)) & 0xff;
      }
      io.writeString?.(port, bytes, out);
      r[6] = (r[6]! + k * step) | 0;
    }
    return k;
  }

  /** A string instruction, with REP/REPE (rep 1) or REPNE (rep 2): one iteration per cost unit, stops at the budget with EIP on the instruction. */
  str(kind: number, size: 8 | 16 | 32, a32: number, seg: number, rep: number, eip: number, next: number): void {
    if (kind >= 5) this.ioPortCheck(this.r[2]! & 0xffff, (size >> 3) as 1 | 2 | 4);
    const d = (this.fl & DF) !== 0 ? -(size >> 3) : size >> 3;
    if (rep === 0) {
      this.strOnce(kind, size, a32, seg, d);
      return;
    }
    const r = this.r;
    const cmp = kind === 1 || kind === 4;
    let n = a32 ? r[1]! >>> 0 : r[1]! & 0xffff;
    let first = true;
    const iterCost = kind >= 5 ? this.cost.io : this.cost.stringIteration;
    const bulk = this.bulkStrings && a32 !== 0 && (kind === 0 || kind === 2);
    while (n !== 0) {
      if (!first && (this.left < iterCost || this.brk !== 0)) {
        this.eip = eip;
        return;
      }
      if (bulk) {
        // The first iteration is paid by the block; each further one costs iterCost.
        const affordable = iterCost === 0 ? n : Math.min(n, Math.floor(this.left / iterCost) + (first ? 1 : 0));
        const k = this.strBulk(kind, size >> 3, seg, d < 0, affordable, size === 32 ? -1 : (1 << size) - 1);
        if (k !== 0) {
          const paid = first ? k - 1 : k;
          this.left -= paid * iterCost;
          this.instructions += paid;
          first = false;
          n -= k;
          r[1] = n;
          continue;
        }
      }
      if (kind >= 5 && a32 !== 0) {
        const affordable = iterCost === 0 ? n : Math.min(n, Math.floor(this.left / iterCost) + (first ? 1 : 0));
        const k = this.strIoBatch(kind, (size >> 3) as 1 | 2 | 4, seg, d < 0, affordable);
        if (k !== 0) {
          const paid = first ? k - 1 : k;
          this.left -= paid * iterCost;
          this.instructions += paid;
          first = false;
          n -= k;
          r[1] = n;
          continue;
        }
      }
      if (!first) {
        this.left -= iterCost;
        this.instructions++;
      }
      first = false;
      this.strOnce(kind, size, a32, seg, d);
      n--;
      r[1] = a32 ? n : (r[1]! & -65536) | n;
      if (cmp) {
        const zf = (this.getEflags() & ZF) !== 0;
        if (rep === 1 ? !zf : zf) break;
      }
    }
    this.eip = next;
  }
}
