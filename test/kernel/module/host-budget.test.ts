import { expect } from "chai";
import type { SystemConfig } from "../../../kernel/config/model";
import { checkHostBudget, MAX_PARTITIONS } from "../../../kernel/module/host-budget";

function config(n: number, mib: number): SystemConfig {
  const pos = { file: "m.xml", line: 3, column: 1 };
  const partitions = Array.from({ length: n }, (_, i) => ({ id: i + 1, name: `p${i}`, pos, memory: [{ name: undefined, type: "DATA", sizeBytes: mib * 1048576, physicalAddress: undefined, access: "READ_WRITE", shared: undefined, pos }], guest: { kind: "PV" } }));
  return { file: "m.xml", partitions } as unknown as SystemConfig;
}

describe("kernel/module/host-budget", () => {
  it("accepts an ordinary module", () => {
    expect(checkHostBudget(config(3, 4))).to.deep.equal([]);
  });
  it("refuses more partitions than supported", () => {
    const d = checkHostBudget(config(MAX_PARTITIONS + 1, 1));
    expect(d.map((x) => x.message).join()).to.contain(`at most ${MAX_PARTITIONS} are supported`);
  });
  it("refuses more host memory than the budget", () => {
    const d = checkHostBudget(config(40, 512));
    expect(d).to.have.length(1);
    expect(d[0]!.message).to.match(/need 21\.3 GiB of host memory .* budget is 16 GiB/);
  });
});
