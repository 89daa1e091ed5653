// Runs every guest test program (test/programs/guest.json) at each optimisation level and checks that it
// prints exactly what the same C prints when built natively with the host gcc: in apexvisor's emulator
// (kernel/machine/pc-boot) and, as an independent cross-check, under qemu-system-i386 when installed.
import { expect } from "chai";
import { spawnSync } from "child_process";
import { join, resolve } from "path";
import { imagePath, readManifest, type GuestImageSpec } from "../kernel/bench/guest-manifest";
import { findToolchain, ToolchainError } from "../scripts/lib/toolchain";
import { describeEnd, runInEmulator } from "../kernel/bench/emulator-run";
import { buildNative, nativeHostSupported, nativeReference, nativeSources, runNative } from "../kernel/bench/native-reference";
import { qemuAvailable, runAllUnderQemu, type QemuRun } from "./programs/qemu-run";

const ROOT = resolve(__dirname, "..", "..");
const MANIFEST = join(ROOT, "test", "programs", "guest.json");
const BENCH_MANIFEST = join(ROOT, "test", "programs", "bench", "guest.json");
/** A few rounds are enough to check a benchmark guest's result; bench:cpu runs the long version. */
const BENCH_SMOKE = "iters=3";
/** A program that returns 0 from main writes 0 to isa-debug-exit, which ends the machine with (0 << 1) | 1. */
const SUCCESS_STATUS = 1;
/** Far above what any program needs at -O0 (about 10 million): a runaway guest stops here. */
const MAX_INSTRUCTIONS = 1_000_000_000;

function cannotBuildGuests(): string | undefined {
  try {
    findToolchain();
    return undefined;
  } catch (e) {
    if (e instanceof ToolchainError) return e.message;
    throw e;
  }
}

describe("guest test programs (test/programs)", function () {
  const specs: readonly GuestImageSpec[] = readManifest(ROOT, MANIFEST);
  const reference = new Map<string, string>();
  let missing: string | undefined;

  before(function () {
    this.timeout(300_000);
    missing = cannotBuildGuests() ?? (nativeHostSupported() ? undefined : "the native reference needs x86-64 Linux and gcc");
    if (missing !== undefined) {
      process.stdout.write(`      (skipping guest programs: ${missing.split("\n")[0]})\n`);
      return;
    }
    const built = spawnSync(process.execPath, [join(ROOT, "dist", "scripts", "build-guests.js")], { encoding: "utf8" });
    if (built.status !== 0) throw new Error(`build-guests failed:\n${built.stdout}${built.stderr}`);
    for (const spec of specs) {
      const ref = nativeReference(ROOT, spec, "O2");
      if (ref.kind === "buildError") throw new Error(`native build of ${spec.name} failed:\n${ref.message}`);
      reference.set(spec.name, ref.run.stdout.toString("latin1"));
    }
    if (!qemuAvailable()) process.stdout.write("      (qemu cross-check skipped: qemu-system-i386 is not installed)\n");
  });

  it("has at least ten programs, each built at -O0, -O2 and -Os", function () {
    expect(specs.length).to.be.at.least(10);
    for (const spec of specs) expect(spec.opt).to.include.members(["O0", "O2", "Os"]);
  });

  describe("native reference (host gcc, x86-64)", function () {
    for (const spec of specs) {
      it(`${spec.name} prints the same at -O0 as at -O2 (no undefined behaviour shows)`, function () {
        if (missing !== undefined) this.skip();
        const o0 = nativeReference(ROOT, spec, "O0");
        if (o0.kind === "buildError") throw new Error(o0.message);
        expect(o0.run.stdout.toString("latin1")).to.equal(reference.get(spec.name));
      });
      it(`${spec.name} passes its own checks`, function () {
        if (missing !== undefined) this.skip();
        const out = reference.get(spec.name) ?? "";
        expect(out.trimEnd().split("\n").pop()).to.equal(`${spec.name}: PASS`);
        expect(out.split("\n").length, "a transcript of several lines").to.be.at.least(4);
      });
    }
  });

  describe("apexvisor emulator", function () {
    for (const spec of specs) {
      for (const opt of spec.opt) {
        it(`${spec.name} -${opt} prints what the native build prints`, function () {
          if (missing !== undefined) this.skip();
          const run = runInEmulator(imagePath(ROOT, spec, opt), { maxInstructions: MAX_INSTRUCTIONS });
          expect(run.stdout.toString("latin1"), describeEnd(run.end)).to.equal(reference.get(spec.name));
          expect(describeEnd(run.end)).to.equal(`debug exit, status ${SUCCESS_STATUS}`);
        });
      }
    }
  });

  // qemu needs most of a second per boot, so by default only the -O2 images are cross-checked;
  // APEXVISOR_QEMU_ALL=1 checks every level.
  describe("qemu-system-i386 cross-check", function () {
    const runs = new Map<string, QemuRun>();
    const levels = (spec: GuestImageSpec): readonly string[] => (process.env["APEXVISOR_QEMU_ALL"] === "1" ? spec.opt : ["O2"]);
    const images = specs.flatMap((spec) =>
      spec.opt.filter((o) => levels(spec).includes(o)).map((opt) => ({ spec, opt, path: imagePath(ROOT, spec, opt) })),
    );
    before(async function () {
      this.timeout(300_000);
      if (missing !== undefined || !qemuAvailable()) return;
      const results = await runAllUnderQemu(images.map((i) => i.path), 2);
      results.forEach((r, i) => runs.set(images[i]?.path ?? "", r));
    });
    for (const { spec, opt, path } of images) {
      it(`${spec.name} -${opt} prints what the native build prints`, function () {
        const run = runs.get(path);
        if (run === undefined) this.skip();
        expect(run.timedOut, "qemu run timed out").to.equal(false);
        expect(run.stdout.toString("latin1")).to.equal(reference.get(spec.name));
        expect(run.status).to.equal(SUCCESS_STATUS);
      });
    }
  });

  it("native builds swap the Multiboot layer for the native shim", function () {
    const spec = specs[0];
    if (spec === undefined) throw new Error("no programs");
    const sources = nativeSources(ROOT, spec);
    expect(sources.some((s) => s.includes("multiboot"))).to.equal(false);
    expect(sources[sources.length - 1]).to.equal(join(ROOT, "test", "programs", "native", "shim.c"));
    expect(sources).to.include(join(ROOT, "guest-rtos", "lib", "format.c"));
  });

  describe("benchmark guests (short runs)", function () {
    for (const spec of readManifest(ROOT, BENCH_MANIFEST)) {
      it(`${spec.name} computes what the native build computes, with the boot command line`, function () {
        if (missing !== undefined) this.skip();
        const b = buildNative(ROOT, spec, "O2");
        if (b.kind === "buildError") throw new Error(b.message);
        const native = runNative(b.binary, BENCH_SMOKE);
        const text = native.stdout.toString("latin1");
        expect(text).to.match(/^bench \S+: iterations=3 checksum=[0-9a-f]{8}\n$/);
        const run = runInEmulator(imagePath(ROOT, spec, "O2"), { commandLine: BENCH_SMOKE, maxInstructions: MAX_INSTRUCTIONS });
        expect(run.stdout.toString("latin1"), describeEnd(run.end)).to.equal(text);
        expect(describeEnd(run.end)).to.equal(`debug exit, status ${SUCCESS_STATUS}`);
      });
    }
  });

  it("a failed self-check shows in the transcript and the exit status", function () {
    if (missing !== undefined) this.skip();
    const first = specs[0];
    if (first === undefined) throw new Error("no programs");
    const spec: GuestImageSpec = {
      ...first,
      name: "check-fails",
      sources: ["native/check-fails.c", ...first.sources.filter((s) => s.includes("guest-rtos"))],
    };
    const ref = nativeReference(ROOT, spec, "O2");
    if (ref.kind === "buildError") throw new Error(ref.message);
    expect(ref.run.stdout.toString("latin1")).to.match(/^FAIL line \d+: 2 \+ 2 == 5$/m);
    expect(ref.run.stdout.toString("latin1")).to.contain("check-fails: FAIL (1)\n");
    expect(ref.run.status).to.equal(1);
  });
});
