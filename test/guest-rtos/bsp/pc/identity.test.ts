// Who a partition is, as its RTOS learns it at boot: the XML PartitionName and SystemPartition, from the kernel
// on every binding (PV start-info; on the bare-PC BSP the apx_services identity registers), never a name or flag
// the BSP makes up. The suite's banner line shows both.
import { expect } from "chai";
import { join } from "path";
import { NODE_HOST } from "../../../../kernel/host/node/node-files";
import { missingImages } from "../../../../kernel/cli/test-suite/plan";
import { loadManifest } from "../../../../kernel/cli/test-suite/load-manifest";
import { runSuiteModule } from "../../../../kernel/cli/test-suite/run-module";

const ROOT = join(__dirname, "..", "..", "..", "..", "..");

describe("guest-rtos/bsp/pc: the partition's identity comes from the kernel", function () {
  this.timeout(120_000);
  // part2: partition 1 "part2_tx" is a SystemPartition, partition 2 "part2_rx" is not.
  for (const file of ["part2.xml", "part2.jumptable.xml", "part2.pc.xml"]) {
    it(`${file}: each partition prints its XML name and only the system partition says it is one`, function () {
      const missing = missingImages(ROOT);
      if (missing.length > 0) {
        console.log(`    (skipped: run \`npm run build:guests\`; missing ${missing.join(", ")})`);
        this.skip();
      }
      const run = runSuiteModule(join(ROOT, "partitions", "rtos-tests", file), NODE_HOST, loadManifest(ROOT));
      const banners = run.reports.map((r) => [r.partition, r.lines.find((l) => l.startsWith("rtos-tests: group ")) ?? "(no banner)"]);
      expect(banners).to.deep.equal([
        [1, "rtos-tests: group part2_tx on partition part2_tx (system partition)"],
        [2, "rtos-tests: group part2_rx on partition part2_rx"],
      ]);
    });
  }
});
