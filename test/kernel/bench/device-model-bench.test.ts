import { expect } from "chai";
import { REPO_ROOT } from "../../../kernel/host/node/node-files";
import { deviceModelMarkdown, measureDeviceModels } from "../../../kernel/bench/device-model-bench";
import { measureServedAta } from "../../../kernel/bench/served-ata-bench";
import { measureMmioModels } from "../../../kernel/bench/mmio-bench";

describe("kernel/bench/device-model-bench (in-kernel vs partition-served UART)", function () {
  this.timeout(300_000);

  it("measures the same guest in three placements; the virtual figures follow the schedule exactly", () => {
    const r = measureDeviceModels(REPO_ROOT, 1, undefined);
    const [inKernel, adjacent, far] = r.rows;
    expect(r.rows.map((x) => x.placement)).to.deep.equal(["in-kernel", "partition, server window adjacent", "partition, server every other client frame"]);
    // The same guest code: the same accesses forwarded in both served schedules.
    expect(adjacent!.accesses).to.be.greaterThan(200);
    expect(far!.accesses).to.equal(adjacent!.accesses);
    expect(inKernel!.accesses).to.equal(adjacent!.accesses);
    // In the kernel an access is part of its instruction; served, it waits for the server's window and
    // the client's next one: 200 us with the server adjacent, 400 us when it runs every other frame.
    expect(inKernel!.latencyMedianNs).to.equal(0);
    expect(Math.round(adjacent!.latencyMedianNs / 1000)).to.equal(200);
    expect(Math.round(far!.latencyMedianNs / 1000)).to.equal(400);
    expect(inKernel!.guestVirtualNs).to.be.lessThan(1_000_000);
    expect(far!.guestVirtualNs).to.be.greaterThan(adjacent!.guestVirtualNs * 1.9);
    expect(r.inKernelModelBytes).to.equal(null); // no gc given: not measured, and the report says so
    const md = deviceModelMarkdown(r);
    expect(md).to.match(/\| partition, server every other client frame \| \d+ \| \d+ \| 399\.9 \(400\.0\) \|/);
    expect(md).to.include("not measured (run with node --expose-gc");
  });

  it("runs the disk guest against the ATA served by the I/O partition and gives its sectors per second", () => {
    const rows = measureServedAta(REPO_ROOT, 16);
    expect(rows.map((r) => `${r.placement}/${r.unit}/${r.exact}`)).to.deep.equal(["partition/sectors/s/false", "partition/sectors/s/true"]);
    // 32 sectors moved, each command and sector a ring request that waits for the server's window: well under the in-kernel 64k sectors/s.
    const virtual = rows[1]!.value;
    expect(virtual).to.be.greaterThan(10);
    expect(virtual).to.be.lessThan(20_000);
  });

  it("measures a 16550A in an MMIO window in the kernel and served: every forwarded access waits one 200 us frame", () => {
    const r = measureMmioModels(REPO_ROOT, 1, 10_000);
    const [inKernel, served] = r.rows;
    expect(r.rows.map((x) => x.placement)).to.deep.equal(["MMIO window, in-kernel 16550A", "MMIO window, partition, server window adjacent (200 us frame)"]);
    expect(inKernel!.accesses).to.equal(10_000);
    expect(inKernel!.latencyMedianNs).to.equal(0);
    // mmio-guest's checks and greeting: 106 forwarded loads and stores, each served in the next frame.
    expect(served!.accesses).to.equal(106);
    expect(Math.round(served!.latencyMedianNs / 1000)).to.equal(200);
    expect(served!.latencyMaxNs).to.be.lessThanOrEqual(200_000);
  });
});
