// Runs `apexvisor bench --quick` once so the benchmark cannot rot, and pins its exact figures (guest
// instructions and modeled cycles per service and call path) to test/bench/expected-counts.json: an
// accidental change to a call path shows up here. No host time is checked. Skips without an i386 toolchain.
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { main } from "../kernel/cli/main";
import { exactCounts, type BenchReport } from "../kernel/bench/report";
import { guestToolchain, REPO_ROOT } from "./paravirt-abi/lib/build";

describe("apexvisor bench --quick", function () {
  this.timeout(180_000);
  let dir: string;
  before(function () {
    if (guestToolchain() === null) {
      console.log("    (skipped: no i386 guest toolchain on this machine)");
      this.skip();
    }
    dir = mkdtempSync(join(tmpdir(), "apexvisor-bench-"));
  });
  after(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it("runs every benchmark and keeps the recorded exact counts per call path", async () => {
    const json = join(dir, "bench.json");
    const out = process.stdout.write;
    let printed = "";
    process.stdout.write = ((s: string): boolean => ((printed += s), true)) as typeof process.stdout.write;
    let code: number;
    try {
      code = await main(["bench", "--quick", "--json", json, "--md", join(dir, "bench.md"), "--html", join(dir, "bench.html")]);
    } finally {
      process.stdout.write = out;
    }
    expect(code).to.equal(0);
    const report = JSON.parse(readFileSync(json, "utf8")) as BenchReport;
    const expected = JSON.parse(readFileSync(join(REPO_ROOT, "test", "bench", "expected-counts.json"), "utf8")) as unknown;
    expect(exactCounts(report)).to.deep.equal(expected);
    expect(report.switching.map((s) => s.partitions)).to.deep.equal([2, 10, 100, 1000]);
    // Snapshot rows (issue 9): demo module and 64 MiB boot, full and incremental; a delta is far smaller than its base.
    expect(report.snapshots.map((s) => s.kind)).to.deep.equal(["full", "incremental", "full", "incremental"]);
    const [demoFull, demoDelta, bootFull, bootDelta] = report.snapshots;
    expect(demoDelta!.bytes).to.be.below(demoFull!.bytes / 4);
    expect(bootDelta!.bytes).to.be.below(bootFull!.bytes / 4);
    expect(printed).to.include("## Call paths").and.include("## Cost model assumptions");
    expect(readFileSync(join(dir, "bench.html"), "utf8")).to.include("<svg");
  });
});
