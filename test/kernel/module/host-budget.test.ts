import { expect } from "chai";
import type { SystemConfig } from "../../../kernel/config/model";
import { checkHostBudget, MAX_PARTITIONS } from "../../../kernel/module/host-budget";

function config(n: number, mib: number, kind: "PV" | "FV" = "PV"): SystemConfig {
  const pos = { file: "m.xml", line: 3, column: 1 };
  const partitions = Array.from({ length: n }, (_, i) => ({ id: i + 1, name: `p${i}`, pos, memory: [{ name: undefined, type: "DATA", sizeBytes: mib * 1048576, physicalAddress: undefined, access: "READ_WRITE", shared: undefined, pos }], guest: { kind } }));
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
  it("counts an FV partition's larger block cache (a PC machine's CPU)", () => {
    // 80 partitions of 64 MiB RAM: with 32 MiB caches 7.5 GiB, with 128 MiB (FV) 15.0 GiB, both in budget;
    // 90 FV partitions need 16.9 GiB.
    expect(checkHostBudget(config(80, 64, "FV"))).to.deep.equal([]);
    expect(checkHostBudget(config(90, 64, "PV"))).to.deep.equal([]);
    const d = checkHostBudget(config(90, 64, "FV"));
    expect(d).to.have.length(1);
    expect(d[0]!.message).to.match(/need 16\.9 GiB of host memory \(RAM \+ a block cache each: 32 MiB for PV, 128 MiB for FV\)/);
  });
});
