// The bare-PC BSP (guest-rtos/bsp/pc) on two hosts: the same image under apexvisor (an FV partition, via the
// suite's pc modules) and under QEMU (`qemu-system-i386 -kernel`) must report the same TEST verdicts.
// Skips, saying why, when QEMU is not installed (CI) or the image is not built.
import { NODE_HOST } from "../../../../kernel/host/node/node-files";
import { expect } from "chai";
import { spawnSync } from "child_process";
import { existsSync } from "fs";
import { join } from "path";
import { SUITE_DIR, SUITE_IMAGES } from "../../../../kernel/cli/test-suite/plan";
import { parseResultLine } from "../../../../kernel/cli/test-suite/results";
import { loadManifest } from "../../../../kernel/cli/test-suite/load-manifest";
import { runSuiteModule } from "../../../../kernel/cli/test-suite/run-module";

const ROOT = join(__dirname, "..", "..", "..", "..", "..");
const QEMU = "qemu-system-i386";
/** Groups compared: deterministic on both hosts (no wall-clock-sensitive cases). */
const GROUPS = ["core", "intra", "partition"];

function qemuAvailable(): boolean {
  const r = spawnSync(QEMU, ["--version"], { encoding: "utf8" });
  return r.error === undefined && r.status === 0;
}

/** "group.name PASS|FAIL" for each TEST line of `text`, in order. */
function verdicts(lines: readonly string[]): string[] {
  return lines.flatMap((l) => {
    const r = parseResultLine(l);
    return r !== null && r.kind === "test" ? [`${r.group}.${r.name} ${r.pass ? "PASS" : "FAIL"}`] : [];
  });
}

function runQemu(image: string, group: string): string[] {
  const args = ["-kernel", image, "-serial", "stdio", "-display", "none", "-monitor", "none", "-no-reboot",
    "-device", "isa-debug-exit,iobase=0xf4,iosize=4", "-append", `group=${group} schedule=1:main`] // as partitions/rtos-tests/*.pc.xml;
  const r = spawnSync(QEMU, args, { encoding: "utf8", timeout: 60_000 });
  return r.stdout.split(/\r?\n/);
}

describe("guest-rtos bare-PC BSP: apexvisor FV vs QEMU", function () {
  this.timeout(120_000);
  for (const group of GROUPS) {
    it(`${group}: the same TEST verdicts on both hosts, all passing`, function () {
      const image = join(ROOT, SUITE_IMAGES.pc);
      if (!existsSync(image)) {
        console.log(`    (skipped: ${SUITE_IMAGES.pc} not built; run \`npm run build:guests\`)`);
        this.skip();
      }
      if (!qemuAvailable()) {
        console.log(`    (skipped: ${QEMU} is not installed on this machine)`);
        this.skip();
      }
      const run = runSuiteModule(join(ROOT, SUITE_DIR, `${group}.pc.xml`), NODE_HOST, loadManifest(ROOT));
      const onApexvisor = verdicts(run.reports.flatMap((r) => r.lines));
      // QEMU runs on host time: on a loaded machine its timing tests (core.lower_waits) can fail once. The
      // reference gets one more run before its verdicts count; apexvisor's side runs once, in virtual time.
      let onQemu = verdicts(runQemu(image, group));
      if (JSON.stringify(onQemu) !== JSON.stringify(verdicts(run.reports.flatMap((r) => r.lines)))) onQemu = verdicts(runQemu(image, group));
      expect(run.problems).to.deep.equal([]);
      expect(onApexvisor.length, "TEST lines under apexvisor").to.be.greaterThan(0);
      expect(onQemu).to.deep.equal(onApexvisor);
      expect(onQemu.filter((v) => v.endsWith(" FAIL"))).to.deep.equal([]);
    });
  }
});
