// Blocks as trees of paths (issue 14): a Jcc side exit that a loop takes on many passes gets its taken side
// inlined as a side path when the block is compiled again (decodeRun's inlineJcc, block-shape.ts), so a
// branch that goes either way stays inside the block. The accounting is per path: every register, flag,
// cycle and instruction count, and the cycle count a port sees from inside a side path, must be what
// single-stepping shows, at any budget.
import { expect } from "chai";
import { DEFAULT_COST_MODEL } from "../../../kernel/cpu/cost-model";
import { compileBlock, decodeRun } from "../../../kernel/cpu/decoder/block-builder";
import { shapeOf } from "../../../kernel/cpu/decoder/block-shape";
import { flat32Mode } from "../../../kernel/cpu/seg-mode";
import { CODE } from "../../support/flat-ring0";
import { runInSlices } from "../../support/slices";

// 0x00: mov ecx, 1000
// 0x05: test cl, 1 ; jz 0x0f ; add eax, 3 ; jmp 0x12
// 0x0f: add ebx, 5
// 0x12: out 0x80, al ; dec ecx ; jnz 0x05
// 0x17: hlt
const DIAMOND = [
  0xb9, 0xe8, 0x03, 0x00, 0x00,
  0xf6, 0xc1, 0x01, 0x74, 0x05, 0x83, 0xc0, 0x03, 0xeb, 0x03,
  0x83, 0xc3, 0x05,
  0xe6, 0x80, 0x49, 0x75, 0xee,
  0xf4,
];

/** Runs DIAMOND to the HLT in slices of `slice` cycles. */
function runDiamond(slice: number): { state: number[]; seen: number[]; inlined: number } {
  const r = runInSlices(DIAMOND, slice);
  return { state: r.state, seen: r.seen, inlined: r.cpu.inlinedJccs };
}

/** Runs `code` in slices of each budget in `slices` and expects the state and the cycles at every OUT that single
 * steps give; after the first (a whole run), the CPU's inlined Jccs and cached blocks as `whole` says. Returns the
 * single steps' state. */
function expectAsSingleSteps(code: readonly number[], slices: readonly number[], whole: { inlined: number; blocks: number }): number[] {
  const steps = runInSlices(code, 1);
  slices.forEach((slice, k) => {
    const r = runInSlices(code, slice);
    if (k === 0) {
      expect(r.cpu.inlinedJccs, "inlined Jccs").to.equal(whole.inlined);
      expect(r.cpu.cachedBlocks, "cached blocks").to.equal(whole.blocks);
    }
    expect(r.state, `slices of ${slice}`).to.deep.equal(steps.state);
    expect(r.seen, `slices of ${slice}`).to.deep.equal(steps.seen);
  });
  return steps.state;
}

describe("kernel/cpu: side paths (blocks as trees)", () => {
  it("decodeRun lists an inlined taken side right after its Jcc, ending where it comes back to the start", () => {
    const fetch = (off: number): number => DIAMOND[5 + off] ?? -1;
    const insns = decodeRun(fetch, CODE + 5, flat32Mode(0), 48, DEFAULT_COST_MODEL, { follow: true, inlineJcc: (off) => off === 3 });
    // The JNZ back to the start does not end a path (not taken, it falls through to the HLT).
    expect(insns.map((x) => x.eip - CODE)).to.deep.equal([5, 8, 0x0f, 0x12, 0x14, 0x15, 0x17, 0x0a, 0x0d, 0x12, 0x14, 0x15, 0x17]);
    expect(insns[1]!.side).to.equal(5);
    const shape = shapeOf(insns);
    // Each path ends at its HLT, which gets a position past the instructions; counts and cycles are per path.
    expect(shape.end.map((e, i) => (e ? i : -1)).filter((i) => i >= 0)).to.deep.equal([6, 12]);
    expect(shape.counts[shape.after[6]!]).to.equal(7);
    expect(shape.counts[shape.after[12]!]).to.equal(8); // the main path runs the followed JMP too
    expect(shape.counts[9]).to.equal(4); // the OUT of the main path: test, jz, add, jmp before it
    expect(shape.counts[3]).to.equal(3); // the OUT of the side path: test, jz, add
    expect(shape.cost).to.equal(8);
    const src = compileBlock(insns).source;
    expect(src).to.match(/if \(\(\(lr << 24\) === 0\)\) \{/); // the JZ opens the side path
    // What a port is given back: the cycles charged up front (the dearest path, 8) beyond those run when the OUT
    // ends: 4 on the side path (3 instructions before it), 3 on the main path (4 before it, the followed JMP too).
    expect(src).to.include("s.ioOutAt(128,1,(r0&255),4);");
    expect(src).to.include("s.ioOutAt(128,1,(r0&255),3);");
    expect(() => decodeRun(fetch, CODE + 5, flat32Mode(0), 48, DEFAULT_COST_MODEL, { follow: true })).to.not.throw();
  });

  it("inlines the loop's data-dependent branch, and every count is what single steps give", () => {
    const whole = runDiamond(100_000);
    const steps = runDiamond(1);
    expect(whole.inlined).to.be.greaterThan(0);
    expect(steps.inlined).to.equal(0);
    expect(whole.state).to.deep.equal(steps.state);
    expect(whole.seen).to.deep.equal(steps.seen);
    expect(whole.state.slice(0, 3)).to.deep.equal([1500, 2500, 0]);
  });

  it("stops at the same places at odd budgets (passes of different paths cut by the budget)", () => {
    const steps = runDiamond(1);
    for (const slice of [7, 13, 29, 61]) {
      const r = runDiamond(slice);
      expect(r.state, `slices of ${slice}`).to.deep.equal(steps.state);
      expect(r.seen, `slices of ${slice}`).to.deep.equal(steps.seen);
    }
  });
});

// 0x00: mov ecx, 1000
// 0x05: call 0x14 ; out 0x80, al ; dec ecx ; jnz 0x05 ; hlt
// 0x14: test cl, 1 ; jz 0x1d ; add eax, 3 ; ret
// 0x1d: add ebx, 5 ; ret
// A function with two returns, taking either on alternate calls (bench-list's sort: one element or more). The
// taken side of its JZ never comes back to the block start, but it ends at a RET of its own: inlined, it saves the
// block that would run it, a dispatch on every other pass.
const EARLY_RET = [
  0xb9, 0xe8, 0x03, 0x00, 0x00,
  0xe8, 0x0a, 0x00, 0x00, 0x00, 0xe6, 0x80, 0x49, 0x75, 0xf6, 0xf4,
  0x90, 0x90, 0x90, 0x90,
  0xf6, 0xc1, 0x01, 0x74, 0x04, 0x83, 0xc0, 0x03, 0xc3,
  0x83, 0xc3, 0x05, 0xc3,
];

describe("kernel/cpu: side paths that end at a return of their own", () => {
  it("decodeRun keeps a side path that ends at a RET, though it does not come back to the start", () => {
    const fetch = (off: number): number => EARLY_RET[5 + off] ?? -1;
    const insns = decodeRun(fetch, CODE + 5, flat32Mode(0), 48, DEFAULT_COST_MODEL, { follow: true, inlineJcc: (off) => off === 0x12 });
    expect(insns.map((x) => x.eip - CODE)).to.deep.equal([5, 0x14, 0x17, 0x1d, 0x20, 0x19, 0x1c]);
    expect(insns[2]!.side).to.equal(2);
  });

  it("inlines it once the block has seen the JZ taken, and every count is what single steps give", () => {
    // Dropped, the side path would leave the block at the JZ for a fifth block at 0x1d.
    const steps = expectAsSingleSteps(EARLY_RET, [100_000, 7, 13, 29], { inlined: 1, blocks: 4 });
    expect(steps.slice(0, 3)).to.deep.equal([1500, 2500, 0]);
  });
});

// 0x00: mov ecx, 1000
// 0x05: test cl, 7 ; jnz 0x0d (taken on 7 passes in 8) ; add ebx, 5
// 0x0d: inc edx x 60 ; out 0x80, al ; dec ecx ; jnz 0x05
// 0x4e: hlt
// A block longer than MAX_BLOCK, so no block loops: the one that runs through the JNZ back to 0x05 leaves at the
// forward JNZ to 0x0d on most runs, whose taken side is too long to come back as a side path. It follows it.
const LIKELY = [
  0xb9, 0xe8, 0x03, 0x00, 0x00,
  0xf6, 0xc1, 0x07, 0x75, 0x03, 0x83, 0xc3, 0x05,
  ...new Array<number>(60).fill(0x42), 0xe6, 0x80, 0x49, 0x75, 0xb7,
  0xf4,
];

function runLikely(slice: number): { state: number[]; seen: number[]; likely: number } {
  const r = runInSlices(LIKELY, slice);
  return { state: r.state, seen: r.seen, likely: r.cpu.likelyJccs };
}

// 0x00: mov esi, 200
// 0x05: mov ecx, 3
// 0x0a: dec ecx ; jz 0x12 ; add eax, 1 ; jmp 0x0a      (a block that loops: its JZ is taken once per run)
// 0x12: nop x 10 ; out 0x80, al ; dec esi ; jnz 0x05
// 0x21: hlt
const LOOP_EXIT = [
  0xbe, 0xc8, 0x00, 0x00, 0x00,
  0xb9, 0x03, 0x00, 0x00, 0x00,
  0x49, 0x74, 0x05, 0x83, 0xc0, 0x01, 0xeb, 0xf8,
  ...new Array<number>(10).fill(0x90), 0xe6, 0x80, 0x4e, 0x75, 0xe4,
  0xf4,
];

describe("kernel/cpu: forward Jccs taken on most runs (likelyJcc)", () => {
  it("decodeRun follows a likely Jcc whose taken side does not come back, leaving at its fall-through", () => {
    const fetch = (off: number): number => LIKELY[5 + off] ?? -1;
    const opts = { follow: true, inlineJcc: (off: number) => off === 3 };
    const plain = decodeRun(fetch, CODE + 5, flat32Mode(0), 48, DEFAULT_COST_MODEL, opts);
    expect(plain.map((x) => x.eip - CODE).slice(0, 4)).to.deep.equal([5, 8, 0x0a, 0x0d]); // the side path was dropped
    const insns = decodeRun(fetch, CODE + 5, flat32Mode(0), 48, DEFAULT_COST_MODEL, { ...opts, likelyJcc: (off) => off === 3 });
    expect(insns.map((x) => x.eip - CODE).slice(0, 4)).to.deep.equal([5, 8, 0x0d, 0x0e]);
    expect(insns[1]!.branch!.taken).to.equal(CODE + 0x0a); // inverted: the block leaves at the fall-through
    expect(insns.length).to.equal(48);
    // Unless the profile keeps it as an exit.
    const kept = decodeRun(fetch, CODE + 5, flat32Mode(0), 48, DEFAULT_COST_MODEL, { ...opts, likelyJcc: () => true, keepJcc: (off) => off === 3 });
    expect(kept.map((x) => x.eip - CODE).slice(0, 3)).to.deep.equal([5, 8, 0x0a]);
  });

  it("follows it once the block has seen it taken, and every count is what single steps give", () => {
    const whole = runLikely(100_000);
    const steps = runLikely(1);
    expect(whole.likely).to.equal(1);
    expect(steps.likely).to.equal(0);
    expect(whole.state.slice(0, 4)).to.deep.equal([0, 625, 0, 60000]);
    expect(whole.state).to.deep.equal(steps.state);
    expect(whole.seen).to.deep.equal(steps.seen);
    for (const slice of [7, 29]) expect(runLikely(slice).state, `slices of ${slice}`).to.deep.equal(steps.state);
  });

  it("does not take a looping block's exit for likely: it leaves once per run but falls through on most passes", () => {
    const whole = runInSlices(LOOP_EXIT, 100_000);
    const steps = runInSlices(LOOP_EXIT, 1);
    expect(whole.cpu.inlinedJccs).to.equal(1); // the JZ was judged (taken on every run)...
    expect(whole.cpu.likelyJccs).to.equal(0); // ...but a run is three passes: not followed
    expect(whole.state.slice(0, 3)).to.deep.equal([400, 0, 0]);
    expect(whole.state).to.deep.equal(steps.state);
    expect(whole.seen).to.deep.equal(steps.seen);
  });
});

// 0x00: mov esi, 300
// 0x05: mov ecx, 7                                   (the block start: each round comes back here)
// 0x0a: test ecx, ecx ; jz 0x22                      (H1)
// 0x0e: dec ecx ; test cl, 3 ; jz 0x1d ; add eax, 3 ; test ecx, ecx ; jnz 0x0e ; jmp 0x22   (H2: an inner loop)
// 0x1d: add ebx, 5 ; jmp 0x0a                        (the JZ's taken side goes back to H1, not to the block start)
// 0x22: out 0x80, al ; dec esi ; jnz 0x05 ; hlt
// A loop with two ways round (bench-list's merge): one goes on at H2, the other at H1 before it. Once the JZ's
// taken side is inlined, it is a loop of its own around the inner one (a side loop), and a round runs in one pass.
const TWO_WAYS = [
  0xbe, 0x2c, 0x01, 0x00, 0x00,
  0xb9, 0x07, 0x00, 0x00, 0x00,
  0x85, 0xc9, 0x74, 0x14,
  0x49, 0xf6, 0xc1, 0x03, 0x74, 0x09, 0x83, 0xc0, 0x03, 0x85, 0xc9, 0x75, 0xf3, 0xeb, 0x05,
  0x83, 0xc3, 0x05, 0xeb, 0xe8,
  0xe6, 0x80, 0x4e, 0x75, 0xde, 0xf4,
];

describe("kernel/cpu: side paths that go back to an earlier instruction (side loops)", () => {
  const fetchFrom = (code: readonly number[]) => (off: number): number => code[5 + off] ?? -1;
  const inlineSide = { follow: true, inlineJcc: (off: number) => off === 0x12 - 5 };

  it("decodeRun keeps a side path that goes back to a main-path instruction writing every flag, and the block loops there", () => {
    const insns = decodeRun(fetchFrom(TWO_WAYS), CODE + 5, flat32Mode(0), 48, DEFAULT_COST_MODEL, inlineSide);
    expect(insns.map((x) => x.eip - CODE)).to.deep.equal([5, 0x0a, 0x0c, 0x0e, 0x0f, 0x12, 0x1d, 0x20, 0x14, 0x17, 0x19, 0x1b, 0x22, 0x24, 0x25, 0x27]);
    expect(insns[5]!.side).to.equal(2);
    const src = compileBlock(insns).source;
    // The side loop opens at H1 (index 1) around the inner loop at H2 (index 3), and its back edge charges the pass
    // H1..JMP: test, jz, dec, test, jz, add, jmp.
    expect(src).to.match(/sl5: for \(;;\) \{[^]*in3: for \(;;\) \{/);
    expect(src).to.include("if (s.left >= 7 && bk === 0) {s.left -= 7;s.instructions += 7;continue sl5;}");
  });

  it("drops it when the instruction there depends on the flags the way in left (INC keeps CF)", () => {
    const code = [...TWO_WAYS];
    code.splice(10, 2, 0x41, 0x49); // H1: inc ecx ; dec ecx (ZF as before, but INC reads CF)
    const insns = decodeRun(fetchFrom(code), CODE + 5, flat32Mode(0), 48, DEFAULT_COST_MODEL, inlineSide);
    expect(insns.every((x) => x.side === 0)).to.equal(true);
  });

  // 0x05: mov ecx, 7 ; test eax, eax (CF 0)
  // 0x0c: inc edx ; adc ebx, 0 ; dec ecx ; jz 0x1f ; cmp ecx, 100 (CF 1) ; jb 0x1b ; jmp 0x1f
  // 0x1b: nop ; nop ; jmp 0x0c
  // 0x1f: out 0x80, al ; dec esi ; jnz 0x05 ; hlt
  // The INC at 0x0c writes every status flag and reads none, but it keeps CF: after the TEST on the main path its
  // code writes CF as 0. Come round from the CMP, CF is 1 (the ADC adds it): a loop must not start there.
  const SPECIALISED = [
    0xbe, 0x2c, 0x01, 0x00, 0x00,
    0xb9, 0x07, 0x00, 0x00, 0x00, 0x85, 0xc0,
    0x42, 0x83, 0xd3, 0x00, 0x49, 0x74, 0x0c, 0x83, 0xf9, 0x64, 0x72, 0x03, 0xeb, 0x05, 0x90,
    0x90, 0x90, 0xeb, 0xed,
    0xe6, 0x80, 0x4e, 0x75, 0xe1, 0xf4,
  ];

  it("drops it when the instruction there was compiled for the producer before it (INC after TEST: CF 0)", () => {
    const insns = decodeRun(fetchFrom(SPECIALISED), CODE + 5, flat32Mode(0), 48, DEFAULT_COST_MODEL, { follow: true, inlineJcc: (off) => off === 0x16 - 5 });
    expect(insns.every((x) => x.side === 0)).to.equal(true);
    const steps = runInSlices(SPECIALISED, 1);
    for (const slice of [100_000, 7, 29]) expect(runInSlices(SPECIALISED, slice).state, `slices of ${slice}`).to.deep.equal(steps.state);
  });

  it("runs a round in one pass once the side is inlined, and every count is what single steps give", () => {
    // Inlined: the JZ to the side, and the JZ out of the loop (its side, the round's end, comes back to the start).
    // Without the side loop the block leaves at the JMP back to H1 on every round, for blocks from there (6, not 4).
    const steps = expectAsSingleSteps(TWO_WAYS, [100_000, 3, 7, 13, 29, 97], { inlined: 2, blocks: 4 });
    expect(steps.slice(0, 3)).to.deep.equal([300 * 5 * 3, 300 * 2 * 5, 0]);
  });

  it("does not watch a loop's back edge as a side exit: the block leaves there only when the budget runs out", () => {
    // 0x00: mov ecx, 100000 ; 0x05: add eax, 1 ; dec ecx ; jnz 0x05 ; hlt. Run in slices, each run ends in the loop,
    // at its back edge; a watch counting those as the JNZ taken compiled the block again to inline what it inlines.
    const code = [0xb9, 0xa0, 0x86, 0x01, 0x00, 0x83, 0xc0, 0x01, 0x49, 0x75, 0xfa, 0xf4];
    const sliced = runInSlices(code, 1000);
    expect(sliced.cpu.inlinedJccs, "inlined Jccs").to.equal(0);
    expect(sliced.state).to.deep.equal(runInSlices(code, 1_000_000_000).state);
    expect(sliced.state.slice(0, 3)).to.deep.equal([100_000, 0, 0]);
  });
});
