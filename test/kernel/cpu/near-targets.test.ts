// Near transfers run through to their usual target (issue 14). A block that ends with RET or JMP r/m (a
// switch's jump table, a state machine) watches where it goes; a target taken on three passes in four or more is
// remembered for that block (Cpu.likelyTarget), and the block is compiled again to go on there behind a guard, leaving with EIP
// as the transfer set it whenever it goes anywhere else. When the usual target is the block's own start, the
// block loops there instead. Every register, cycle, instruction count and port time must be what single steps
// give, at any budget.
import { expect } from "chai";
import { DEFAULT_COST_MODEL } from "../../../kernel/cpu/cost-model";
import { compileBlock, decodeRun } from "../../../kernel/cpu/decoder/block-builder";
import { flat32Mode } from "../../../kernel/cpu/seg-mode";
import { CODE } from "../../support/flat-ring0";
import { runInSlices } from "../../support/slices";

const A = CODE + 0x11;
const B = CODE + 0x16;
// 0x00: mov ecx, 1000
// 0x05: mov eax, ecx ; and eax, 3 ; jmp [eax*4 + TABLE]   (TABLE: B, A, A, A: A on three passes in four)
// 0x11 (A): add ebx, 1 ; jmp 0x20
// 0x16 (B): add edx, 1 ; jmp 0x20
// 0x20: out 0x80, al ; dec ecx ; jnz 0x05 ; hlt
const SWITCH = [
  0xb9, 0xe8, 0x03, 0x00, 0x00,
  0x89, 0xc8, 0x83, 0xe0, 0x03, 0xff, 0x24, 0x85, 0x40, 0x00, 0x01, 0x00,
  0x83, 0xc3, 0x01, 0xeb, 0x0a,
  0x83, 0xc2, 0x01, 0xeb, 0x05,
  0x90, 0x90, 0x90, 0x90, 0x90,
  0xe6, 0x80, 0x49, 0x75, 0xe0, 0xf4,
  ...new Array<number>(0x40 - 0x26).fill(0),
  B & 0xff, (B >> 8) & 0xff, B >> 16, 0, ...[1, 2, 3].flatMap(() => [A & 0xff, (A >> 8) & 0xff, A >> 16, 0]),
];

function run(slice: number): { state: number[]; seen: number[]; targets: number } {
  const r = runInSlices(SWITCH, slice);
  return { state: r.state, seen: r.seen, targets: r.cpu.likelyTargets };
}

describe("kernel/cpu: near transfers to their usual target (likelyTarget)", () => {
  const fetchAt = (eip: number) => (off: number): number => SWITCH[eip - CODE + off] ?? -1;

  it("decodeRun runs through a JMP r/m to its usual target behind a guard, and a block loops on one to its start", () => {
    expect(decodeRun(fetchAt(B), B, flat32Mode(0), 48, DEFAULT_COST_MODEL, { follow: true }).at(-1)!.eip).to.equal(CODE + 0x0a); // no profile: it ends there
    // From B the path reaches the JMP at 0x0a (offset 0x0a - 0x16 from B's start); with A as its usual target it goes on at A.
    const jmpOff = 0x0a - 0x16;
    const guarded = decodeRun(fetchAt(B), B, flat32Mode(0), 48, DEFAULT_COST_MODEL, { follow: true, likelyTarget: (off) => (off === jmpOff ? A : -1) });
    const at = guarded.findIndex((x) => x.eip === CODE + 0x0a);
    expect(guarded[at]!.guard).to.equal(A);
    expect(guarded[at + 1]!.eip).to.equal(A);
    expect(compileBlock(guarded).source).to.include(`if (s.eip !== ${A}) {`);
    // From A the same JMP's usual target is A itself: the path ends there and the block loops.
    const jmpFromA = 0x0a - 0x11;
    const looping = decodeRun(fetchAt(A), A, flat32Mode(0), 48, DEFAULT_COST_MODEL, { follow: true, likelyTarget: (off) => (off === jmpFromA ? A : -1) });
    expect(looping.at(-1)!.guard).to.equal(A);
    const src = compileBlock(looping).source;
    expect(src).to.include(`if (s.eip === ${A}) {`);
    expect(src).to.include("continue;");
  });

  it("learns the usual target and matches single steps at every budget", () => {
    const steps = run(1);
    const whole = run(100_000);
    expect(whole.targets).to.be.greaterThanOrEqual(2); // by block: A's and B's blocks each chose A
    expect(steps.targets).to.equal(0);
    expect(whole.state.slice(0, 4)).to.deep.equal([1, 750, 0, 250]);
    expect(whole.state).to.deep.equal(steps.state);
    expect(whole.seen).to.deep.equal(steps.seen);
    for (const slice of [7, 13, 29, 61]) {
      const r = run(slice);
      expect(r.state, `slices of ${slice}`).to.deep.equal(steps.state);
      expect(r.seen, `slices of ${slice}`).to.deep.equal(steps.seen);
    }
  });
});
