import { expect } from "chai";
import { spawnSync } from "child_process";
import { readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join, resolve } from "path";
import { firstRunFigure, sampleFirstRun, type FirstRunSample } from "../../../kernel/bench/first-run";
import { qemuMips } from "../../../kernel/bench/qemu-reference";
import { runInEmulator } from "../../../kernel/bench/emulator-run";

const ROOT = resolve(__dirname, "..", "..", "..", "..");

describe("kernel/bench/first-run and qemu-reference arithmetic", () => {
  it("turns cumulative samples into MIPS per slice and finds the first slice at 90% of the later speed", () => {
    // 1M instructions per 10 ms slice; host ms per slice 100, 20, 2, 1, 1, 1: 10, 50, 500, 1000, 1000, 1000 MIPS.
    const hostMs = [100, 20, 2, 1, 1, 1];
    const compiledSoFar = [40, 43, 43, 44, 44, 44];
    let t = 0;
    const samples: FirstRunSample[] = hostMs.map((ms, i) => {
      t += ms * 1e6;
      return { guestNs: (i + 1) * 10_000_000, instructions: (i + 1) * 1_000_000, hostNs: t, compiled: compiledSoFar[i]! };
    });
    const f = firstRunFigure(samples, 123);
    expect(f.slices.map((s) => [s.guestMs, Math.round(s.mips), s.compiled])).to.deep.equal([[0, 10, 40], [10, 50, 3], [20, 500, 0], [30, 1000, 1], [40, 1000, 0], [50, 1000, 0]]);
    expect(f.steadyMips).to.equal(1000);
    expect(f.fullSpeedAtMs).to.equal(30);
    expect(f.startupMs).to.equal(123);
    // A reset's new CPU counts its compiles from 0 again: the slice counts the new CPU's, never a negative number.
    const reset = firstRunFigure([samples[0]!, { ...samples[1]!, compiled: 2 }], 0);
    expect(reset.slices.map((s) => s.compiled)).to.deep.equal([40, 2]);
  });

  it("samples a real boot slice by slice up to the count the plain run gives", () => {
    const elf = join(ROOT, "build", "guests", "test", "programs", "bench", "bench-crc-O2.elf");
    const samples = sampleFirstRun(new Uint8Array(readFileSync(elf)), elf, "iters=300", () => process.hrtime.bigint());
    expect(samples.length).to.be.greaterThan(3);
    // The first slice compiles the guest's code; the count never goes down in one boot.
    expect(samples[0]!.compiled).to.be.greaterThan(10);
    for (let i = 1; i < samples.length; i++) {
      expect(samples[i]!.guestNs).to.be.greaterThan(samples[i - 1]!.guestNs);
      expect(samples[i]!.instructions).to.be.at.least(samples[i - 1]!.instructions);
      expect(samples[i]!.compiled).to.be.at.least(samples[i - 1]!.compiled);
    }
    expect(samples[samples.length - 1]!.instructions).to.equal(runInEmulator(elf, { commandLine: "iters=300" }).instructions);
  });

  it("scripts/first-run answers --help, and names a missing, an unbootable or an extra argument with its exit status", () => {
    const script = join(ROOT, "dist", "scripts", "first-run.js");
    const run = (...args: string[]) => spawnSync(process.execPath, [script, ...args], { encoding: "utf8" });
    const help = run("--help");
    expect([help.status, help.stdout]).to.deep.equal([0, ""]);
    expect(help.stderr).to.match(/^usage: node dist\/scripts\/first-run\.js GUEST\.elf/);
    expect(run().status).to.equal(2);
    const extra = run("a.elf", "iters=1", "b");
    expect([extra.status, extra.stderr.split("\n")[0]]).to.deep.equal([2, "first-run: unexpected argument b"]);
    const missing = run(join(tmpdir(), "apexvisor-no-such-guest.elf"));
    expect(missing.status).to.equal(1);
    expect(missing.stderr).to.match(/cannot read .*apexvisor-no-such-guest\.elf: ENOENT/);
    const truncated = join(tmpdir(), `apexvisor-first-run-${process.pid}.elf`);
    writeFileSync(truncated, readFileSync(join(ROOT, "build", "guests", "test", "programs", "bench", "bench-crc-O2.elf")).subarray(0, 200));
    const bad = run(truncated);
    rmSync(truncated, { force: true });
    expect([bad.status, bad.stdout]).to.deep.equal([1, ""]);
    expect(bad.stderr).to.match(/no Multiboot v1 header/).and.not.match(/\n\s+at /);
  });

  it("takes QEMU's MIPS from the difference of the full and the baseline run, and refuses a non-positive one", () => {
    expect(qemuMips(2_001_000, 1_000, { fullMs: 1002, baselineMs: 1000, note: "" })).to.equal(1000);
    expect(qemuMips(2_001_000, 1_000, { fullMs: 999, baselineMs: 1000, note: "" })).to.equal(undefined);
  });

  it("scripts/boot-times boots an image RUNS times in its own process and prints the times as one JSON line", function () {
    this.timeout(60_000);
    const script = join(ROOT, "dist", "scripts", "boot-times.js");
    const elf = join(ROOT, "build", "guests", "test", "programs", "bench", "bench-crc-O2.elf");
    const run = (...args: string[]) => spawnSync(process.execPath, [script, ...args], { encoding: "utf8" });
    const ok = run(elf, "2", "iters=300");
    expect(ok.status).to.equal(0);
    const t = JSON.parse(ok.stdout) as { instructions: number; ms: number[]; stdouts: string[]; end: string };
    const here = runInEmulator(elf, { commandLine: "iters=300" });
    expect(t.instructions).to.equal(here.instructions);
    expect(t.ms).to.have.length(2);
    expect(t.ms.every((ms) => ms > 0)).to.equal(true);
    const out = here.stdout.toString("latin1");
    expect([t.end, t.stdouts]).to.deep.equal(["", [out, out]]);
    const help = run("--help");
    expect([help.status, help.stdout]).to.deep.equal([0, ""]);
    expect(help.stderr).to.match(/^usage: node dist\/scripts\/boot-times\.js GUEST\.elf RUNS/);
    expect(run(elf).status).to.equal(2);
    expect(run(elf, "0").stderr.split("\n")[0]).to.equal("boot-times: RUNS must be 1..100, not 0");
    expect(run(elf, "1", "iters=1", "x").status).to.equal(2);
    const missing = run(join(tmpdir(), "apexvisor-no-such-guest.elf"), "1");
    expect([missing.status, missing.stdout]).to.deep.equal([1, ""]);
    expect(missing.stderr).to.match(/cannot read .*apexvisor-no-such-guest\.elf/);
    const junk = join(tmpdir(), `apexvisor-junk-${process.pid}.elf`);
    writeFileSync(junk, "not an ELF image");
    try {
      const bad = run(junk, "1");
      expect([bad.status, bad.stdout]).to.deep.equal([1, ""]);
      expect(bad.stderr).to.match(/^boot-times: .*apexvisor-junk/);
    } finally {
      rmSync(junk, { force: true });
    }
  });
});
