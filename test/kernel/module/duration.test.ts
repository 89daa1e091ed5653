import { expect } from "chai";
import { parseDuration } from "../../../kernel/module/duration";

describe("kernel/module/duration", () => {
  const ok: ReadonlyArray<readonly [string, bigint]> = [
    ["2s", 2_000_000_000n],
    ["0.1", 100_000_000n],
    ["150ms", 150_000_000n],
    ["1.5ms", 1_500_000n],
    ["250us", 250_000n],
    ["1000ns", 1000n],
    [" 3 ms ", 3_000_000n],
  ];
  for (const [text, ns] of ok) {
    it(`reads ${JSON.stringify(text)} as ${ns} ns`, () => {
      expect(parseDuration(text)).to.deep.equal({ ok: true, value: ns });
    });
  }
  for (const bad of ["", "ms", "-1s", "0", "0.5ns", "2 minutes", "1e-12"]) {
    it(`refuses ${JSON.stringify(bad)} with a message`, () => {
      const r = parseDuration(bad);
      expect(r.ok).to.equal(false);
      if (!r.ok) expect(r.message).to.contain("duration");
    });
  }
});
