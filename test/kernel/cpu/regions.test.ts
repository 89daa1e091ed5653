// Regions (issue 14): once the blocks of a code page have run long enough to be settled, they are compiled again as
// one function that goes from block to block without returning to the run loop (decoder/region-builder.ts). That is
// host speed only: registers, flags, EIP, cycles and instructions must be what blocks alone and single steps give at
// any budget, through a jump table, flags read across the transitions, a store into a member's code and a fault in a
// member.
import { expect } from "chai";
import { Cpu } from "../../../kernel/cpu/cpu";
import { CR0_PG } from "../../../kernel/cpu/cpu-state";
import type { CpuExit } from "../../../kernel/cpu/exit";
import { DEFAULT_COST_MODEL } from "../../../kernel/cpu/cost-model";
import { compileRegion } from "../../../kernel/cpu/decoder/region-builder";
import { decodeRun } from "../../../kernel/cpu/decoder/block-builder";
import { flat32Mode } from "../../../kernel/cpu/seg-mode";
import { guestPhys } from "../../../kernel/mem/types";
import { CODE, enterFlatRing0, flatRing0Memory, GDT } from "../../support/flat-ring0";
import { cpuState } from "../../support/slices";

// A state machine through a jump table, 4000 passes (CODE = 0x10000):
// 0x00: mov ax, 0x18 ; mov es, ax            (a data segment whose limit the test sets)
// 0x06: mov ecx, passes (4000 as written; runStates sets it) ; mov esi, table ; xor ebx, ebx ; xor edx, edx ; mov edi, 0x7f000
// 0x19 L: mov eax, ecx ; and eax, 3 ; cmp ecx, 2000 (CF for S1 and S3) ; jmp [esi + eax*4]
// 0x27 S0: add ebx, ecx ; adc edx, 0 ; cmp ecx, 1000 ; jne N ; mov dword [imm], 0x12345678 (rewrites S3) ; jmp N
// 0x40 S1: sbb edx, ebx (reads CF from L) ; add ebx, 0x9e3779b9 ; jmp N1
// 0x4a S2: rol ebx, 5 ; sub ebx, ecx ; mov eax, es:[edi] ; add edi, 0x40 ; add edx, eax ; jmp N
// 0x59 S3: adc ebx, edx (reads CF from L) ; xor ebx, edx ; cmp ebx, imm32 (0x5f) ; jmp N1
// 0x65 N1: adc edx, 1
// 0x68 N: dec ecx ; jnz L ; jmp 0x1000 (a HLT on the next page, out of the blocks' way)
// 0x70 table: S0, S1, S2, S3
const STATES = [
  0x66, 0xb8, 0x18, 0x00, 0x8e, 0xc0,
  0xb9, 0xa0, 0x0f, 0x00, 0x00, 0xbe, 0x70, 0x00, 0x01, 0x00, 0x31, 0xdb, 0x31, 0xd2, 0xbf, 0x00, 0xf0, 0x07, 0x00,
  0x89, 0xc8, 0x83, 0xe0, 0x03, 0x81, 0xf9, 0xd0, 0x07, 0x00, 0x00, 0xff, 0x24, 0x86,
  0x01, 0xcb, 0x83, 0xd2, 0x00, 0x81, 0xf9, 0xe8, 0x03, 0x00, 0x00, 0x75, 0x34, 0xc7, 0x05, 0x5f, 0x00, 0x01, 0x00, 0x78, 0x56, 0x34, 0x12, 0xeb, 0x28,
  0x19, 0xda, 0x81, 0xc3, 0xb9, 0x79, 0x37, 0x9e, 0xeb, 0x1b,
  0xc1, 0xc3, 0x05, 0x29, 0xcb, 0x26, 0x8b, 0x07, 0x83, 0xc7, 0x40, 0x01, 0xc2, 0xeb, 0x0f,
  0x11, 0xd3, 0x31, 0xd3, 0x81, 0xfb, 0x00, 0x00, 0x00, 0x80, 0xeb, 0x00,
  0x83, 0xd2, 0x01,
  0x49, 0x75, 0xae, 0xe9, 0x90, 0x0f, 0x00, 0x00,
  0x27, 0x00, 0x01, 0x00, 0x40, 0x00, 0x01, 0x00, 0x4a, 0x00, 0x01, 0x00, 0x59, 0x00, 0x01, 0x00,
  ...new Array<number>(0x1000 - 0x80).fill(0),
  0xf4,
];
const S3_IMM = CODE + 0x5f;

interface StatesRun {
  readonly state: number[];
  readonly exit: CpuExit;
  readonly regions: number;
  readonly dropped: number;
  /** S3's compare operand when the run ended (0x12345678 once S0 rewrote it). */
  readonly imm: number;
}

/** Runs STATES for `passes` passes in slices of `slice` cycles until the HLT or a fault, ES limited to `esPages`
 * 4 KiB pages (EDI goes past RAM: those reads give all-ones). */
function runStates(slice: number, esPages: number, passes: number, regions = true): StatesRun {
  const code = [...STATES];
  code.splice(7, 4, passes & 0xff, (passes >>> 8) & 0xff, (passes >>> 16) & 0xff, passes >>> 24);
  const mem = flatRing0Memory([0xcf], code);
  // Selector 0x18: a read/write data segment at 0, page-granular, limit esPages pages.
  const limit = esPages - 1;
  mem.write32(guestPhys(GDT + 24), limit & 0xffff);
  mem.write32(guestPhys(GDT + 28), 0x00c09200 | (limit & 0xf0000));
  const cpu = enterFlatRing0(new Cpu({ memory: mem, io: { read: () => 0, write: () => undefined }, exceptionsExit: true, regions }));
  cpu.gdtLimit = 31;
  let exit: CpuExit = { kind: "budget" };
  for (let i = 0; i < 10_000_000 && exit.kind === "budget"; i++) exit = cpu.run(slice);
  return { state: cpuState(cpu), exit, regions: cpu.regionsFormed, dropped: cpu.regionsDropped, imm: mem.read32(guestPhys(S3_IMM)) };
}

// Regions form once a page's blocks have settled and the guest has run on for a while (Cpu REGION_QUIET): 300,000
// passes are about 3.2M instructions.
const PASSES = 300_000;

describe("kernel/cpu: regions (a page's hot blocks in one function)", () => {
  const ROOMY = 0x100000; // 4 GiB: ES covers every address the program reads

  it("forms a region of the state machine's blocks, and every count is what blocks alone give", () => {
    const alone = runStates(100_000, ROOMY, PASSES, false);
    expect(alone.exit.kind).to.equal("halt");
    expect(alone.regions, "blocks alone").to.equal(0);
    expect(alone.imm, "S0 rewrote S3's operand").to.equal(0x12345678);
    for (const slice of [100_000, 4099, 333]) {
      const r = runStates(slice, ROOMY, PASSES);
      expect(r.regions, `slices of ${slice}`).to.be.greaterThan(0);
      expect(r.dropped, `slices of ${slice}`).to.equal(0);
      expect(r.state, `slices of ${slice}`).to.deep.equal(alone.state);
      expect(r.exit, `slices of ${slice}`).to.deep.equal(alone.exit);
    }
  });

  it("is what single steps give, in short slices too", () => {
    // A shorter run (no region forms in it at these budgets): the region's own checks are the ones above.
    const steps = runStates(1, ROOMY, 4000);
    for (const slice of [100_000, 40, 7]) expect(runStates(slice, ROOMY, 4000).state, `slices of ${slice}`).to.deep.equal(steps.state);
  });

  it("stops at a fault inside a member with the state, cycles and instructions of blocks alone", () => {
    // S2 reads ES:EDI with EDI 0x40 higher each time: past 4 MiB it raises #GP(0) on its 57,409th run (about 2.5M
    // instructions in), after the region formed.
    const pages = 0x400;
    const alone = runStates(100_000, pages, PASSES, false);
    expect(alone.exit).to.deep.include({ kind: "fault", vector: 13, eip: CODE + 0x4f });
    for (const slice of [100_000, 4099, 333]) {
      const r = runStates(slice, pages, PASSES);
      expect(r.regions, `slices of ${slice}`).to.be.greaterThan(0);
      expect(r.exit, `slices of ${slice}`).to.deep.equal(alone.exit);
      expect(r.state, `slices of ${slice}`).to.deep.equal(alone.state);
    }
  });

  it("drops a region that saves no dispatches, and runs on with blocks alone as before", () => {
    // Four small blocks on one page, each leaving for a dispatcher on the next page: a region of them leaves at every
    // run, so it is given up after its trial (region-policy.ts REGION_GAIN).
    // 0x00: mov ecx, 400000 ; mov esi, table ; xor ebx, ebx ; jmp B
    // 0x11 A0: add ebx, 1 ; jmp B   0x19 A1: add ebx, 3 ; rol ebx, 1 ; jmp B   0x23 A2: xor ebx, 0x55 ; jmp B
    // 0x2b A3: sub ebx, 7 ; jmp B   0x34 table: A0, A1, A2, A3
    // 0x1000 B: dec ecx ; jz done ; mov eax, ecx ; and eax, 3 ; jmp [esi + eax*4]   done: hlt
    const split = [
      0xb9, 0x80, 0x1a, 0x06, 0x00, 0xbe, 0x34, 0x00, 0x01, 0x00, 0x31, 0xdb, 0xe9, 0xef, 0x0f, 0x00, 0x00,
      0x83, 0xc3, 0x01, 0xe9, 0xe7, 0x0f, 0x00, 0x00,
      0x83, 0xc3, 0x03, 0xd1, 0xc3, 0xe9, 0xdd, 0x0f, 0x00, 0x00,
      0x83, 0xf3, 0x55, 0xe9, 0xd5, 0x0f, 0x00, 0x00,
      0x83, 0xeb, 0x07, 0xe9, 0xcd, 0x0f, 0x00, 0x00, 0x90,
      0x11, 0x00, 0x01, 0x00, 0x19, 0x00, 0x01, 0x00, 0x23, 0x00, 0x01, 0x00, 0x2b, 0x00, 0x01, 0x00,
      ...new Array<number>(0x1000 - 0x44).fill(0),
      0x49, 0x74, 0x08, 0x89, 0xc8, 0x83, 0xe0, 0x03, 0xff, 0x24, 0x86, 0xf4,
    ];
    const run = (regions: boolean, paged = false): { state: number[]; formed: number; dropped: number } => {
      const mem = flatRing0Memory([0xcf], split);
      const cpu = enterFlatRing0(new Cpu({ memory: mem, io: { read: () => 0, write: () => undefined }, regions }));
      if (paged) {
        // The first 1 MiB mapped to itself.
        const pd = 0x8000, pt = 0x9000;
        for (let i = 0; i < 256; i++) mem.write32(guestPhys(pt + i * 4), (i << 12) | 3);
        mem.write32(guestPhys(pd), pt | 3);
        cpu.cr3 = pd;
        cpu.cr0 = cpu.cr0 | CR0_PG;
      }
      for (let i = 0; i < 10_000 && !cpu.halted; i++) cpu.run(100_000);
      return { state: cpuState(cpu), formed: cpu.regionsFormed, dropped: cpu.regionsDropped };
    };
    const alone = run(false);
    const r = run(true);
    expect(r.formed).to.equal(1);
    expect(r.dropped).to.equal(1);
    expect(r.state).to.deep.equal(alone.state);
    expect(alone.state[8], "instructions").to.be.greaterThan(2_500_000);
    // With paging on no region is formed (Cpu.watchExits: a paged Linux ran slower with them).
    const paged = run(true, true);
    expect(paged.formed).to.equal(0);
    expect(paged.state).to.deep.equal(run(false, true).state);
  });

  it("compiles each member as a case that goes on at the others' starts, and looks up an EIP set at run time", () => {
    const mode = flat32Mode(0);
    const at = (off: number) => (o: number): number => STATES[off + o] ?? -1;
    // Straight runs (no superblocks): L ends with the table jump, S1 with JMP N1, N1 with the JNZ back to L.
    const member = (off: number) => ({ insns: decodeRun(at(off), CODE + off, mode, 48, DEFAULT_COST_MODEL), idleLoop: () => false });
    const r = compileRegion([member(0x19), member(0x40), member(0x65)])!;
    expect(r.members.map((m) => [m.eip - CODE, m.cost, m.base])).to.deep.equal([[0x19, 4, 0], [0x40, 3, 4], [0x65, 4, 7]]);
    const cases = r.source.split(/\ncase \d+: /);
    // L: the table jump's target is known at run time only: the lookup case (3) finds it.
    expect(cases[1]).to.include("st=3;continue R;");
    // S1: JMP N1 goes on at N1's case when the budget holds N1's 4 cycles, with the flag record stored (N1 reads CF).
    expect(cases[2]).to.include("if (left >= 4 && bk === 0) {s.fixFlags(lk,la,lb,lr,lc);left -= 4;cc=4;st=2;continue R;}");
    // N1: the JNZ taken goes on at L; not taken, it leaves for the next page (no member there) as a block would.
    expect(cases[3]).to.include("st=0;continue R;");
    expect(cases[3]).to.include(`xe=${CODE + 0x1000};xd=4;xb=0;xr=4;break x;`);
    // The lookup case: every member's start.
    expect(cases[4]).to.match(new RegExp(`^\\{switch \\(s\\.eip\\) \\{case ${CODE + 0x19}: .*case ${CODE + 0x40}: .*case ${CODE + 0x65}: `));
    // Fault indices count on from the first member's instructions.
    expect(r.eips.slice(4, 7).map((e) => e - CODE)).to.deep.equal([0x40, 0x42, 0x48]);
    // A member that does port I/O keeps the budget in the CPU: it cannot be one.
    const io = [0xe6, 0x80, 0xeb, 0xfc];
    const ioMember = { insns: decodeRun((o) => io[o] ?? -1, CODE, mode, 48, DEFAULT_COST_MODEL), idleLoop: () => false };
    expect(compileRegion([member(0x19), ioMember])).to.equal(null);
  });
});
