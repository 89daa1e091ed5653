// Compiles a region (issue 14): the hot blocks of one code page in one JavaScript function. Each block (a member)
// is compiled as block-builder compiles it, as one case of a switch inside a loop; where a member would leave for
// another member's start, it settles its account in locals, charges the next member's cost and goes on there when
// the budget holds it and nothing asked the block to stop (the checks the run loop makes between chained blocks, as
// an inner loop's back edge makes them). Registers, flags, the budget and the instruction count stay in locals
// across those transitions; the run loop sees one call. Pure: it reads decoded instructions only.
import { blockPrologue, emitBlock, FIX, fillRegisterLocals, finishSource, sharedFunction, type BlockFn, type MemberSite } from "./block-builder";
import { shapeOf } from "./block-shape";
import type { Insn } from "./insn";
import { RegisterLocals } from "./reg-locals";

/** Off: in a fresh process a region does not pay, even in a long run. V8 optimises it before every path through it
 * has run and throws that code away at each new path (bench-state's largest region was compiled 9 times), and a fresh
 * `apexvisor boot` of bench-state took 1.64-1.88 s with regions against 0.93-1.14 s without (kernel/cpu/README.md,
 * "Regions"). */
let formByDefault = false;

/** Sets whether CPUs form regions unless their options say (the CLI turns them on for APEXVISOR_REGIONS=1; the kernel
 * core reads no environment itself). */
export function setRegionsDefault(on: boolean): void {
  formByDefault = on;
}

/** Whether CPUs form regions unless told otherwise. */
export function regionsDefault(): boolean {
  return formByDefault;
}

/** One block of a region: its decoded instructions (decodeRun) and, as for compileBlock, where an idle loop starts. */
export interface RegionMember {
  readonly insns: readonly Insn[];
  readonly idleLoop: (i: number) => boolean;
}

/** Where a member starts and what the run loop charges to enter the region there. */
export interface MemberEntry {
  readonly eip: number;
  /** Cycles of the member's dearest path, and its instruction count (Block.cost, Block.count of its entry). */
  readonly cost: number;
  readonly count: number;
  /** The region index of its first instruction. */
  readonly base: number;
}

/** A compiled region. */
export interface CompiledRegion {
  readonly fn: BlockFn;
  /** By region instruction index (the members' instructions one member after another): the EIP, and the cycles and
   * instructions its member's path ran before it. The fault handler tells the CPU that index (Cpu.blockFault), and
   * stores the budget as if the entry member's cost had been charged, so that these read as a block's prefix and
   * counts do. */
  readonly eips: readonly number[];
  readonly prefix: readonly number[];
  readonly counts: readonly number[];
  readonly members: readonly MemberEntry[];
  readonly source: string;
}

/** Compiles `members` (distinct start EIPs) into one region function, or null when one of them cannot be part of a
 * region (it reads or changes the budget or instruction count through the CPU: port I/O, helpers; emitBlock). */
export function compileRegion(members: readonly RegionMember[]): CompiledRegion | null {
  const entries: MemberEntry[] = [];
  let base = 0;
  for (const m of members) {
    entries.push({ eip: m.insns[0]!.eip, cost: shapeOf(m.insns).cost, count: m.insns.length, base });
    base += m.insns.length;
  }
  const at = new Map<number, number>(entries.map((e, k) => [e.eip, k]));
  if (at.size !== entries.length) throw new RangeError("region members must start at distinct EIPs");
  // Going on at member k: the checks the run loop makes before it chains a block (budget, brk), then its cost
  // charged up front as the run loop would. The flag record is stored first when the member may read flags before it
  // writes them (through the CPU: its code was compiled as a block's, which starts with the record there). Written
  // as a placeholder until every member's flags are known.
  const liveIn: number[] = [];
  const enter = (k: number): string => `$enter:${k}$`;
  const entered = (k: number): string => {
    const c = entries[k]!.cost;
    return `if (left >= ${c} && bk === 0) { ${liveIn[k] !== 0 ? FIX : ""} left -= ${c}; cc = ${c}; st = ${k}; continue R; }`;
  };
  // One more case looks up the member at s.eip, for the exits whose target is known only at run time.
  const lookup = entries.length;
  const regs = new RegisterLocals();
  const cases: string[] = [];
  const eips: number[] = [];
  const prefix: number[] = [];
  const counts: number[] = [];
  for (const [k, m] of members.entries()) {
    const site: MemberSite = {
      base: entries[k]!.base,
      regs,
      enter: (t) => {
        const j = at.get(t);
        return j === undefined ? null : enter(j);
      },
      enterAtEip: `st = ${lookup}; continue R;`,
    };
    const e = emitBlock(m.insns, false, m.idleLoop, site);
    if (e === null) return null;
    liveIn.push(e.liveIn);
    cases.push(`case ${k}: { i = ${site.base};`, ...e.parts, "}");
    const n = m.insns.length;
    eips.push(...e.shape.eips.slice(0, n));
    prefix.push(...e.shape.cycles.slice(0, n));
    counts.push(...e.shape.counts.slice(0, n));
  }
  const byEip = (body: (k: number) => string): string =>
    `switch (s.eip) { ${entries.map((e, k) => `case ${e.eip}: ${body(k)}`).join(" ")} }`;
  cases.push(`case ${lookup}: { ${byEip((k) => `${enter(k)} break;`)} xe = s.eip; xd = 0; xb = 0; xr = 0; break x; }`);
  // The run loop charged the entry member's cost (ce), and at a fault gives back from it (Cpu.blockFault); the member
  // running then was charged its own (cc), so the fault handler stores the budget as if ce had been charged instead.
  const parts = [
    `${blockPrologue(true)} let st = 0, cc = 0;`,
    byEip((k) => `st = ${k}; cc = ${entries[k]!.cost}; break;`),
    "const ce = cc;",
    `try { x: { R: for (;;) { switch (st) {`,
    ...cases,
    "} } }",
    `${regs.spill()} s.left = left; s.instructions += ni; return s.ex(lk, la, lb, lr, lc, xe, xd, xb, xr);`,
    `} catch (e) { ${regs.spill()} s.left = left + cc - ce; s.instructions += ni; ${FIX} s.fi = i; throw e; }`,
  ];
  const body = fillRegisterLocals(parts.join("\n"), regs, false, true).replace(/\$enter:(\d+)\$/g, (_p, k: string) => entered(Number(k)));
  const source = finishSource(body);
  return { fn: sharedFunction(source), eips, prefix, counts, members: entries, source };
}
