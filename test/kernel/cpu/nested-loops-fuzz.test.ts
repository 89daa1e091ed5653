// A differential fuzz of block shapes (issue 14): seeded random programs of two nested loops, with ALU and flag
// instructions (producers and readers of every kind the decoder specialises for: ADD/ADC/SUB/SBB, INC/DEC,
// rotates, CMC/CLC/STC, LAHF/SAHF, PUSHF, CMOV/SETcc, a Jcc skipping one instruction) and memory operands, run in
// whole blocks at several budgets must end as single steps end: registers, EFLAGS, cycles, instructions and the
// cycle count at every OUT. It found the two inner-loop cases of inner-loops.test.ts.
import { expect } from "chai";
import { Rng } from "../../../scripts/fuzz/rng";
import { runInSlices } from "../../support/slices";
import { d32 } from "./snippets";
import { setBlockDump } from "../../../kernel/cpu/decoder/block-dump";

const PROGRAMS = 80;
const SEED = 20261203;
const SLICES = [1_000_000, 3, 7, 13, 29, 97];
/** EAX, EBX, EDX, ESI: ECX and EDI count the loops, ESP is the stack. */
const REGS = [0, 3, 2, 6];

function instruction(rng: Rng): number[] {
  const a = REGS[rng.below(4)]!;
  const b = REGS[rng.below(4)]!;
  const rm = 0xc0 | (b << 3) | a;
  switch (rng.below(23)) {
    case 0: return [0x01, rm]; // add a, b
    case 1: return [0x11, rm]; // adc
    case 2: return [0x29, rm]; // sub
    case 3: return [0x19, rm]; // sbb
    case 4: return [0x31, rm]; // xor
    case 5: return [0x40 + a]; // inc
    case 6: return [0x48 + a]; // dec
    case 7: return [0x81, 0xc0 | a, ...d32(rng.u32() >>> 1)]; // add a, imm32
    case 8: return [0xc1, 0xc0 | a, 1 + rng.below(7)]; // rol a, imm8
    case 9: return [0x0f, 0x92, 0xc0 | a]; // setb (the low byte of a, or of another register)
    case 10: return [0xf5]; // cmc
    case 11: return [0x83, 0xd0 | a, rng.below(256)]; // adc a, imm8
    case 12: return [0x0f, 0x42, 0xc0 | (a << 3) | b]; // cmovb a, b
    case 13: return [0x9f]; // lahf
    case 14: return [0x9e]; // sahf
    case 15: return [rng.below(2) === 0 ? 0xf8 : 0xf9]; // clc / stc
    case 16: return [0x9c, 0x5e]; // pushf; pop esi
    case 17: return [0x01, 0x05 | (a << 3), ...d32(0x5000)]; // add [0x5000], a
    case 18: return [0xff, 0x05, ...d32(0x5004)]; // inc dword [0x5004]
    case 19: return [0x8b, 0x05 | (a << 3), ...d32(0x5000)]; // mov a, [0x5000]
    case 20: {
      const skipped = instruction(rng);
      return [0x72 + 2 * rng.below(4), skipped.length, ...skipped]; // jb/jz/jbe/js over one instruction
    }
    case 21: return [0x39, rm]; // cmp
    default: return [0x85, rm]; // test
  }
}

function run(rng: Rng, n: number): number[] {
  let out: number[] = [];
  for (let i = 0; i < n; i++) out = out.concat(instruction(rng));
  return out;
}

/**
 * mov ecx, K; L1: PRE; [dec ebx]; mov edi, M; L2: INNER; dec edi; jnz L2; MID; [out 0x80, al]; dec ecx; jnz L1;
 * POST; mov eax, [0x5000]; add ebx, [0x5004]; hlt. The optional DEC before the inner head gives the decoder the
 * producer it knows at the inner back edge: both ways in alike, which an inner loop needs.
 */
function program(rng: Rng): number[] | null {
  const pre = run(rng, rng.below(4));
  const inner = [...run(rng, 1 + rng.below(5)), 0x4f];
  const mid = run(rng, rng.below(4));
  const post = run(rng, rng.below(3));
  const head = [...pre, ...(rng.below(2) === 0 ? [0x4b] : []), 0xbf, ...d32(1 + rng.below(9))];
  const tail = [...mid, ...(rng.below(2) === 0 ? [0xe6, 0x80] : []), 0x49];
  const outer = head.length + inner.length + 2 + tail.length + 2;
  if (outer > 128) return null; // rel8 reach
  return [0xb9, ...d32(2 + rng.below(30)), ...head, ...inner, 0x75, -(inner.length + 2) & 0xff, ...tail, 0x75, -outer & 0xff, ...post,
    0x8b, 0x05, ...d32(0x5000), 0x03, 0x1d, ...d32(0x5004), 0xf4];
}

/** Runs program number `n` to its HLT in single steps, then at every budget of SLICES with `run`, and expects the
 * same registers, EFLAGS, cycles, instructions and cycle count at every OUT. */
function matchesSingleSteps(code: readonly number[], n: number, run: (code: readonly number[], slice: number) => ReturnType<typeof runInSlices> = runInSlices): void {
  const hex = Buffer.from(code).toString("hex");
  const steps = runInSlices(code, 1);
  expect(steps.cpu.halted, hex).to.equal(true);
  for (const slice of SLICES) {
    const blocks = run(code, slice);
    const what = `program ${n} (${hex}), slices of ${slice}`;
    expect(blocks.state, what).to.deep.equal(steps.state);
    expect(blocks.seen, what).to.deep.equal(steps.seen);
  }
}

describe("kernel/cpu: nested loops in whole blocks match single steps (seeded fuzz)", () => {
  it(`${PROGRAMS} programs, seed ${SEED}, budgets ${SLICES.join(", ")}`, function () {
    this.timeout(120_000);
    const rng = new Rng(SEED);
    let ran = 0;
    while (ran < PROGRAMS) {
      const code = program(rng);
      if (code === null) continue;
      matchesSingleSteps(code, ++ran);
    }
  });
});

/** A flag producer that starts the two-way loop below, testing EDI: clean (it writes every status flag and reads
 * none, so a side loop may start there), or INC+DEC, whose INC keeps CF (a side loop may not: compiled for the
 * producer before it, it reads no flag, but writes CF as that producer left it). */
function loopTest(rng: Rng): number[] {
  switch (rng.below(4)) {
    case 0: return [0x85, 0xff]; // test edi, edi
    case 1: return [0x83, 0xff, 0x00]; // cmp edi, 0
    case 2: return [0x09, 0xff]; // or edi, edi
    default: return [0x47, 0x4f]; // inc edi ; dec edi
  }
}

/**
 * mov ecx, K; L0: PRE; mov edi, M; H1: TEST edi; jz TAIL; H2: dec edi; INNER; Jcc SIDE; BODY; test edi, edi; jnz H2;
 * jmp TAIL; SIDE: SIDEBODY; jmp H1; TAIL: MID; [out 0x80, al]; dec ecx; jnz L0; POST; mov eax, [0x5000];
 * add ebx, [0x5004]; hlt. The Jcc's taken side goes back to H1, before the inner loop at H2 (bench-list's merge): once
 * the CPU inlines it, a side loop around the inner one. K is large enough for the profile to decide (INLINE_HITS).
 */
function twoWays(rng: Rng): number[] | null {
  // PRE ends with a producer the decoder knows before H1 (INC after it is compiled for it: CF as 0, or from its record).
  const producers = [[0x85, 0xc0], [0x01, 0xd8], [0x39, 0xd8], [0x40]]; // test eax, eax; add eax, ebx; cmp eax, ebx; inc eax
  const pre = [...run(rng, rng.below(3)), ...producers[rng.below(producers.length)]!];
  const test = loopTest(rng);
  const inner = run(rng, 1 + rng.below(3));
  const body = run(rng, rng.below(3));
  const side = run(rng, 1 + rng.below(3));
  const mid = run(rng, rng.below(3));
  const post = run(rng, rng.below(2));
  const jcc = 0x72 + 2 * rng.below(4); // jb/jz/jbe/js
  // Offsets from H1: the code between H1 and each jump, to place the rel8s.
  const h2 = test.length + 2;
  const atJcc = h2 + 1 + inner.length;
  const atJnz = atJcc + 2 + body.length + 2;
  const atJmpTail = atJnz + 2;
  const atSide = atJmpTail + 2;
  const atJmpH1 = atSide + side.length;
  const atTail = atJmpH1 + 2;
  const tail = [...mid, ...(rng.below(2) === 0 ? [0xe6, 0x80] : []), 0x49];
  const loopBody = [0xbf, ...d32(1 + rng.below(9)),
    ...test, 0x74, atTail - h2,
    0x4f, ...inner, jcc, atSide - (atJcc + 2), ...body, 0x85, 0xff, 0x75, (h2 - (atJnz + 2)) & 0xff, 0xeb, atTail - (atJmpTail + 2),
    ...side, 0xeb, -(atJmpH1 + 2) & 0xff,
    ...tail];
  const outer = pre.length + loopBody.length + 2;
  if (outer > 128 || atTail > 127) return null; // rel8 reach
  return [0xb9, ...d32(150 + rng.below(150)), ...pre, ...loopBody, 0x75, -outer & 0xff, ...post,
    0x8b, 0x05, ...d32(0x5000), 0x03, 0x1d, ...d32(0x5004), 0xf4];
}

describe("kernel/cpu: loops with two ways round (side loops) in whole blocks match single steps (seeded fuzz)", () => {
  const TWO_WAY_PROGRAMS = 24;
  it(`${TWO_WAY_PROGRAMS} programs, seed ${SEED}, budgets ${SLICES.join(", ")}`, function () {
    this.timeout(300_000);
    const rng = new Rng(SEED + 1);
    let ran = 0;
    let sideLoops = 0;
    while (ran < TWO_WAY_PROGRAMS) {
      const code = twoWays(rng);
      if (code === null) continue;
      // Every run with a block dump (it shows the compiled source); the whole run's tells whether a side loop formed.
      let formed = false;
      matchesSingleSteps(code, ++ran, (c, slice) => {
        setBlockDump({ write: (text) => void (formed ||= slice === SLICES[0] && /\bsl\d+: for/.test(text)), disasm: () => "" });
        try {
          return runInSlices(c, slice);
        } finally {
          setBlockDump(null);
        }
      });
      if (formed) sideLoops++;
    }
    // The fuzz must reach what it is for: programs whose blocks form a side loop.
    expect(sideLoops).to.be.at.least(TWO_WAY_PROGRAMS / 4);
  });
});
