// Blocks run through a backward Jcc (a loop's back edge, usually taken) to its target (issue 14: fewer
// block exits); when such a Jcc falls through on most passes instead (a loop exit laid out below the
// body), the CPU sees it and compiles the block again leaving there. Cycles and state never depend on it.
import { expect } from "chai";
import { Cpu } from "../../../kernel/cpu/cpu";
import { DEFAULT_COST_MODEL } from "../../../kernel/cpu/cost-model";
import { decodeRun } from "../../../kernel/cpu/decoder/block-builder";
import { EndOfBytes } from "../../../kernel/cpu/decoder/insn";
import { NO_PORTS } from "../../../kernel/cpu/io";
import { SegMode } from "../../../kernel/cpu/seg-mode";
import { CODE, enterFlatRing0, flatRing0Memory } from "../../support/flat-ring0";

const FLAT32 = SegMode.FlatES | SegMode.FlatCS | SegMode.FlatSS | SegMode.FlatDS | SegMode.FlatFS | SegMode.FlatGS | SegMode.Code32 | SegMode.Stack32;

/** `code` placed at offsets of CODE (gaps are NOPs). */
function image(parts: readonly (readonly [number, readonly number[]])[]): number[] {
  const out: number[] = new Array<number>(0x20).fill(0x90);
  for (const [at, bytes] of parts) bytes.forEach((b, i) => (out[at + i] = b));
  return out;
}

// 0x00: hlt | 0x10: inc eax; cmp eax, 1000; je 0x00; jmp edx (= 0x10) (the JE back is the loop's exit)
const EXIT_BELOW = image([[0x00, [0xf4]], [0x10, [0x40, 0x3d, 0xe8, 0x03, 0x00, 0x00, 0x74, 0xe8, 0xff, 0xe2]]]);
// 0x00: inc ebx; jmp 0x10 | 0x10: inc eax; cmp eax, 1000; jb 0x00; hlt (the JB back is the loop)
const BODY_BELOW = image([[0x00, [0x43, 0xeb, 0x0d]], [0x10, [0x40, 0x3d, 0xe8, 0x03, 0x00, 0x00, 0x72, 0xe8, 0xf4]]]);

function runAt(code: readonly number[]): Cpu {
  const cpu = enterFlatRing0(new Cpu({ memory: flatRing0Memory([0xcf], code), io: NO_PORTS }));
  cpu.eip = CODE + 0x10;
  cpu.edx = CODE + 0x10;
  expect(cpu.run(1_000_000).kind).to.equal("halt");
  return cpu;
}

function fetchOf(code: readonly number[]): (off: number) => number {
  return (off) => {
    const b = code[0x10 + off];
    if (b === undefined || 0x10 + off < 0) throw new EndOfBytes();
    return b;
  };
}

describe("kernel/cpu: blocks through backward Jccs", () => {
  it("decodeRun follows a backward Jcc, inverted, unless told to keep it", () => {
    const through = decodeRun(fetchOf(BODY_BELOW), CODE + 0x10, FLAT32, 48, DEFAULT_COST_MODEL, { follow: true });
    expect(through.map((i) => i.eip - CODE)).to.deep.equal([0x10, 0x11, 0x16, 0x00, 0x01]);
    expect(through[2]!.branch).to.deep.include({ taken: CODE + 0x18, fall: CODE });
    const kept = decodeRun(fetchOf(BODY_BELOW), CODE + 0x10, FLAT32, 48, DEFAULT_COST_MODEL, { follow: true, keepJcc: (off) => off === 6 });
    expect(kept.map((i) => i.eip - CODE)).to.deep.equal([0x10, 0x11, 0x16, 0x18]);
    expect(kept[2]!.branch).to.deep.include({ taken: CODE, fall: CODE + 0x18 });
  });

  it("a backward Jcc that is the loop's exit falls through every pass: the block stops running through it", () => {
    const cpu = runAt(EXIT_BELOW);
    expect([cpu.eax, cpu.eip, cpu.cycles, cpu.instructions]).to.deep.equal([1000, CODE + 1, 4000, 4000]);
    expect(cpu.keptJccs).to.equal(1);
  });

  it("a backward Jcc that is the loop's back edge stays followed (the loop runs inside one block)", () => {
    const cpu = runAt(BODY_BELOW);
    expect([cpu.eax, cpu.ebx, cpu.eip, cpu.cycles, cpu.instructions]).to.deep.equal([1000, 999, CODE + 0x19, 4999, 4999]);
    expect(cpu.keptJccs).to.equal(0);
  });

  it("cycles and state are those of single-stepping either way", () => {
    for (const code of [EXIT_BELOW, BODY_BELOW]) {
      const whole = runAt(code);
      const one = enterFlatRing0(new Cpu({ memory: flatRing0Memory([0xcf], code), io: NO_PORTS }));
      one.eip = CODE + 0x10;
      one.edx = CODE + 0x10;
      while (!one.halted) one.run(1);
      expect([one.eax, one.ebx, one.eip, one.cycles]).to.deep.equal([whole.eax, whole.ebx, whole.eip, whole.cycles]);
    }
  });
});
