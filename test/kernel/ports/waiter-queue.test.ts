import { expect } from "chai";
import { nanos } from "../../../kernel/mem/types";
import { INFINITE_TIME, onUnavailable, WaiterQueue } from "../../../kernel/ports/waiter-queue";
import { Prng } from "../../support/prng";

const ids = (q: WaiterQueue<string>): string[] => q.toArray().map((w) => w.id);

describe("kernel/ports/waiter-queue", () => {
  it("FIFO wakes in arrival order whatever the priorities", () => {
    const q = new WaiterQueue<string>("FIFO");
    q.enqueue("a", 1);
    q.enqueue("b", 200);
    q.enqueue("c", 50);
    expect(ids(q)).to.deep.equal(["a", "b", "c"]);
    expect(q.dequeue()?.id).to.equal("a");
  });

  it("PRIORITY wakes the highest priority first, arrival order among equals", () => {
    const q = new WaiterQueue<string>("PRIORITY");
    for (const [id, p] of [["a", 10], ["b", 20], ["c", 10], ["d", 20], ["e", 5], ["f", 249]] as const) q.enqueue(id, p);
    expect(ids(q)).to.deep.equal(["f", "b", "d", "a", "c", "e"]);
  });

  it("removes a waiter and expires waiters whose deadline has come, in wake-up order", () => {
    const q = new WaiterQueue<string>("PRIORITY");
    q.enqueue("slow", 1, nanos(500));
    q.enqueue("never", 9);
    q.enqueue("soon", 5, nanos(100));
    q.enqueue("gone", 3, nanos(50));
    expect(q.nextDeadline()).to.equal(50n);
    expect(q.remove("gone")).to.equal(true);
    expect(q.remove("gone")).to.equal(false);
    expect(q.expire(nanos(99)).map((w) => w.id)).to.deep.equal([]);
    expect(q.expire(nanos(500)).map((w) => w.id)).to.deep.equal(["soon", "slow"]);
    expect(ids(q)).to.deep.equal(["never"]);
    expect(q.nextDeadline()).to.equal(undefined);
    expect(q.dequeue()?.id).to.equal("never");
    expect(q.dequeue()).to.equal(undefined);
  });

  const timeouts: readonly [timeout: bigint, result: object, says: string][] = [
    [0n, { kind: "fail", outcome: "full" }, "fail at once (NOT_AVAILABLE)"],
    [INFINITE_TIME, { kind: "wait", deadline: undefined }, "wait forever"],
    [250n, { kind: "wait", deadline: 1250n }, "wait until 1250"],
  ];
  for (const [timeout, result, says] of timeouts) {
    it(`timeout ${timeout} on a full queue at 1000 -> ${says}`, () => {
      expect(onUnavailable("full", nanos(1000), timeout)).to.deep.equal(result);
    });
  }

  it("property: PRIORITY order equals a stable sort by descending priority", () => {
    const rng = new Prng(5);
    for (let round = 0; round < 50; round++) {
      const q = new WaiterQueue<number>("PRIORITY");
      const added: { id: number; priority: number }[] = [];
      for (let i = 0; i < 60; i++) {
        const priority = rng.int(0, 5);
        q.enqueue(i, priority);
        added.push({ id: i, priority });
      }
      const expected = [...added].sort((a, b) => b.priority - a.priority || a.id - b.id).map((w) => w.id);
      expect(q.toArray().map((w) => w.id)).to.deep.equal(expected);
    }
  });
});
