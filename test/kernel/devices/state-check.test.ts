import { expect } from "chai";
import { readFields } from "../../../kernel/devices/state-check";

describe("kernel/devices/state-check", () => {
  it("reads valid fields and returns the built state", () => {
    const r = readFields("dev", { a: 3, b: true, c: [1, 2], d: [false], e: "-12", f: "AAE=" });
    const state = { a: r.int("a", 0, 5), b: r.bool("b"), c: r.intArray("c", 2, 0, 9), d: r.boolArray("d", 1), e: r.bigintString("e", -20n, 0n), f: r.base64Bytes("f", 2) };
    expect(r.finish(state)).to.deep.equal({ ok: true, state });
  });
  it("reports every bad field at once, prefixed by the device", () => {
    const r = readFields("dev", { a: 9, c: [1, "x"], e: "1e3", f: "AAE=" });
    r.int("a", 0, 5);
    r.bool("b");
    r.intArray("c", 2, 0, 9);
    r.bigintString("e", 0n, 10n);
    r.base64Bytes("f", 3);
    const result = r.finish({});
    expect(result.ok).to.equal(false);
    if (result.ok) return;
    expect(result.error).to.match(/^dev: a: .*; b: .*; c\[1\]: .*; e: .*; f: /);
  });
  it("rejects a state that is not an object", () => {
    const result = readFields("dev", [1]).finish({});
    expect(result.ok).to.equal(false);
  });
});
