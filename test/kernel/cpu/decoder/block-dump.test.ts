// Block dumps load the disassembler (and with it the opcode tables) only when a block is dumped, so a
// process that never dumps does not build the tables at start-up.
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as path from "node:path";

describe("kernel/cpu/decoder/block-dump", () => {
  it("a machine loads no opcode table until the first block dump, then disassembles", () => {
    const dist = path.join(__dirname, "..", "..", "..", "..");
    const script = `
      const loaded = () => Object.keys(require.cache).filter((k) => /decoder[\\\\/](disasm|opcodes[^\\\\/]*)\\.js$/.test(k)).length;
      require(${JSON.stringify(path.join(dist, "kernel", "machine", "pc-boot.js"))});
      const before = loaded();
      const { formatBlock } = require(${JSON.stringify(path.join(dist, "kernel", "cpu", "decoder", "block-dump.js"))});
      const text = formatBlock([{ eip: 0x1000, len: 1 }], () => 0x90, 0x1000, 1, "return 1;");
      console.log(JSON.stringify({ before, after: loaded(), text }));`;
    const r = spawnSync(process.execPath, ["-e", script], { encoding: "utf8" });
    expect(r.status, r.stderr).to.equal(0);
    const out = JSON.parse(r.stdout) as { before: number; after: number; text: string };
    expect(out.before).to.equal(0);
    expect(out.after).to.be.greaterThan(1);
    expect(out.text).to.contain("nop");
  });
});
