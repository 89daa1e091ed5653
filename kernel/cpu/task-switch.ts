// Hardware task switches (Intel SDM vol. 3, 7.3 "Task Switching" and table 7-1): JMP/CALL to a TSS
// descriptor or a task gate, an interrupt or exception through an IDT task gate, and IRET with NT.
// Only 32-bit TSSs (types 9/B); a 16-bit TSS is refused with #GP/#TS like any other wrong type.
// The caller has done the gate and privilege checks of its own instruction; this file checks the new
// TSS, saves the old task, loads the new one and then its segments, whose faults belong to the new task.
import {
  ATTR_ACCESSED, ATTR_CODE, ATTR_EXPDOWN, ATTR_P, ATTR_S, ATTR_WRITABLE, CR0_PG, CR0_TS, CS, DS, ES, FS, GS, SS,
} from "./cpu-state";
import { NT } from "./flags";
import { CpuFault, GP, NP, SSF, TS } from "./faults";
import { descAttr, descBase, descDpl, descLimit, type CpuSeg, type Descriptor } from "./segments";

/** What started the switch: decides busy bits, NT and the back link (SDM table 7-2). */
export type TaskSwitchSource = "jmp" | "call" | "int" | "iret";

/** Smallest limit of a 32-bit TSS (104 bytes). */
export const TSS32_MIN_LIMIT = 0x67;
const TYPE_TSS32_AVAILABLE = 0x9, TYPE_TSS32_BUSY = 0xb, TYPE_LDT = 0x2, BUSY_BIT = 0x200;
/** 32-bit TSS field offsets. */
const T = { link: 0x00, cr3: 0x1c, eip: 0x20, eflags: 0x24, regs: 0x28, segs: 0x48, ldt: 0x60 } as const;
/** Segment registers in TSS order (ES, CS, SS, DS, FS, GS: the encoding order). */
const SEG_ORDER = [ES, CS, SS, DS, FS, GS] as const;

/** The CPU state a task switch reads and writes (a CpuInt). */
export type TaskCpu = CpuSeg & {
  /** Set while the new task's segments load: a fault then belongs to the new task, at its EIP. */
  faultInNewTask: boolean;
};

function descType(d: Descriptor): number {
  return (d.hi >> 8) & 0x1f;
}

function wr16(cpu: TaskCpu, l: number, v: number): void {
  cpu.sysWr8(l, v & 0xff);
  cpu.sysWr8((l + 1) | 0, (v >> 8) & 0xff);
}

/** Reads the TSS descriptor a task gate names (SDM: JMP/CALL/INT through a task gate). */
export function taskGateTss(cpu: TaskCpu, gateLo: number, ext: number): { sel: number; d: Descriptor } {
  const sel = (gateLo >>> 16) & 0xffff;
  return { sel, d: checkNewTss(cpu, sel, "int", ext) };
}

/** Checks that `sel` names a present 32-bit TSS in the GDT with the busy state `source` needs. */
export function checkNewTss(cpu: TaskCpu, sel: number, source: TaskSwitchSource, ext: number): Descriptor {
  const err = (sel & 0xfffc) | ext;
  const vec = source === "iret" ? TS : GP;
  if (sel & 4 || (sel & 0xfffc) === 0) throw new CpuFault(vec, err);
  const d = cpu.readDesc(sel, vec, ext);
  const want = source === "iret" ? TYPE_TSS32_BUSY : TYPE_TSS32_AVAILABLE;
  if (descType(d) !== want) throw new CpuFault(vec, err);
  if ((d.hi & ATTR_P) === 0) throw new CpuFault(NP, err);
  if (descLimit(d) < TSS32_MIN_LIMIT) throw new CpuFault(TS, err);
  return d;
}

/**
 * Switches from the current task to the TSS `sel`/`d` (already checked by checkNewTss). `oldEip` is the
 * EIP saved in the old task (the next instruction, or the faulting one for an exception); an exception
 * with an error code pushes it on the new task's stack once the switch is done.
 */
export function switchTask(cpu: TaskCpu, sel: number, d: Descriptor, source: TaskSwitchSource, oldEip: number, errorCode: number | undefined, ext: number): void {
  const newBase = descBase(d);
  const rd = (off: number): number => cpu.sysRd32((newBase + off) | 0);
  // Read the whole new TSS first: a page fault here leaves the old task untouched.
  const img = {
    cr3: rd(T.cr3), eip: rd(T.eip), eflags: rd(T.eflags),
    regs: Array.from({ length: 8 }, (_, i) => rd(T.regs + 4 * i)),
    segs: SEG_ORDER.map((_, i) => rd(T.segs + 4 * i) & 0xffff),
    ldt: rd(T.ldt) & 0xffff,
  };
  const oldSel = cpu.trSel;
  const oldBase = cpu.trBase;
  if (source === "jmp" || source === "iret") clearBusy(cpu, oldSel);
  let oldFlags = cpu.getEflags();
  if (source === "iret") oldFlags &= ~NT;
  cpu.sysWr32((oldBase + T.eip) | 0, oldEip);
  cpu.sysWr32((oldBase + T.eflags) | 0, oldFlags);
  for (let i = 0; i < 8; i++) cpu.sysWr32((oldBase + T.regs + 4 * i) | 0, cpu.r[i]!);
  SEG_ORDER.forEach((s, i) => wr16(cpu, (oldBase + T.segs + 4 * i) | 0, cpu.segSel[s]!));
  if (source === "call" || source === "int") {
    wr16(cpu, (newBase + T.link) | 0, oldSel);
    img.eflags |= NT;
  }
  if (source !== "iret") {
    d.hi |= BUSY_BIT;
    cpu.sysWr8((d.addr + 5) | 0, (d.hi >> 8) & 0xff);
  }
  // Commit: from here on, faults are raised in the context of the new task.
  cpu.trSel = sel & 0xffff;
  cpu.trBase = newBase;
  cpu.trLimit = descLimit(d);
  cpu.trAttr = descAttr(d) | BUSY_BIT;
  cpu.cr0 |= CR0_TS;
  if (cpu.cr0 & CR0_PG) {
    cpu.cr3 = img.cr3;
    cpu.flushTlb();
  }
  cpu.eip = img.eip >>> 0;
  cpu.setEflags(img.eflags & ~0x20000); // VM: virtual-8086 tasks are not supported
  for (let i = 0; i < 8; i++) cpu.r[i] = img.regs[i]!;
  // Selectors first, with unusable caches, so a fault below leaves the new task's selectors visible.
  SEG_ORDER.forEach((s, i) => {
    if (s !== CS) cpu.setSegCache(s, img.segs[i]!, 0, 0, 0);
  });
  cpu.ldtSel = img.ldt;
  cpu.ldtBase = 0;
  cpu.ldtLimit = 0;
  cpu.faultInNewTask = true;
  loadTaskLdt(cpu, img.ldt, ext);
  loadTaskSegments(cpu, img.segs, ext);
  cpu.faultInNewTask = false;
  if (errorCode !== undefined) cpu.push32(errorCode);
}

function clearBusy(cpu: TaskCpu, sel: number): void {
  const d = cpu.readDesc(sel);
  d.hi &= ~BUSY_BIT;
  cpu.sysWr8((d.addr + 5) | 0, (d.hi >> 8) & 0xff);
}

/** The new task's LDT: null, or a present LDT descriptor in the GDT; else #TS(selector). */
function loadTaskLdt(cpu: TaskCpu, sel: number, ext: number): void {
  if ((sel & 0xfffc) === 0) return;
  const err = (sel & 0xfffc) | ext;
  if (sel & 4) throw new CpuFault(TS, err);
  const d = cpu.readDesc(sel, TS, ext);
  if (descType(d) !== TYPE_LDT || (d.hi & ATTR_P) === 0) throw new CpuFault(TS, err);
  cpu.ldtSel = sel;
  cpu.ldtBase = descBase(d);
  cpu.ldtLimit = descLimit(d);
}

function touch(cpu: TaskCpu, d: Descriptor): number {
  if ((d.hi & ATTR_ACCESSED) === 0) {
    d.hi |= ATTR_ACCESSED;
    cpu.sysWr8((d.addr + 5) | 0, (d.hi >> 8) & 0xff);
  }
  return descAttr(d);
}

/** CS, SS, then ES, DS, FS, GS of the new task with the checks of SDM table 7-1 (#TS, #NP, #SS). */
function loadTaskSegments(cpu: TaskCpu, segs: readonly number[], ext: number): void {
  const csSel = segs[1]!;
  const csErr = (csSel & 0xfffc) | ext;
  if ((csSel & 0xfffc) === 0) throw new CpuFault(TS, ext);
  const cd = cpu.readDesc(csSel, TS, ext);
  const ca = descAttr(cd);
  const cpl = csSel & 3;
  if ((ca & (ATTR_S | ATTR_CODE)) !== (ATTR_S | ATTR_CODE)) throw new CpuFault(TS, csErr);
  const conforming = (ca & ATTR_EXPDOWN) !== 0;
  if (conforming ? descDpl(cd) > cpl : descDpl(cd) !== cpl) throw new CpuFault(TS, csErr);
  if ((ca & ATTR_P) === 0) throw new CpuFault(NP, csErr);
  const eip = cpu.eip;
  cpu.setSegCache(CS, csSel, descBase(cd), descLimit(cd), touch(cpu, cd) | ATTR_ACCESSED);
  cpu.eip = eip;

  const ssSel = segs[2]!;
  const ssErr = (ssSel & 0xfffc) | ext;
  if ((ssSel & 0xfffc) === 0) throw new CpuFault(TS, ext);
  const sd = cpu.readDesc(ssSel, TS, ext);
  const sa = descAttr(sd);
  if ((sa & (ATTR_S | ATTR_CODE | ATTR_WRITABLE)) !== (ATTR_S | ATTR_WRITABLE) || (ssSel & 3) !== cpl || descDpl(sd) !== cpl) throw new CpuFault(TS, ssErr);
  if ((sa & ATTR_P) === 0) throw new CpuFault(SSF, ssErr);
  cpu.setSegCache(SS, ssSel, descBase(sd), descLimit(sd), touch(cpu, sd) | ATTR_ACCESSED);

  for (const [s, i] of [[ES, 0], [DS, 3], [FS, 4], [GS, 5]] as const) {
    const sel = segs[i]!;
    if ((sel & 0xfffc) === 0) continue; // stays null (cache unusable, set above)
    const err = (sel & 0xfffc) | ext;
    const dd = cpu.readDesc(sel, TS, ext);
    const a = descAttr(dd);
    if ((a & ATTR_S) === 0 || (a & (ATTR_CODE | ATTR_WRITABLE)) === ATTR_CODE) throw new CpuFault(TS, err);
    const conf = (a & (ATTR_CODE | ATTR_EXPDOWN)) === (ATTR_CODE | ATTR_EXPDOWN);
    if (!conf && (descDpl(dd) < cpl || descDpl(dd) < (sel & 3))) throw new CpuFault(TS, err);
    if ((a & ATTR_P) === 0) throw new CpuFault(NP, err);
    cpu.setSegCache(s, sel, descBase(dd), descLimit(dd), touch(cpu, dd) | ATTR_ACCESSED);
  }
}
