// Control transfers that go through descriptors: interrupt/exception delivery through the IDT
// (interrupt and trap gates, TSS stack switch on a privilege change), IRET, far JMP/CALL/RET,
// POPF privilege rules, and the double/triple-fault escalation. Task gates and TSS targets hand over
// to task-switch.ts; call gates are not implemented: they raise #GP with the selector (documented limitation).
import type { CostModel } from "./cost-model";
import { ATTR_CODE, ATTR_DB, ATTR_EXPDOWN, ATTR_P, ATTR_S, ATTR_WRITABLE, CS, SS } from "./cpu-state";
import type { CpuExit } from "./exit";
import { AC, EFLAGS_WRITABLE, ID, IF, IOPL, NT, RF, TF, VM } from "./flags";
import { CpuFault, DF, GP, NP, SSF, TS, WRITE_PROTECT_STOP, WriteProtectFault, faultClass, hasErrorCode } from "./faults";
import { CpuSeg, descAttr, descBase, descDpl, descLimit, type Descriptor } from "./segments";
import { checkNewTss, switchTask, taskGateTss, type TaskSwitchSource } from "./task-switch";
import type { PhysicalMemory } from "../mem/physical-memory";

/** One immutable hypercall exit per vector, shared by every CPU (exits are read, never kept or changed). */
const HYPERCALL_EXITS: readonly CpuExit[] = Array.from({ length: 256 }, (_, vector): CpuExit => Object.freeze({ kind: "hypercall", vector }));

/** Options of the interrupt side (a subset of CpuOptions). */
export interface InterruptOptions {
  hypercallVectors: ReadonlySet<number>;
  exceptionsExit: boolean;
  cost: CostModel;
}

/** Event delivery and descriptor-based control transfers. */
export class CpuInt extends CpuSeg {
  /** Set by an instruction that ends the run slice (hypercall, fault exit, triple fault, stop), through requestExit
   * only; the run loop returns it after the current instruction. */
  exitReq: CpuExit | null = null;
  /** Cycles left in the current run slice (may go negative by an extra event cost; carried over). */
  left = 0;
  halted = false;
  /** A task switch committed and then faulted: EIP is the new task's, not the switching instruction's. */
  faultInNewTask = false;
  /** The refused store that ended the last run with WRITE_PROTECT_STOP (EIP on the storing instruction), until
   * the owner takes it; null otherwise. */
  writeViolation: { readonly linear: number; readonly phys: number; readonly user: boolean; readonly eip: number } | null = null;
  protected readonly intOpts: InterruptOptions;
  /** intOpts.hypercallVectors as a table by vector (1: exits): INT n at CPL 3 reads a byte, not a Set. */
  private readonly hypercallVector: Uint8Array;

  constructor(mem: PhysicalMemory, opts: InterruptOptions) {
    super(mem);
    this.intOpts = opts;
    this.hypercallVector = new Uint8Array(256);
    for (const v of opts.hypercallVectors) if (Number.isInteger(v) && v >= 0 && v < 256) this.hypercallVector[v] = 1;
  }

  /** Asks the run loop to return `e` after the current instruction. brk says so to the block and to the run loop's
   * chaining test (Cpu.step), which reads brk, not exitReq. */
  requestExit(e: CpuExit): void {
    this.exitReq = e;
    this.brk = 1;
  }

  /** Ends the run on a store the second-level protection refused (EIP already on the storing instruction). */
  denyWrite(f: WriteProtectFault): void {
    this.writeViolation = { linear: f.linear >>> 0, phys: f.phys >>> 0, user: f.user, eip: this.eip >>> 0 };
    this.requestExit({ kind: "stop", reason: WRITE_PROTECT_STOP });
  }

  /** Delivers an exception raised at the instruction at this.eip, escalating to #DF and triple fault as the SDM says (vol. 3 table 6-5). */
  raiseException(vector: number, code: number | undefined): void {
    this.faultInNewTask = false;
    if (this.intOpts.exceptionsExit) {
      this.requestExit({ kind: "fault", vector, errorCode: code, eip: this.eip, cr2: vector === 14 ? this.cr2 >>> 0 : undefined });
      return;
    }
    let v = vector;
    let c = code;
    for (;;) {
      try {
        this.deliver(v, hasErrorCode(v) ? (c ?? 0) : undefined, false, this.eip, true);
        return;
      } catch (e) {
        if (e instanceof WriteProtectFault) return this.denyWrite(e); // the handler's frame would land in protected memory
        if (!(e instanceof CpuFault)) throw e;
        if (v === DF) {
          this.requestExit({ kind: "tripleFault" });
          return;
        }
        const a = faultClass(v);
        const b = faultClass(e.vector);
        if ((a === 1 && b === 1) || (a === 2 && b !== 0)) {
          v = DF;
          c = 0;
        } else {
          v = e.vector;
          c = e.code;
        }
      }
    }
  }

  /** INT n / INT3 / INTO (software interrupts: gate DPL checked). Hypercall vectors at CPL 3 exit to the kernel. */
  softInt(vector: number, retEip: number, thisEip: number): void {
    if (this.cpl === 3 && this.hypercallVector[vector & 0xff] === 1) {
      this.eip = retEip >>> 0;
      this.left -= this.intOpts.cost.hypercallEntry;
      this.requestExit(HYPERCALL_EXITS[vector & 0xff]!); // preallocated: a trap allocates no exit record
      return;
    }
    if (this.intOpts.exceptionsExit) {
      this.eip = thisEip >>> 0;
      this.requestExit({ kind: "fault", vector, errorCode: undefined, eip: thisEip >>> 0, cr2: undefined });
      return;
    }
    this.deliver(vector, undefined, true, retEip, false);
  }

  /** External interrupt (INTR acknowledged): delivered through the IDT with EIP of the next instruction. */
  externalInterrupt(vector: number): void {
    this.halted = false;
    try {
      this.deliver(vector & 0xff, undefined, false, this.eip, true);
    } catch (e) {
      if (e instanceof WriteProtectFault) return this.denyWrite(e);
      if (!(e instanceof CpuFault)) throw e;
      this.raiseException(e.vector, e.code);
    }
  }

  /** Protected-mode delivery through interrupt or trap gate `vector` (SDM vol. 3 6.12). */
  deliver(vector: number, code: number | undefined, soft: boolean, retEip: number, external: boolean): void {
    const ext = external ? 1 : 0;
    const gateErr = vector * 8 + 2 + ext;
    if (vector * 8 + 7 > this.idtLimit) throw new CpuFault(GP, gateErr);
    const ga = (this.idtBase + vector * 8) | 0;
    const glo = this.sysRd32(ga);
    const ghi = this.sysRd32((ga + 4) | 0);
    const type = (ghi >> 8) & 0x1f;
    if (type !== 0x0e && type !== 0x0f && type !== 0x05) throw new CpuFault(GP, gateErr); // 16-bit gates: unsupported
    if (soft && ((ghi >> 13) & 3) < this.cpl) throw new CpuFault(GP, vector * 8 + 2);
    if ((ghi & ATTR_P) === 0) throw new CpuFault(NP, gateErr);
    if (type === 0x05) {
      // Task gate (SDM vol. 3 6.12.2): the handler is a whole task; the error code goes on its stack.
      const t = taskGateTss(this, glo, ext);
      this.left -= this.intOpts.cost.interruptDelivery;
      switchTask(this, t.sel, t.d, "int", retEip, code, ext);
      this.halted = false;
      return;
    }
    const sel = glo >>> 16;
    const off = (ghi & 0xffff0000) | (glo & 0xffff);
    if ((sel & 0xfffc) === 0) throw new CpuFault(GP, ext);
    const d = this.readDesc(sel, GP, ext);
    const attr = descAttr(d);
    const dpl = descDpl(d);
    if ((attr & (ATTR_S | ATTR_CODE)) !== (ATTR_S | ATTR_CODE) || dpl > this.cpl) throw new CpuFault(GP, (sel & 0xfffc) | ext);
    if ((attr & ATTR_P) === 0) throw new CpuFault(NP, (sel & 0xfffc) | ext);
    const flags = this.getEflags();
    const oldCs = this.segSel[CS]!;
    const frame = [flags, oldCs, retEip | 0];
    if (code !== undefined) frame.push(code);
    this.left -= this.intOpts.cost.interruptDelivery;
    if ((attr & ATTR_EXPDOWN) === 0 && dpl < this.cpl) {
      // Inter-privilege: new stack from the TSS, old SS:ESP pushed first.
      const tssOff = 4 + dpl * 8;
      if (this.trLimit < tssOff + 5) throw new CpuFault(TS, (this.trSel & 0xfffc) | ext);
      const newEsp = this.sysRd32((this.trBase + tssOff) | 0);
      const newSs = this.sysRd16((this.trBase + tssOff + 4) | 0);
      if ((newSs & 0xfffc) === 0) throw new CpuFault(TS, ext);
      if ((newSs & 3) !== dpl) throw new CpuFault(TS, (newSs & 0xfffc) | ext);
      const sd = this.readDesc(newSs, TS, ext);
      const sattr = descAttr(sd);
      if (descDpl(sd) !== dpl || (sattr & (ATTR_S | ATTR_CODE | ATTR_WRITABLE)) !== (ATTR_S | ATTR_WRITABLE)) throw new CpuFault(TS, (newSs & 0xfffc) | ext);
      if ((sattr & ATTR_P) === 0) throw new CpuFault(SSF, (newSs & 0xfffc) | ext);
      frame.unshift(this.segSel[SS]!, this.r[4]!);
      const sbase = descBase(sd);
      const slim = descLimit(sd);
      const s32 = (sattr & ATTR_DB) !== 0;
      let sp = s32 ? newEsp : newEsp & 0xffff;
      for (const w of frame) {
        sp = s32 ? (sp - 4) | 0 : (sp - 4) & 0xffff;
        if ((sp >>> 0) + 3 > slim) throw new CpuFault(SSF, (newSs & 0xfffc) | ext);
        this.sysWr32((sbase + sp) | 0, w);
      }
      this.setSegCache(SS, newSs, sbase, slim, sattr);
      this.r[4] = s32 ? sp : (this.r[4]! & -65536) | sp;
      this.loadCs(sel, d, dpl, off);
      this.left -= this.intOpts.cost.privilegeChange;
    } else {
      if ((attr & ATTR_EXPDOWN) === 0 && dpl !== this.cpl) throw new CpuFault(GP, (sel & 0xfffc) | ext);
      this.pushFrame(frame);
      this.loadCs(sel, d, this.cpl, off);
    }
    let nf = flags & ~(TF | NT | RF | VM);
    if (type === 0x0e) nf &= ~IF;
    this.setEflags(nf);
    this.halted = false;
  }

  /** Pushes 32-bit words on the current stack, all or nothing. */
  protected pushFrame(words: readonly number[]): void {
    const s32 = this.stack32();
    let sp = this.r[4]!;
    for (const w of words) {
      sp = s32 ? (sp - 4) | 0 : (sp - 4) & 0xffff;
      this.wr32(this.segChk(SS, sp, 4, 1), w);
    }
    this.r[4] = s32 ? sp : (this.r[4]! & -65536) | sp;
  }

  /** Writes EFLAGS as POPF/IRET do: IOPL only at CPL 0, IF only when CPL <= IOPL (SDM vol. 2 POPF). */
  writeFlagsChecked(v: number, o32: boolean): void {
    // Every status flag is in the mask below, so the lazy record need not be materialised: `fl` holds
    // the exact value of every bit that survives (IOPL, IF, VM, RF...), whatever its status bits say.
    const cur = this.fl >>> 0;
    let mask = EFLAGS_WRITABLE & ~(RF | VM);
    if (this.cpl !== 0) mask &= ~IOPL;
    if (this.cpl > ((cur & IOPL) >> 12)) mask &= ~IF;
    if (!o32) mask &= 0xffff;
    else mask |= AC | ID;
    this.setEflags((cur & ~mask) | (v & mask));
  }

  /** IRET (32-bit or, with 0x66, 16-bit frame): same privilege or return to an outer level. */
  iret(o32: boolean, next: number): void {
    if (this.fl & NT) {
      // Task return (SDM vol. 3 7.3): back to the task named by the back link of the current TSS.
      const link = this.sysRd16(this.trBase) & 0xffff;
      const d = checkNewTss(this, link, "iret", 0);
      switchTask(this, link, d, "iret", next, undefined, 0);
      return;
    }
    const w = o32 ? 4 : 2;
    const rd = (o: number): number => (o32 ? this.peek32(o) : this.peek16(o));
    const newEip = rd(0);
    const newCs = rd(w) & 0xffff;
    const newFl = rd(2 * w);
    const rpl = newCs & 3;
    if (rpl < this.cpl) throw new CpuFault(GP, newCs & 0xfffc);
    const d = this.codeTarget(newCs, true);
    const oldCpl = this.cpl;
    if (rpl > this.cpl) {
      const newEsp = rd(3 * w);
      const newSs = rd(4 * w) & 0xffff;
      const sd = this.checkOuterSs(newSs, rpl);
      this.writeFlagsAs(newFl, o32, oldCpl);
      this.loadCs(newCs, d, rpl, o32 ? newEip : newEip & 0xffff);
      this.setSegCache(SS, newSs, descBase(sd), descLimit(sd), descAttr(sd));
      this.r[4] = newEsp;
      this.nullInaccessibleSegs();
      this.left -= this.intOpts.cost.privilegeChange;
    } else {
      this.loadCs(newCs, d, this.cpl, o32 ? newEip : newEip & 0xffff);
      this.addSp(3 * w);
      this.writeFlagsAs(newFl, o32, oldCpl);
    }
  }

  private writeFlagsAs(v: number, o32: boolean, cpl: number): void {
    const save = this.cpl;
    this.cpl = cpl;
    this.writeFlagsChecked(v, o32);
    this.cpl = save;
  }

  private checkOuterSs(sel: number, rpl: number): ReturnType<CpuSeg["readDesc"]> {
    if ((sel & 0xfffc) === 0) throw new CpuFault(GP, 0);
    if ((sel & 3) !== rpl) throw new CpuFault(GP, sel & 0xfffc);
    const sd = this.readDesc(sel);
    const a = descAttr(sd);
    if (descDpl(sd) !== rpl || (a & (ATTR_S | ATTR_CODE | ATTR_WRITABLE)) !== (ATTR_S | ATTR_WRITABLE)) throw new CpuFault(GP, sel & 0xfffc);
    if ((a & ATTR_P) === 0) throw new CpuFault(SSF, sel & 0xfffc);
    return sd;
  }

  /**
   * A JMP/CALL target that is a task: an available 32-bit TSS or a task gate whose DPL allows CPL and RPL
   * (SDM vol. 2A JMP/CALL, "task gate or TSS"); null for anything else (codeTarget decides).
   */
  private taskTarget(sel: number, source: TaskSwitchSource): { sel: number; d: Descriptor } | null {
    if ((sel & 0xfffc) === 0) return null;
    const d = this.readDesc(sel);
    if (d.hi & ATTR_S) return null;
    const type = (d.hi >> 8) & 0x1f;
    if (type !== 0x09 && type !== 0x0b && type !== 0x05) return null;
    const dpl = descDpl(d);
    if (dpl < this.cpl || dpl < (sel & 3)) throw new CpuFault(GP, sel & 0xfffc);
    if (type !== 0x05) return { sel, d: checkNewTss(this, sel, source, 0) };
    if ((d.hi & ATTR_P) === 0) throw new CpuFault(NP, sel & 0xfffc);
    return taskGateTss(this, d.lo, 0);
  }

  /** JMP ptr16:32 / JMP m16:32 to a code segment, a TSS or a task gate (no call gates). */
  farJmp(sel: number, off: number, next: number): void {
    const task = this.taskTarget(sel & 0xffff, "jmp");
    if (task !== null) {
      this.left -= this.intOpts.cost.interruptDelivery;
      switchTask(this, task.sel, task.d, "jmp", next, undefined, 0);
      return;
    }
    const d = this.codeTarget(sel & 0xffff, false);
    this.loadCs(sel, d, this.cpl, off);
  }

  /** CALL ptr16:32 / CALL m16:32 to a code segment (pushes CS and the return EIP), a TSS or a task gate. */
  farCall(sel: number, off: number, retEip: number, o32: boolean): void {
    const task = this.taskTarget(sel & 0xffff, "call");
    if (task !== null) {
      this.left -= this.intOpts.cost.interruptDelivery;
      switchTask(this, task.sel, task.d, "call", retEip, undefined, 0);
      return;
    }
    const d = this.codeTarget(sel & 0xffff, false);
    if (o32) this.pushFrame([this.segSel[CS]!, retEip]);
    else {
      // 16-bit frame: two words
      const sp0 = this.r[4]!;
      try {
        this.push16(this.segSel[CS]!);
        this.push16(retEip);
      } catch (e) {
        this.r[4] = sp0;
        throw e;
      }
    }
    this.loadCs(sel, d, this.cpl, o32 ? off : off & 0xffff);
  }

  /** RETF [imm16]: same level, or to an outer level (pops SS:ESP too). */
  farRet(imm: number, o32: boolean): void {
    const w = o32 ? 4 : 2;
    const rd = (o: number): number => (o32 ? this.peek32(o) : this.peek16(o));
    const newEip = rd(0);
    const newCs = rd(w) & 0xffff;
    const rpl = newCs & 3;
    if (rpl < this.cpl) throw new CpuFault(GP, newCs & 0xfffc);
    const d = this.codeTarget(newCs, true);
    if (rpl > this.cpl) {
      const newEsp = rd(2 * w + imm);
      const newSs = rd(3 * w + imm) & 0xffff;
      const sd = this.checkOuterSs(newSs, rpl);
      this.loadCs(newCs, d, rpl, newEip);
      this.setSegCache(SS, newSs, descBase(sd), descLimit(sd), descAttr(sd));
      this.r[4] = (newEsp + imm) | 0;
      this.nullInaccessibleSegs();
    } else {
      this.loadCs(newCs, d, this.cpl, newEip);
      this.addSp(2 * w + imm);
    }
  }
}

