import { expect } from "chai";
import { DEFAULT_COST_MODEL } from "../../../../kernel/cpu/cost-model";
import { compact, compileBlock, decodeRun } from "../../../../kernel/cpu/decoder/block-builder";
import { EndOfBytes } from "../../../../kernel/cpu/decoder/insn";

function fetchOf(code: readonly number[]): (off: number) => number {
  return (off) => {
    const b = code[off];
    if (b === undefined) throw new EndOfBytes();
    return b;
  };
}

/** compact() as it was before it became one pass: six passes, one per pattern (the reference). */
function compactSixPasses(source: string): string {
  return source.replace(/ = /g, "=").replace(/; /g, ";").replace(/\{ /g, "{").replace(/ \}/g, "}").replace(/, /g, ",").replace(/ ([&|^]) /g, "$1");
}

/** Generated text of every one-byte and 0F opcode with a few ModRM bytes, alone and after `cmp eax,ebx`
 * (conditions and carries then read the block-local flag record), in the frames the block compiler puts
 * around it. */
function fragmentCorpus(segMode: number): string[] {
  const texts: string[] = [];
  const tail = [0x01, 0x11, 0x21, 0x31, 0x41, 0x01, 0x01, 0x01, 0x01];
  for (const pre of [[], [0x39, 0xd8]]) {
    for (const map of [[], [0x0f]]) {
      for (let op = 0; op < 256; op++) {
        for (const modrm of [0x00, 0x05, 0x44, 0x84, 0xc1, 0xd8]) {
          let insns;
          try {
            insns = decodeRun(fetchOf([...pre, ...map, op, modrm, ...tail]), 0x1000, segMode, 2, DEFAULT_COST_MODEL);
          } catch (e) {
            if (e instanceof EndOfBytes) continue;
            throw e;
          }
          for (const ins of insns) {
            texts.push(`{ ${ins.code} }`, ins.store);
            if (ins.branch !== undefined) texts.push(`if (${ins.branch.cond}) { return 1; }`);
          }
        }
      }
    }
  }
  return texts;
}

describe("kernel/cpu/decoder/block-builder", () => {
  // inc eax; add ebx,2; jmp back to the start
  const loop = [0x40, 0x83, 0xc3, 0x02, 0xeb, 0xfa];
  const segFlat = 0x3f;

  it("identical blocks share one compiled function; other code or another address does not", () => {
    const a = compileBlock(decodeRun(fetchOf(loop), 0x1000, segFlat, 48, DEFAULT_COST_MODEL));
    const b = compileBlock(decodeRun(fetchOf(loop), 0x1000, segFlat, 48, DEFAULT_COST_MODEL));
    expect(b.fn).to.equal(a.fn);
    const moved = compileBlock(decodeRun(fetchOf(loop), 0x2000, segFlat, 48, DEFAULT_COST_MODEL));
    expect(moved.fn).to.not.equal(a.fn);
    const other = compileBlock(decodeRun(fetchOf([0x48, ...loop.slice(1)]), 0x1000, segFlat, 48, DEFAULT_COST_MODEL));
    expect(other.fn).to.not.equal(a.fn);
  });

  it("compact() in one pass gives what the six passes it replaced gave, on the text of every opcode", () => {
    let changed = 0;
    for (const text of fragmentCorpus(segFlat)) {
      const c = compact(text);
      expect(c, text).to.equal(compactSixPasses(text));
      if (c !== text) changed++;
    }
    expect(changed).to.be.greaterThan(1000);
  });
});
