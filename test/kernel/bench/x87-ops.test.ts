// bench:x87's per-operation table (kernel/bench/x87-ops.ts): every timed step leaves the x87 stack as it found it
// (a step that left a value would fill the stack in eight rounds and time stack faults instead), raises no invalid
// operation on its operands, and the measurement gives one finite figure per operation.
import { expect } from "chai";
import { measureX87Ops, X87_OPS } from "../../../kernel/bench/x87-ops";
import { X87Fpu } from "../../../kernel/cpu/x87/fpu";
import { IE } from "../../../kernel/cpu/x87/status";

describe("kernel/bench x87-ops", () => {
  it("each operation's step leaves the stack empty and raises no invalid operation, on every operand", () => {
    for (const op of X87_OPS) {
      const x = new X87Fpu();
      x.init();
      for (let i = 0; i < 16; i++) {
        op.step(x, i);
        for (let r = 0; r < 8; r++) expect(x.isEmpty(r), `${op.name} operand ${i}: ST(${r})`).to.equal(true);
        expect(x.sw & IE, `${op.name} operand ${i}: IE`).to.equal(0);
      }
    }
  });

  it("times every operation once per run and reports a positive figure for each", () => {
    let t = 0n;
    const figures = measureX87Ops(2, 8, () => (t += 1000n)); // a clock that moves 1 us per reading
    expect(figures.map((f) => f.name)).to.deep.equal(X87_OPS.map((o) => o.name));
    for (const f of figures) expect(f.us, f.name).to.be.greaterThan(0);
  });
});
