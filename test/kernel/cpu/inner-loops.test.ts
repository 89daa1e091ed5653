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
 * 0x0a: dec ebx                    (a DEC before the inner head, as at its back edge: the decoder knows the same
 *                                   producer both ways in)
 * 0x0b: BODY                       (inner head)
 *       dec edi; jnz 0x0b
 *       out 0x80, al; dec ecx; jnz 0x05; hlt
 */
function nested(body: readonly number[]): number[] {
  const back = -(body.length + 1 + 2);
  const outer = -(5 + 1 + body.length + 1 + 2 + 2 + 1 + 2);
  return [0xb9, ...d32(40), 0xbf, ...d32(5), 0x4b, ...body, 0x4f, 0x75, back & 0xff, 0xe6, 0x80, 0x49, 0x75, outer & 0xff, 0xf4];
}
/** add ebx, esi; add esi, 0x3b9aca07 (a carry on some passes); adc edx, 0: the pass writes its flags first. */
const SUMS = [0x01, 0xf3, 0x81, 0xc6, ...d32(0x3b9aca07), 0x83, 0xd2, 0x00];
/** adc edx, 0 first: the pass reads CF from before it, from the locals (a DEC's record both ways in). */
const ADC_FIRST = [0x83, 0xd2, 0x00, 0x81, 0xc6, ...d32(0x3b9aca07)];
/** pushf; pop edx first: the pass reads the flags through the CPU, which holds them only once they are stored. */
const PUSHF_FIRST = [0x9c, 0x5a, 0x81, 0xc6, ...d32(0x3b9aca07)];

function blockSource(code: readonly number[], at: number): string {
  const fetch = (off: number): number => code[at + off] ?? -1;
  return compileBlock(decodeRun(fetch, CODE + at, flat32Mode(0), 48, DEFAULT_COST_MODEL, { follow: true })).source;
}

describe("kernel/cpu: inner loops of a block", () => {
  it("a Jcc back to the middle of the main path loops inside the block, through its own label", () => {
    const first = blockSource(nested(SUMS), 0);
    expect(first).to.match(/in3: ?for \(;;\) \{/);
    expect(first).to.include("continue in3;");
    // The block from the outer head loops there too: its own pass restarts through its label.
    const outer = blockSource(nested(SUMS), 5);
    expect(outer).to.match(/pass: ?for \(;;\)/);
    expect(outer).to.include("continue pass;");
    expect(outer).to.include("continue in2;");
  });

  it("a pass that reads the flags through the CPU before it writes them stays an exit", () => {
    expect(blockSource(nested(ADC_FIRST), 0)).to.match(/in3: ?for/); // ADC reads CF from the locals
    expect(blockSource(nested(PUSHF_FIRST), 0)).to.not.match(/in\d+: ?for/);
  });

  // Found by a differential fuzz of nested loops (blocks against single steps). In both, a fragment of the pass is
  // specialised for the flag producer the decoder knew before the loop head, and another producer reaches the
  // head on the back edge.
  const SPECIALISED: readonly (readonly [string, string])[] = [
    // mov ecx, 26; dec edx; add ebx, ebx; mov edi, 2; L: sbb eax, eax (CF compared as ADD left it); sub edx, edx;
    // dec edi; jnz L; sub edx, edx; rol eax, 4; dec ecx; jnz 5; hlt
    ["SBB after ADD", "b91a0000004a01dbbf0200000019c029d24f75f929d2c1c0044975e9f4"],
    // mov ecx, 27; 5: mov edi, 6; cmc; inc eax; jb +2; test eax, eax; dec edi (CF = 0 after TEST, a constant);
    // jnz 5+5; dec ecx; jnz 5; xor eax, eax; mov eax, [0x5000]; add ebx, [0x5004]; hlt. The block decodes its
    // head twice, and the JB's forward target is the DEC it decoded first.
    ["DEC after TEST", "b91b000000bf06000000f540720285c04f75f74975ef31c08b0500500000031d04500000f4"],
  ];
  for (const [name, hex] of SPECIALISED) {
    it(`${name}: a pass whose head was compiled for another producer stays an exit, and runs as single steps do`, () => {
      const code = [...Buffer.from(hex, "hex")];
      const steps = runInSlices(code, 1);
      for (const slice of [1_000_000, 3, 7, 13, 29, 97]) expect(runInSlices(code, slice).state, `slices of ${slice}`).to.deep.equal(steps.state);
    });
  }

  // [name, body, its instructions]
  for (const [name, body, n] of [["flags written first", SUMS, 3], ["ADC first", ADC_FIRST, 2], ["PUSHF first", PUSHF_FIRST, 3]] as const) {
    it(`${name}: every budget gives what single steps give`, () => {
      const code = nested(body);
      const steps = runInSlices(code, 1);
      expect(steps.cpu.instructions).to.equal(2 + 40 * (2 + 5 * (n + 2) + 3));
      expect(runInSlices(code, 1_000_000).state).to.deep.equal(steps.state);
      for (const slice of [2, 7, 13, 29, 101]) {
        const run = runInSlices(code, slice);
        expect(run.state, `slices of ${slice}`).to.deep.equal(steps.state);
        expect(run.seen, `cycles at each OUT, slices of ${slice}`).to.deep.equal(steps.seen);
      }
    });
  }
});
