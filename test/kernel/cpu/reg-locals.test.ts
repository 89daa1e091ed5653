// Guest registers held in block locals (decoder/reg-locals.ts): a looping block keeps EAX..EDI in JavaScript
// locals and stores them back at every exit, in its fault handler and around helpers that use the register
// array. Each case runs a loop as compiled blocks and again one instruction at a time, and compares every
// register, the flags, EIP and the counts where it stops: a fault in renamed code, a fault inside a helper,
// helpers that change the array between renamed instructions.
import { expect } from "chai";
import { Cpu } from "../../../kernel/cpu/cpu";
import { CR0_PG } from "../../../kernel/cpu/cpu-state";
import { compileBlock, decodeRun } from "../../../kernel/cpu/decoder/block-builder";
import { opaqueWrites } from "../../../kernel/cpu/decoder/reg-locals";
import { mayBreakUnseen } from "../../../kernel/cpu/decoder/block-builder";
import { everyMember, occurrences } from "../../../kernel/cpu/decoder/runtime";
import { DEFAULT_COST_MODEL } from "../../../kernel/cpu/cost-model";
import type { CpuExit } from "../../../kernel/cpu/exit";
import { NO_PORTS } from "../../../kernel/cpu/io";
import { flat32Mode } from "../../../kernel/cpu/seg-mode";
import { PhysicalMemory } from "../../../kernel/mem/physical-memory";
import { guestPhys } from "../../../kernel/mem/types";
import { d32 } from "./snippets";

const CODE = 0x10000;
const HOLE = 0x50000; // not present in the page tables

function machine(code: readonly number[], regs: Partial<Record<"eax" | "ecx" | "ebx" | "esi", number>>): Cpu {
  const mem = new PhysicalMemory(0x400000);
  mem.writeBytes(guestPhys(CODE), new Uint8Array(code));
  const cpu = new Cpu({ memory: mem, io: NO_PORTS, exceptionsExit: true });
  const pd = 0x300000;
  const pt = 0x301000;
  mem.write32(guestPhys(pd), pt | 7);
  for (let i = 0; i < 1024; i++) mem.write32(guestPhys(pt + i * 4), (i << 12) === HOLE ? 0 : (i << 12) | 7);
  cpu.cr3 = pd;
  cpu.cr0 = cpu.cr0 | CR0_PG;
  cpu.eip = CODE;
  cpu.esp = 0x80000;
  cpu.eax = regs.eax ?? 0;
  cpu.ecx = regs.ecx ?? 0;
  cpu.ebx = regs.ebx ?? 0;
  cpu.esi = regs.esi ?? 0;
  return cpu;
}

interface Seen {
  readonly exit: CpuExit;
  readonly regs: number[];
  readonly eip: number;
  readonly eflags: number;
  readonly instructions: number;
  readonly cycles: number;
}

function seen(cpu: Cpu, exit: CpuExit): Seen {
  const regs = [cpu.eax, cpu.ecx, cpu.edx, cpu.ebx, cpu.esp, cpu.ebp, cpu.esi, cpu.edi];
  return { exit, regs, eip: cpu.eip, eflags: cpu.getEflags(), instructions: cpu.instructions, cycles: cpu.cycles };
}

/** Runs until something other than the budget ends the run: in blocks, or one instruction per run. */
function runUntilExit(cpu: Cpu, single: boolean): Seen {
  for (let i = 0; i < 100_000; i++) {
    const exit = cpu.run(single ? 1 : 100_000);
    if (exit.kind !== "budget") return seen(cpu, exit);
  }
  throw new Error("no exit");
}

function compare(code: readonly number[], regs: Parameters<typeof machine>[1]): Seen {
  const blocks = runUntilExit(machine(code, regs), false);
  const steps = runUntilExit(machine(code, regs), true);
  expect(blocks).to.deep.equal(steps);
  return blocks;
}

describe("kernel/cpu: registers held in block locals", () => {
  it("a looping block names registers as locals, and stores them at its exits and in its fault handler", () => {
    // l: add ebx, 3 ; add esi, 0x1000 ; mov eax, [esi] ; inc ecx ; jmp l
    const code = [0x83, 0xc3, 0x03, 0x81, 0xc6, ...d32(0x1000), 0x8b, 0x06, 0x41, 0xeb, 0xf2];
    const src = compileBlock(decodeRun((off) => code[off] ?? -1, CODE, flat32Mode(0), 48, DEFAULT_COST_MODEL)).source;
    expect(src).to.match(/let r0=r\[0\],r1=r\[1\],r3=r\[3\],r6=r\[6\];/);
    expect(src).to.not.match(/r\[6\] \+/); // the address is computed from the local
    expect(src).to.match(/catch \(e\) \{r\[0\]=r0;r\[1\]=r1;r\[3\]=r3;r\[6\]=r6;/);
  });

  it("a page fault in renamed code after several passes leaves every register as single steps do", () => {
    const code = [0x83, 0xc3, 0x03, 0x81, 0xc6, ...d32(0x1000), 0x8b, 0x06, 0x41, 0xeb, 0xf2];
    const s = compare(code, { esi: HOLE - 0x4000, ebx: 7 });
    expect(s.exit).to.include({ kind: "fault", vector: 14, eip: CODE + 9 });
    expect(s.regs[3]).to.equal(7 + 4 * 3); // four passes reached the load; the fourth faulted in it
    expect(s.regs[6]).to.equal(HOLE);
    expect(s.regs[1]).to.equal(3);
  });

  it("helpers that change the array (MUL, PUSHFD) between renamed instructions, and a fault inside one (DIV)", () => {
    // l: add ebx, eax ; mov eax, ecx ; mul ecx ; xor esi, edx ; pushfd ; pop edi ; dec ecx ; jnz l ; div ecx
    const code = [0x01, 0xc3, 0x89, 0xc8, 0xf7, 0xe1, 0x31, 0xd6, 0x9c, 0x5f, 0x49, 0x75, 0xf3, 0xf7, 0xf1];
    const s = compare(code, { ecx: 40, eax: 5 });
    expect(s.exit).to.include({ kind: "fault", vector: 0, eip: CODE + 13 });
    let ebx = 0, eax = 5;
    for (let c = 40; c > 0; c--) {
      ebx = (ebx + eax) | 0;
      eax = Math.imul(c, c);
    }
    expect(s.regs[3]).to.equal(ebx >>> 0);
    expect(s.regs[0]).to.equal(eax >>> 0);
  });

  it("tells which helper calls are register-blind, which change only ESP, and which may change anything", () => {
    expect(opaqueWrites("r[3]=(r[2]+1)|0;s.wr32(r[4],r[3]);")).to.equal(null);
    expect(opaqueWrites("s.ioOutAt((r[2]&65535),1,(r[0]&255),3);")).to.equal(null);
    // IN: no device sees the registers (a served port tells an IN from an INS by Cpu.insElement, not by EDI).
    expect(opaqueWrites("r[0]=(r[0]&-256)|((s.ioInAt((r[2]&65535),1,3))&255);")).to.equal(null);
    expect(opaqueWrites("r[7]=s.pop32();")).to.deep.equal([4, 7]);
    expect(opaqueWrites("s.mul32(r[1]);")).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7]);
    // The x87 sees no register (FNSTSW AX writes EAX in the fragment's own text); a call handed the CPU may.
    expect(opaqueWrites("const x=s.x87;if(((s.cr0&12)|(x.sw&128))!==0)x.check(s.cr0,true);x.fip=5;x.fcs=s.segSel[1];x.fop=1280;x.fdp=(r[0])>>>0;x.fds=s.segSel[3];x.ldF64(s.rd32(r[0]),0);")).to.equal(null);
    expect(opaqueWrites("const x=s.x87;x.check(s.cr0,false);r[0]=(r[0]&-65536)|x.status;")).to.equal(null);
    expect(opaqueWrites("const x=s.x87;x.check(s.cr0,true);const ea=r[3];x.fnstenv(s, ea, true);")).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(opaqueWrites("x.fxsave(s);")).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7]);
    // A name only counts after `s` as a whole word: `tlbs.x` and `cs.base` are not CPU members.
    expect(opaqueWrites("const v=cs.base+tlbs.mul32;r[0]=v;")).to.equal(null);
  });

  it("scans generated code for the CPU members it names, and for the brk refreshes after its accesses", () => {
    const names = (code: string): string[] => {
      const out: string[] = [];
      everyMember(code, (n) => (out.push(n), true));
      return out;
    };
    expect(names("s.eip=(s.eip+3)>>>0;x=cs.base;(tv=s.rd32(ta),bk=s.brk,tv);s.")).to.deep.equal(["eip", "eip", "rd32", "brk"]);
    expect(everyMember("s.a;s.b;s.c", (n) => n !== "b")).to.equal(false);
    expect(occurrences("bk=s.brk;x;bk=s.brk", "bk=s.brk")).to.equal(2);
    // An inline access's slow path refreshes bk itself; a bare accessor call or another helper needs the statement.
    expect(mayBreakUnseen("r[0]=((te=tlbR[ta>>>12])&1?m8[te&-4096|ta&4095]:(tv=s.rd8(ta),bk=s.brk,tv));")).to.equal(false);
    expect(mayBreakUnseen("r[0]=s.rd16(r[4]);")).to.equal(true);
    expect(mayBreakUnseen("s.ioOutAt(r[2]&65535,1,r[0]&255,3);")).to.equal(true);
    expect(mayBreakUnseen("const c=s.getCF();s.eip=5;")).to.equal(false);
  });
});
