// Flags across a looping block's back edge. A pass that reads flags it did not write reads the last pass's:
// an INC/DEC at the loop head takes CF from the block's locals when they hold a record (CURRENT_CF), so the
// block need not store its record into the CPU before each pass; any other such reader (ADC, a Jcc on
// entry flags, a helper) keeps the store at the back edge. Both ways must give what single steps give.
import { expect } from "chai";
import { DEFAULT_COST_MODEL } from "../../../kernel/cpu/cost-model";
import { compileBlock, decodeRun } from "../../../kernel/cpu/decoder/block-builder";
import { flat32Mode } from "../../../kernel/cpu/seg-mode";
import { CODE } from "../../support/flat-ring0";
import { runInSlices } from "../../support/slices";

const L = CODE + 5;
/** mov edi, 200; L: HEAD; add edx, 0x3b9aca07 (a carry on some passes); dec edi (keeps CF); jz done; jmp L;
 * done: out 0x80, al; hlt. The loop leaves by a side exit, so nothing after the back edge stores the flags. */
function loop(head: readonly number[]): number[] {
  const back = -(head.length + 6 + 1 + 2 + 2);
  return [0xbf, 0xc8, 0, 0, 0, ...head, 0x81, 0xc2, 0x07, 0xca, 0x9a, 0x3b, 0x4f, 0x74, 0x02, 0xeb, back & 0xff, 0xe6, 0x80, 0xf4];
}
const INC_ADC = [0x46, 0x83, 0xd3, 0x00]; // inc esi; adc ebx, 0 (the ADC reads CF through the INC)
const ADC = [0x83, 0xd3, 0x00]; // adc ebx, 0 (reads the entry CF itself)

function loopSource(code: readonly number[]): string {
  return compileBlock(decodeRun((off) => code[L - CODE + off] ?? -1, L, flat32Mode(0), 48, DEFAULT_COST_MODEL, { follow: true })).source;
}

describe("kernel/cpu: flags across a looping block's back edge", () => {
  it("an INC at the loop head takes CF from the locals: no store of the record per pass", () => {
    const src = loopSource(loop(INC_ADC));
    expect(src).to.include("continue;");
    expect(src).to.include("s.cfOf(lk,la,lb,lr,lc)");
    expect(src).to.not.match(/fixFlags\(lk,la,lb,lr,lc\);lk=0;/);
  });

  it("an ADC at the loop head reads the CPU's flags: the record is stored before each pass", () => {
    expect(loopSource(loop(ADC))).to.match(/fixFlags\(lk,la,lb,lr,lc\);lk=0;/);
  });

  for (const [name, head] of [["INC; ADC", INC_ADC], ["ADC", ADC]] as const) {
    it(`${name} at the loop head counts the carries single steps count, at every budget`, () => {
      const code = loop(head);
      const steps = runInSlices(code, 1).state;
      const carries = steps[1]!;
      expect(carries).to.be.above(10).and.below(200); // the add carries on some passes, not all
      expect(runInSlices(code, 100_000).state).to.deep.equal(steps);
      for (const slice of [7, 13, 29]) expect(runInSlices(code, slice).state, `slices of ${slice}`).to.deep.equal(steps);
    });
  }
});
