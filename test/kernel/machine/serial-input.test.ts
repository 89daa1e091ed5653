import { expect } from "chai";
import { bufferSource, characterTimeNs, IDLE_POLL_NS, PacedInput, type InputPoll, type InputSource } from "../../../kernel/machine/serial-input";
import { Uart16550 } from "../../../kernel/devices/uart16550";
import { FakeTimers } from "../../support/fake-timers";
import { CollectingSink, RecordingIrq } from "../devices/collaborators";

/** One guest access to COM1: [offset, value] writes, [offset] reads. */
type Access = readonly [number] | readonly [number, number];
const [RBR, IER, IIR, LCR, MCR, LSR, MSR] = [0, 1, 2, 3, 4, 5, 6];
const FCR = IIR;
/**
 * Linux 6.1's accesses to its ttyS0 console, abridged from a trace of the 686 boot with piped input:
 * console setup at 9600 8N1 (uart_set_options raises DTR alone), the console's polled writes, autoconfig's
 * IER and FIFO probes, then the open by init: startup (FIFO clear, reads "for luck", THRE test, receive
 * interrupt on), set_termios (FIFO enable), RTS raised last.
 */
const LINUX_CONSOLE_SETUP: Access[] = [[IER, 0], [LCR, 0x93], [RBR, 0x0c], [IER, 0], [LCR, 0x13], [FCR, 0], [MCR, 0x01]];
const LINUX_CONSOLE_WRITE: Access[] = [[IER], [IER, 0], [LSR], [RBR, 0x41], [LSR], [RBR, 0x0a], [LSR], [IER, 0]];
const LINUX_AUTOCONFIG: Access[] = [[IER, 0x0f], [IER], [IER, 0], [MCR], [LCR], [LCR, 0xbf], [FCR, 0], [LCR, 0], [FCR, 1], [IIR], [LCR, 0x13], [MCR, 0x01], [FCR, 1], [FCR, 7], [FCR, 0], [RBR], [IER, 0]];
const LINUX_OPEN: Access[] = [
  [FCR, 1], [FCR, 7], [FCR, 0], [RBR], [IIR], [MSR], [LCR, 0x03], [MCR, 0x09], [IER, 0x02], [IIR], [IER, 0], [RBR], [IIR], [MSR],
  [IER, 0x05], [LCR, 0x93], [RBR, 0x0c], [LCR, 0x13], [FCR, 0x01], [FCR, 0x81], [MCR, 0x09], [MCR, 0x0b],
];

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

  it("a line piped before Linux opens its console loses no byte to the console setup, autoconfig or the open", () => {
    const timers = new FakeTimers();
    const uart = new Uart16550(new RecordingIrq(), new CollectingSink());
    const typed = "uname -a\n";
    const paced = new PacedInput(timers, bufferSource(new TextEncoder().encode(typed)), () => uart.receiverLine(), [
      { ready: () => uart.receiverLine().ready, deliver: (b) => uart.receive([b]) },
    ], () => expect.fail("no quit"));
    const got: number[] = [];
    const run = (accesses: readonly Access[]): void => {
      for (const a of accesses) if (a.length === 2) uart.write(a[0], 1, a[1]);
      else uart.read(a[0]);
    };
    let t = 0n;
    const wait = (ms: bigint): void => {
      t += ms * 1_000_000n;
      timers.runTo(t);
    };
    paced.start();
    wait(5n);
    run(LINUX_CONSOLE_SETUP);
    for (let i = 0; i < 20; i++) {
      wait(2n);
      run(LINUX_CONSOLE_WRITE);
    }
    run(LINUX_AUTOCONFIG);
    wait(50n);
    run(LINUX_OPEN);
    // The tty reads by interrupt from here on: whatever IIR reports as received data is read from RBR.
    for (let i = 0; i < 200 && !paced.finished; i++) {
      wait(1n);
      const received = (): boolean => [0x04, 0x0c].includes(uart.read(IIR) & 0x0f); // RDA or character timeout
      while (received()) got.push(uart.read(RBR));
    }
    expect(paced.finished).to.equal(true);
    expect(String.fromCharCode(...got)).to.equal(typed);
  });
});
