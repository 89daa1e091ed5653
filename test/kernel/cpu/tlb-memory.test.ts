import { expect } from "chai";
import { spawnSync } from "child_process";
import * as path from "path";

describe("cpu TLB host memory", function () {
  this.timeout(60_000);

  it("a CPU's TLB holds host memory only for the entries written, even after other machines were freed (child process)", function () {
    const child = path.join(__dirname, "tlb-memory-child.js");
    const kept = 48;
    const r = spawnSync(process.execPath, ["--expose-gc", child, String(kept)], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`child failed: ${r.stderr}`);
    const { rssGrowth, ebx } = JSON.parse(r.stdout) as { rssGrowth: number; ebx: number };
    expect(ebx).to.equal(0x1234); // the CPUs really ran through their TLBs
    // Two 4 MiB arrays cleared whole would be 8 MiB per CPU kept (384 MiB here); each also has 1 MiB of RAM.
    expect(rssGrowth / kept).to.be.below(2.5 * 1024 * 1024);
  });
});
