// The guest runtime's %f %e %g (guest-rtos/lib/format-float.c) against the host C library: a host
// program formats special values and 5,000 random doubles both ways under 24 formats and lists every
// difference. The guest programs test only compares the runtime with itself (guest vs native), so this
// is what shows the digits are right. Skips when the host has no gcc.
import { expect } from "chai";
import { spawnSync } from "child_process";
import { mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join, resolve } from "path";

const ROOT = resolve(__dirname, "..", "..", "..", "..");
const LIB = join(ROOT, "guest-rtos", "lib");

describe("guest-rtos/lib/format-float: %f %e %g against the host C library", function () {
  it("formats every value as glibc does", function () {
    this.timeout(120_000);
    if (process.platform !== "linux" || spawnSync("gcc", ["--version"]).status !== 0) {
      console.log("      (skipped: needs Linux and gcc with its C library)");
      this.skip();
    }
    const dir = mkdtempSync(join(tmpdir(), "apexvisor-fmt-"));
    try {
      const exe = join(dir, "fmt");
      const sources = [join(ROOT, "test", "guest-rtos", "lib", "format-float-libc.c"), join(LIB, "format.c"), join(LIB, "format-float.c")];
      const cc = spawnSync("gcc", ["-O2", "-DRT_FLOAT", `-I${join(LIB, "include")}`, "-Wall", "-Wextra", "-Werror", ...sources, "-o", exe], { encoding: "utf8" });
      expect(cc.status, cc.stderr).to.equal(0);
      const run = spawnSync(exe, [], { encoding: "utf8", timeout: 100_000 });
      expect(run.stdout).to.match(/^\d+ formatted, 0 differ\n$/);
      expect(run.status).to.equal(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
