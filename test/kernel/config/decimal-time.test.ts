import { expect } from "chai";
import { formatDuration, formatSeconds, parseSeconds } from "../../../kernel/config/decimal-time";

function ns(text: string): bigint | string {
  const r = parseSeconds(text);
  return r.ok ? r.value : r.reason;
}

describe("kernel/config/decimal-time", () => {
  it("converts decimal seconds exactly, with no binary rounding", () => {
    expect(ns("0.1")).to.equal(100_000_000n);
    expect(ns("0.3")).to.equal(300_000_000n);
    expect(ns("1")).to.equal(1_000_000_000n);
    expect(ns("0.000000001")).to.equal(1n);
    expect(ns("+2.5")).to.equal(2_500_000_000n);
    expect(ns(".5")).to.equal(500_000_000n);
    expect(ns("5.")).to.equal(5_000_000_000n);
    expect(ns(" 0.02 ")).to.equal(20_000_000n);
    expect(ns("0")).to.equal(0n);
  });
  it("accepts exponent notation (xs:float) when the result is whole nanoseconds", () => {
    expect(ns("20E-3")).to.equal(20_000_000n);
    expect(ns("1e-9")).to.equal(1n);
    expect(ns("2.5e1")).to.equal(25_000_000_000n);
    expect(ns("0.1000000000")).to.equal(100_000_000n);
  });
  it("rejects negative times, finer than 1 ns, non-numbers and huge values", () => {
    expect(ns("-0.1")).to.match(/negative/);
    expect(ns("0.0000000001")).to.match(/finer than one nanosecond/);
    expect(ns("1e-10")).to.match(/finer than one nanosecond/);
    for (const bad of ["", ".", "abc", "1,5", "INF", "NaN", "0x10", "1e", "1.2.3"]) {
      expect(ns(bad), bad).to.match(/not a number/);
    }
    expect(ns("1e400")).to.match(/exponent/);
    expect(ns("1e30")).to.match(/too large/);
  });
  it("formats nanoseconds back to seconds and short durations", () => {
    expect(formatSeconds(100_000_000n)).to.equal("0.1");
    expect(formatSeconds(1_000_000_001n)).to.equal("1.000000001");
    expect(formatSeconds(0n)).to.equal("0");
    expect(formatDuration(20_000_000n)).to.equal("20 ms");
    expect(formatDuration(1_500_000_000n)).to.equal("1.5 s");
    expect(formatDuration(250_000n)).to.equal("250 us");
    expect(formatDuration(7n)).to.equal("7 ns");
    expect(formatDuration(0n)).to.equal("0");
  });
});
