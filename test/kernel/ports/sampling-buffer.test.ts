import { expect } from "chai";
import { nanos } from "../../../kernel/mem/types";
import { SamplingBuffer } from "../../../kernel/ports/sampling-buffer";

describe("kernel/ports/sampling-buffer", () => {
  it("has nothing before the first store", () => {
    const b = new SamplingBuffer();
    expect(b.hasMessage).to.equal(false);
    expect(b.read(nanos(10), nanos(0))).to.equal(undefined);
    expect(b.lastReadValidity).to.equal("INVALID");
  });

  const rows: readonly [writtenAt: number, readAt: number, refresh: number, validity: string][] = [
    [100, 100, 50, "VALID"],
    [100, 150, 50, "VALID"], // age == refresh period is still valid
    [100, 151, 50, "INVALID"],
    [0, 0, 0, "VALID"],
    [0, 1, 0, "INVALID"],
  ];
  for (const [writtenAt, readAt, refresh, validity] of rows) {
    it(`written at ${writtenAt}, read at ${readAt}, refresh ${refresh} -> ${validity}`, () => {
      const b = new SamplingBuffer();
      b.store(new Uint8Array([7]), nanos(writtenAt));
      expect(b.read(nanos(refresh), nanos(readAt))?.validity).to.equal(validity);
    });
  }

  it("keeps only the last message and hands out copies", () => {
    const b = new SamplingBuffer();
    const m = new Uint8Array([1, 2]);
    b.store(m, nanos(0));
    b.store(new Uint8Array([3, 4, 5]), nanos(1));
    m[0] = 99;
    const first = b.read(nanos(10), nanos(2));
    first?.message.fill(0);
    expect([...(b.read(nanos(10), nanos(2))?.message ?? [])]).to.deep.equal([3, 4, 5]);
  });
});
