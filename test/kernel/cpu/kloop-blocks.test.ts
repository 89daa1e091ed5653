// A lost optimisation in kernel-style code shows here (issue 14): the kloop benchmark guest's loop body
// (pushf; cli; xchg with memory; popf; a polling in) must compile into one block, not one per exit-ish
// instruction. Read from the block dump (decoder/block-dump.ts) of a short boot of the real guest.
import { expect } from "chai";
import { existsSync } from "fs";
import { join, resolve } from "path";
import { runInEmulator } from "../../../kernel/bench/emulator-run";
import { setBlockDump } from "../../../kernel/cpu/decoder/block-dump";
import { disasmLine } from "../../../kernel/cpu/decoder/disasm";

const ROOT = resolve(__dirname, "..", "..", "..", "..");
const ELF = join(ROOT, "build", "guests", "test", "programs", "bench", "bench-kloop-O2.elf");

/** The mnemonics of a dumped block's listing lines ("  00100090  9c   pushf"). */
function mnemonics(dump: string): string[] {
  return dump
    .split("\n")
    .filter((l) => /^ {2}[0-9a-f]{8} {2}/.test(l))
    .map((l) => l.trim().split(/\s{2,}/)[2]?.split(" ")[0] ?? "");
}

describe("kernel/cpu: kloop guest blocks", () => {
  it("compiles pushf, cli, xchg with memory, popf and in of one round into a single block", function () {
    if (!existsSync(ELF)) this.skip(); // guest images not built (node dist/scripts/build-guests.js)
    const dumps: string[] = [];
    setBlockDump({ write: (t) => dumps.push(t), disasm: disasmLine });
    try {
      const run = runInEmulator(ELF, { commandLine: "iters=50" });
      expect(run.end.kind).to.equal("debugExit");
    } finally {
      setBlockDump(null);
    }
    const wanted = ["pushf", "cli", "xchg", "popf", "in"];
    const whole = dumps.map(mnemonics).filter((m) => wanted.every((w) => m.includes(w)));
    expect(whole.length, "blocks holding a whole pushf..in round").to.be.greaterThan(0);
    // In round order (a block that starts mid-round and runs on through the loop's back edge holds the
    // round rotated; one block must hold it whole and in order).
    const inOrder = (m: readonly string[]): boolean => {
      const p = m.indexOf("pushf");
      const q = m.indexOf("popf", p);
      return p >= 0 && q > p && m.indexOf("in", q) > q;
    };
    expect(whole.some(inOrder), "a block holding pushf ... popf ... in in order").to.equal(true);
  });
});
