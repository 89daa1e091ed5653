// Inner loops (decoder/inner-loops.ts): a Jcc back to an earlier instruction of a block's main path (not its
// start) loops inside the block function, each extra pass charged on top of the block's own, instead of leaving
// the block on every pass. Runs must be what single steps give, at every budget; a pass that could see flags
// the decoder specialised for another way in stays an exit.
import { expect } from "chai";
import { DEFAULT_COST_MODEL } from "../../../kernel/cpu/cost-model";
import { compileBlock, decodeRun } from "../../../kernel/cpu/decoder/block-builder";
import { flat32Mode } from "../../../kernel/cpu/seg-mode";
import { CODE } from "../../support/flat-ring0";
import { runInSlices } from "../../support/slices";
import { d32 } from "./snippets";

/**
 * Nested loops, the inner one's head in the middle of the outer one's block:
 * 0x00: mov ecx, 40
 * 0x05: mov edi, 5                 (outer head)
 * 0x0a: BODY                       (inner head)
 *       dec edi; jnz 0x0a
 *       out 0x80, al; dec ecx; jnz 0x05; hlt
 */
function nested(body: readonly number[]): number[] {
  const back = -(body.length + 1 + 2);
  const outer = -(5 + body.length + 1 + 2 + 2 + 1 + 2);
  return [0xb9, ...d32(40), 0xbf, ...d32(5), ...body, 0x4f, 0x75, back & 0xff, 0xe6, 0x80, 0x49, 0x75, outer & 0xff, 0xf4];
}
/** add ebx, esi; add esi, 0x3b9aca07 (a carry on some passes); adc edx, 0: the pass writes its flags first. */
const SUMS = [0x01, 0xf3, 0x81, 0xc6, ...d32(0x3b9aca07), 0x83, 0xd2, 0x00];
/** adc edx, 0 first: the pass reads CF from before it (DEC's record on the back edge, ADD's on the way in). */
const ADC_FIRST = [0x83, 0xd2, 0x00, 0x81, 0xc6, ...d32(0x3b9aca07)];

function blockSource(code: readonly number[], at: number): string {
  const fetch = (off: number): number => code[at + off] ?? -1;
  return compileBlock(decodeRun(fetch, CODE + at, flat32Mode(0), 48, DEFAULT_COST_MODEL, { follow: true })).source;
}

describe("kernel/cpu: inner loops of a block", () => {
  it("a Jcc back to the middle of the main path loops inside the block, through its own label", () => {
    const first = blockSource(nested(SUMS), 0);
    expect(first).to.match(/in2: ?for \(;;\) \{/);
    expect(first).to.include("continue in2;");
    // The block from the outer head loops there too: its own pass restarts through its label.
    const outer = blockSource(nested(SUMS), 5);
    expect(outer).to.match(/pass: ?for \(;;\)/);
    expect(outer).to.include("continue pass;");
    expect(outer).to.include("continue in1;");
  });

  it("a pass that reads flags from before it, set by another producer on each way in, stays an exit", () => {
    expect(blockSource(nested(ADC_FIRST), 0)).to.not.match(/in\d+: ?for/);
  });

  for (const [name, body] of [["flags written first", SUMS], ["ADC first", ADC_FIRST]] as const) {
    it(`${name}: every budget gives what single steps give`, () => {
      const code = nested(body);
      const steps = runInSlices(code, 1);
      expect(steps.cpu.instructions).to.equal(2 + 40 * (1 + 5 * (body === SUMS ? 5 : 4) + 3));
      expect(runInSlices(code, 1_000_000).state).to.deep.equal(steps.state);
      for (const slice of [2, 7, 13, 29, 101]) {
        const run = runInSlices(code, slice);
        expect(run.state, `slices of ${slice}`).to.deep.equal(steps.state);
        expect(run.seen, `cycles at each OUT, slices of ${slice}`).to.deep.equal(steps.seen);
      }
    });
  }
});
