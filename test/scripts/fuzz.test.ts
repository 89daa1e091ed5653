import { expect } from "chai";
import { resolve } from "node:path";
import { CAMPAIGNS } from "../../scripts/fuzz/campaigns";
import { Rng } from "../../scripts/fuzz/rng";

const ROOT = resolve(__dirname, "..", "..", "..");

describe("scripts/fuzz (smoke run of every campaign)", function () {
  this.timeout(60_000);
  for (const [name, run] of Object.entries(CAMPAIGNS)) {
    it(`${name}: no host exception, no isolation break`, () => {
      const r = run(ROOT, 7, name.endsWith("bytes") ? 8 : 40);
      expect(r.findings).to.deep.equal([]);
      expect(r.hostExceptions).to.equal(0);
      expect(r.isolationBreaks).to.equal(0);
      expect(r.work).to.be.greaterThan(0);
    });
  }

  it("is reproducible from its seed", () => {
    expect(new Rng(5).mutate(new Uint8Array(64))).to.deep.equal(new Rng(5).mutate(new Uint8Array(64)));
    const a = CAMPAIGNS["fv-bytes"]!(ROOT, 3, 2);
    const b = CAMPAIGNS["fv-bytes"]!(ROOT, 3, 2);
    expect(a.work).to.equal(b.work);
  });
});
