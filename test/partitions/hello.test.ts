// Boots the example guest partitions/hello in the emulator and checks what it reports: the greeting, the
// memory sizes the Multiboot loader passed for the configured RAM, the command line, and a clean exit.
import { expect } from "chai";
import { spawnSync } from "child_process";
import { join, resolve } from "path";
import { imagePath, readManifest } from "../../kernel/bench/guest-manifest";
import { findToolchain, ToolchainError } from "../../scripts/lib/toolchain";
import { describeEnd, runInEmulator } from "../../kernel/bench/emulator-run";

const ROOT = resolve(__dirname, "..", "..", "..");

describe("partitions/hello", function () {
  let elf = "";

  before(function () {
    this.timeout(300_000);
    try {
      findToolchain();
    } catch (e) {
      if (!(e instanceof ToolchainError)) throw e;
      process.stdout.write(`      (skipping: ${e.message.split("\n")[0]})\n`);
      this.skip();
    }
    const built = spawnSync(process.execPath, [join(ROOT, "dist", "scripts", "build-guests.js")], { encoding: "utf8" });
    if (built.status !== 0) throw new Error(`build-guests failed:\n${built.stdout}${built.stderr}`);
    const [spec] = readManifest(ROOT, join(ROOT, "partitions", "hello", "guest.json"));
    if (spec === undefined) throw new Error("partitions/hello/guest.json names no image");
    elf = imagePath(ROOT, spec, "O2");
  });

  it("greets, reports 64 MiB of RAM and its command line, and exits with status 0", function () {
    const run = runInEmulator(elf, { commandLine: "hi there", maxInstructions: 10_000_000 });
    const lines = run.stdout.toString("latin1").split("\n");
    expect(lines[0]).to.equal("Hello from a Multiboot guest on apexvisor!");
    expect(lines).to.include("hello: memory below 1 MiB: 639 KiB, above 1 MiB: 64384 KiB");
    expect(lines).to.include(`hello: command line "${elf} hi there"`);
    expect(describeEnd(run.end)).to.equal("debug exit, status 1");
  });
});
