import { expect } from "chai";
import * as path from "node:path";
import { loadConfig } from "../../../kernel/config/load";
import { summarize } from "../../../kernel/config/summary";
import { repoRoot } from "./repo-root";
import { NODE_FILES } from "../../../kernel/host/node/node-files";

describe("kernel/config/summary", () => {
  it("lists partitions, schedule windows, channels and HM tables", () => {
    const r = loadConfig(path.join(repoRoot(), "partitions", "examples", "three-partitions.xml"), NODE_FILES);
    if (!r.ok) throw new Error("example invalid");
    const text = summarize(r.config).join("\n");
    expect(text).to.contain('valid ARINC 653 module "three_partitions"');
    expect(text).to.match(/\[3\] display {2}FV {2}\S+monitor-rtos-pc-O2\.elf {2}memory 8 MiB in 1 region\(s\)/);
    expect(text).to.contain("major frame 100 ms, 4 window(s), initial");
    expect(text).to.contain("    20 ms +30 ms  nav");
    expect(text).to.contain("[1] flight_ctrl.ATTITUDE -> nav.ATTITUDE_IN, display.ATTITUDE_VIEW");
    expect(text).to.contain("health monitoring: system 5 entries, module 1 entries, partition tables 2");
  });
});
