import { expect } from "chai";
import { TimerQueue } from "../../../kernel/machine/timer-queue";
import { nanos, type Nanos } from "../../../kernel/mem/types";

describe("kernel/machine/timer-queue", () => {
  it("fires due timers by deadline, then by arming order, and not before their time", () => {
    let t = 0n;
    const armedAt: bigint[] = [];
    const q = new TimerQueue(() => t as Nanos, (at) => armedAt.push(at));
    const fired: string[] = [];
    q.arm("b", nanos(20), () => fired.push("b"));
    q.arm("a", nanos(10), () => fired.push("a"));
    q.arm("c", nanos(20), () => fired.push("c"));
    expect(q.nextDeadline()).to.equal(10n);
    t = 15n;
    expect(q.fireDue()).to.equal(1);
    t = 20n;
    q.fireDue();
    expect(fired).to.deep.equal(["a", "b", "c"]);
    expect(armedAt).to.deep.equal([20n, 10n, 20n]);
    expect(q.nextDeadline()).to.equal(null);
  });
  it("replaces a re-armed id, cancels, and fires timers armed by a firing callback when due", () => {
    let t = 0n;
    const q = new TimerQueue(() => t as Nanos);
    const fired: string[] = [];
    q.arm("x", nanos(5), () => fired.push("x@5"));
    q.arm("x", nanos(7), () => {
      fired.push("x@7");
      q.arm("y", nanos(7), () => fired.push("y@7"));
      q.arm("z", nanos(9), () => fired.push("z@9"));
    });
    q.arm("gone", nanos(6), () => fired.push("gone"));
    q.cancel("gone");
    t = 8n;
    q.fireDue();
    expect(fired).to.deep.equal(["x@7", "y@7"]);
    expect(q.nextDeadline()).to.equal(9n);
  });
});
