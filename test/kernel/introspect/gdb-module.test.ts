// Real gdb on one partition of a running module (run --gdb --gdb-partition): the other partitions keep
// their schedule and print exactly what they print without a debugger.
import { expect } from "chai";
import { spawn, spawnSync } from "child_process";
import { writeFileSync } from "fs";
import { join } from "path";
import { CLI, LiveRun, REPO_ROOT } from "./live-run";
import { scratchDir } from "../../support/scratch-dir";

const MODULE = join(REPO_ROOT, "test", "scenarios", "three-partitions", "module.xml");
const COUNTER = join(REPO_ROOT, "build", "guests", "test", "scenarios", "three-partitions", "guests", "counter-O2.elf");

function others(out: string): string[] {
  return out.split("\n").filter((l) => /^\[(beta|spinner)/.test(l));
}

describe("gdb against one partition of apexvisor run", function () {
  before(function () {
    const r = spawnSync("gdb", ["--version"], { encoding: "utf8" });
    if (r.error !== undefined || r.status !== 0) {
      console.log("      (skipped: gdb is not installed)");
      this.skip();
    }
  });

  it("break, registers, stepi and detach in alpha; beta and spinner print what they print undebugged", async function () {
    const plain = spawnSync(process.execPath, [CLI, "run", MODULE, "--duration", "30ms", "--no-color"], { encoding: "latin1", timeout: 120_000 });
    expect(plain.status).to.equal(0);
    // Long enough that the run cannot reach its end while gdb (host time) is still talking; killed below.
    const run = new LiveRun(["run", MODULE, "--duration", "600s", "--no-color", "--gdb", "127.0.0.1:0", "--gdb-partition", "alpha"]);
    try {
      await run.waitFor(/listening on 127\.0\.0\.1:\d+/);
      const port = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(run.err)![1]);
      const dir = scratchDir("apexvisor-gdbm-");
      const file = join(dir, "s.gdb");
      writeFileSync(file, ["set pagination off", "set confirm off", `target remote 127.0.0.1:${port}`, "monitor partitions", "break main", "continue",
        'printf "AT eip=%x\\n", $eip', "stepi", "stepi", "stepi", 'printf "AFTER eip=%x\\n", $eip', "info registers eflags", "delete", "detach"].join("\n"));
      const out = await new Promise<string>((resolve) => {
        const g = spawn("gdb", ["-batch", "-nx", "-x", file, COUNTER], { stdio: ["ignore", "pipe", "pipe"] });
        let text = "";
        g.stdout.on("data", (b: Buffer) => (text += b.toString()));
        g.stderr.on("data", (b: Buffer) => (text += b.toString()));
        g.on("exit", () => resolve(text));
      });
      expect(out).to.match(/alpha: \w+\nbeta: \w+\nspinner: \w+/);
      expect(out).to.match(/Breakpoint 1, 0x[0-9a-f]+ in main \(\)/);
      const at = /AT eip=([0-9a-f]+)/.exec(out)?.[1];
      const after = /AFTER eip=([0-9a-f]+)/.exec(out)?.[1];
      expect(at).to.be.a("string");
      expect(after).to.be.a("string").and.not.equal(at);
      expect(out).to.match(/eflags\s+0x/);
      if (!/\(Remote target\) detached/.test(out)) console.log(out);
      expect(out).to.match(/\(Remote target\) detached/);
      // After the detach alpha runs on, later than undebugged but with the same lines.
      await run.waitFor(/alpha done, halting/, 60_000);
      const beta = others(plain.stdout).filter((l) => l.startsWith("[beta"));
      expect(beta.length).to.be.greaterThan(3);
      expect(others(run.out).filter((l) => l.startsWith("[beta"))).to.deep.equal(beta);
      expect(run.out.split("\n").filter((l) => l.startsWith("[alpha"))).to.deep.equal(plain.stdout.split("\n").filter((l) => l.startsWith("[alpha")));
    } finally {
      run.kill();
    }
  });
});
