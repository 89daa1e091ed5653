// The benchmarks' synthetic module configurations: windows back to back, one per partition, and a
// major frame that is their sum; the PV partition of the call-path benchmark carries its port.
import { expect } from "chai";
import { benchModule, benchPartition } from "../../../kernel/bench/bench-config";
import { checkRunnable } from "../../../kernel/config/run-checks";

describe("kernel/bench/bench-config", () => {
  it("builds a round-robin module with one window per partition", () => {
    const c = benchModule([benchPartition(1), benchPartition(2), benchPartition(3)], 1000);
    const s = c.schedules[0]!;
    expect(s.majorFrame).to.equal(3000n);
    expect(s.windows.map((w) => [w.partition, w.start, w.duration])).to.deep.equal([
      [1, 0n, 1000n],
      [2, 1000n, 1000n],
      [3, 2000n, 1000n],
    ]);
    expect(s.partitions.map((p) => p.partition)).to.deep.equal([1, 2, 3]);
  });

  it("keeps the guest fields it is given over the neutral ones", () => {
    const p = benchPartition(4, { kind: "FV", commandLine: "x" });
    expect([p.name, p.guest.kind, p.guest.commandLine, p.guest.binding]).to.deep.equal(["P4", "FV", "x", "trap"]);
  });

  it("passes the kernel's run checks", () => {
    const withImages = [1, 2].map((id) => benchPartition(id, { image: `p${id}.elf` }));
    expect(checkRunnable(benchModule(withImages, 1000))).to.deep.equal([]);
  });
});
