import { expect } from "chai";
import { MessageQueue } from "../../../kernel/ports/message-queue";
import { Prng } from "../../support/prng";

const msg = (...bytes: number[]): Uint8Array => new Uint8Array(bytes);

describe("kernel/ports/message-queue", () => {
  it("is FIFO and bounded", () => {
    const q = new MessageQueue(2);
    expect(q.push(msg(1))).to.equal(true);
    expect(q.push(msg(2))).to.equal(true);
    expect(q.isFull).to.equal(true);
    expect(q.push(msg(3))).to.equal(false);
    expect(q.overflowed).to.equal(false);
    expect([...(q.take()?.message ?? [])]).to.deep.equal([1]);
    expect([...(q.take()?.message ?? [])]).to.deep.equal([2]);
    expect(q.take()).to.equal(undefined);
  });

  it("records an overflow from an unrefusable sender and reports it once with the next take", () => {
    const q = new MessageQueue(1);
    q.pushOrOverflow(msg(1));
    expect(q.pushOrOverflow(msg(2))).to.equal(false);
    expect(q.overflowed).to.equal(true);
    expect(q.take()).to.deep.equal({ message: msg(1), overflowed: true });
    q.pushOrOverflow(msg(3));
    expect(q.take()).to.deep.equal({ message: msg(3), overflowed: false });
  });

  it("clear drops messages and the overflow indication", () => {
    const q = new MessageQueue(1);
    q.pushOrOverflow(msg(1));
    q.pushOrOverflow(msg(2));
    q.clear();
    expect(q.length).to.equal(0);
    expect(q.overflowed).to.equal(false);
  });

  it("refuses a non-positive capacity (validator bug)", () => {
    expect(() => new MessageQueue(0)).to.throw(RangeError);
  });

  it("property: behaves like an array model over long random runs", () => {
    const rng = new Prng(31337);
    const q = new MessageQueue(5);
    const model: number[] = [];
    for (let i = 0; i < 5_000; i++) {
      if (rng.chance(1, 2)) {
        const ok = q.push(msg(i & 0xff));
        expect(ok).to.equal(model.length < 5);
        if (ok) model.push(i & 0xff);
      } else {
        const got = q.take();
        const want = model.shift();
        expect(got?.message[0]).to.equal(want);
      }
      expect(q.length).to.equal(model.length);
    }
  });
});
