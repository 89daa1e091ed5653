import { expect } from "chai";
import type { SystemConfig } from "../../../kernel/config/model";
import { nanos } from "../../../kernel/mem/types";
import { commonMajorFrame, pausePoints } from "../../../kernel/module/run-pieces";

const config = (...frames: bigint[]): SystemConfig => ({ schedules: frames.map((majorFrame) => ({ majorFrame })) }) as unknown as SystemConfig;

describe("kernel/module/run-pieces", () => {
  it("pauses only at whole frames strictly before the end", () => {
    expect(pausePoints(config(10n), nanos(35n), 100)).to.deep.equal([10n, 20n, 30n]);
    expect(pausePoints(config(10n), nanos(30n), 100)).to.deep.equal([10n, 20n]);
    expect(pausePoints(config(10n), nanos(10n), 100)).to.deep.equal([]);
  });
  it("spreads at most maxPieces - 1 pause points over long runs", () => {
    const pts = pausePoints(config(1n), nanos(1000n), 11);
    expect(pts.length).to.be.at.most(10);
    expect(pts[0]).to.equal(100n);
    expect(pts.every((t) => t % 1n === 0n && t < 1000n)).to.equal(true);
  });
  it("has no pause points when schedules have different major frames", () => {
    expect(commonMajorFrame(config(10n, 20n))).to.equal(undefined);
    expect(pausePoints(config(10n, 20n), nanos(100n), 10)).to.deep.equal([]);
    expect(commonMajorFrame(config(10n, 10n))).to.equal(10n);
  });
});
