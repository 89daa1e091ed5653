import { expect } from "chai";
import { resolve } from "node:path";
import { CAMPAIGNS } from "../../scripts/fuzz/campaigns";
import { Rng } from "../../scripts/fuzz/rng";

const ROOT = resolve(__dirname, "..", "..", "..");

/** Smoke iterations per campaign: a few seconds each (the module campaigns run a whole module per case). */
const SMOKE: Readonly<Record<string, number>> = { "pv-bytes": 2, "fv-bytes": 1, "cpu-bytes": 8, hypercalls: 3, snapshots: 2, elf: 40, xml: 40 };

describe("scripts/fuzz (smoke run of every campaign)", function () {
  this.timeout(120_000);
  for (const [name, run] of Object.entries(CAMPAIGNS)) {
    it(`${name}: no host exception, no isolation break`, () => {
      const r = run(ROOT, 7, SMOKE[name] ?? 8);
      expect(r.findings).to.deep.equal([]);
      expect(r.hostExceptions).to.equal(0);
      expect(r.isolationBreaks).to.equal(0);
      expect(r.work).to.be.greaterThan(0);
    });
  }

  it("is reproducible from its seed", () => {
    expect(new Rng(5).mutate(new Uint8Array(64))).to.deep.equal(new Rng(5).mutate(new Uint8Array(64)));
    const a = CAMPAIGNS["cpu-bytes"]!(ROOT, 3, 2);
    const b = CAMPAIGNS["cpu-bytes"]!(ROOT, 3, 2);
    expect(a.work).to.equal(b.work);
  });
});
