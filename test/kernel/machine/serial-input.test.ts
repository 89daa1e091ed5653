import { expect } from "chai";
import { bufferSource, characterTimeNs, IDLE_POLL_NS, PacedInput, type InputPoll, type InputSource } from "../../../kernel/machine/serial-input";
import { FakeTimers } from "../../support/fake-timers";

describe("kernel/machine/serial-input: a console line paced in virtual time", () => {
  it("character time follows the divisor and the frame (start, data, parity, stop bits)", () => {
    expect(characterTimeNs(1, 0x03)).to.equal(86_806n); // 10 bits at 115200, rounded up
    expect(characterTimeNs(12, 0x03)).to.equal(1_041_667n); // 9600 baud
    expect(characterTimeNs(1, 0x0f)).to.equal(104_167n); // 8 data, parity, 2 stop: 12 bits
    expect(characterTimeNs(1, 0x04)).to.equal(65_105n); // 5 data bits, 1.5 stop: 7.5 bits
  });

  it("delivers one byte per character time once a sink is ready, to every ready sink, and stops at the end", () => {
    const timers = new FakeTimers();
    const got: [bigint, number][] = [];
    let ready = false;
    const paced = new PacedInput(timers, bufferSource(new Uint8Array([65, 66, 67])), () => ({ divisor: 1, lineControl: 3 }), [
      { ready: () => ready, deliver: (b) => got.push([BigInt(timers.now()), b]) },
    ], () => expect.fail("no quit"));
    paced.start();
    timers.runTo(5n * IDLE_POLL_NS);
    expect(got).to.deep.equal([]);
    expect(paced.waitingForGuest).to.equal(true);
    ready = true;
    timers.runTo(7n * IDLE_POLL_NS);
    const t0 = 6n * IDLE_POLL_NS;
    expect(got).to.deep.equal([[t0, 65], [t0 + 86_806n, 66], [t0 + 2n * 86_806n, 67]]);
    expect(paced.finished).to.equal(true);
    expect(timers.armed.size).to.equal(0);
  });

  it("an interactive source with nothing typed is looked at again later; quit ends the line", () => {
    const timers = new FakeTimers();
    const answers: InputPoll[] = [{ kind: "none" }, { kind: "byte", byte: 120 }, { kind: "quit" }];
    const source: InputSource = { interactive: true, poll: () => answers.shift() ?? { kind: "end" } };
    const got: number[] = [];
    let quits = 0;
    const paced = new PacedInput(timers, source, () => ({ divisor: 1, lineControl: 3 }), [{ ready: () => true, deliver: (b) => got.push(b) }], () => quits++);
    paced.start();
    timers.runTo(10n * IDLE_POLL_NS);
    expect(got).to.deep.equal([120]);
    expect(quits).to.equal(1);
    expect(paced.finished).to.equal(true);
  });
});
