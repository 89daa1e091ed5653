// Block dumps bring their own disassembler (the CLI loads it when a dump is asked for), so a machine, and
// the CLI's boot command, load no opcode table until then.
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as path from "node:path";

describe("kernel/cpu/decoder/block-dump", () => {
  it("a machine and the boot command load no opcode table until block dumps are turned on", () => {
    const dist = path.join(__dirname, "..", "..", "..", "..");
    const mod = (...p: string[]): string => JSON.stringify(path.join(dist, "kernel", ...p));
    const script = `
      const loaded = () => Object.keys(require.cache).filter((k) => /decoder[\\\\/](disasm|opcodes[^\\\\/]*)\\.js$/.test(k)).length;
      require(${mod("machine", "pc-boot.js")});
      require(${mod("cli", "commands", "boot.js")});
      const before = loaded();
      require(${mod("cli", "dump-blocks.js")}).dumpBlocksToStderr();
      const sink = require(${mod("cpu", "decoder", "block-dump.js")}).blockDumpSink();
      console.log(JSON.stringify({ before, after: loaded(), nop: sink.disasm(0x1000, [0x90]) }));`;
    const r = spawnSync(process.execPath, ["-e", script], { encoding: "utf8" });
    expect(r.status, r.stderr).to.equal(0);
    const out = JSON.parse(r.stdout) as { before: number; after: number; nop: string };
    expect(out.before).to.equal(0);
    expect(out.after).to.be.greaterThan(1);
    expect(out.nop).to.contain("nop");
  });
});
