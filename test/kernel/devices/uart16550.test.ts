import { expect } from "chai";
import { Uart16550 } from "../../../kernel/devices/uart16550";
import { CollectingSink, RecordingIrq, roundTrip } from "./collaborators";

const [RBR, IER, IIR, LCR, MCR, LSR, MSR, SCR] = [0, 1, 2, 3, 4, 5, 6, 7];
const FCR = IIR;

function make(): { uart: Uart16550; irq: RecordingIrq; sink: CollectingSink } {
  const irq = new RecordingIrq();
  const sink = new CollectingSink();
  return { uart: new Uart16550(irq, sink), irq, sink };
}

describe("kernel/devices/uart16550", () => {
  it("transmits THR bytes to the sink at once; LSR shows the transmitter empty", () => {
    const { uart, sink } = make();
    expect(uart.read(LSR)).to.equal(0x60);
    for (const c of "hi") uart.write(RBR, 1, c.charCodeAt(0));
    expect(sink.text()).to.equal("hi");
    expect(uart.read(IIR)).to.equal(0x01);
  });
  it("keeps the divisor latch behind DLAB and scratch in SCR", () => {
    const { uart, sink } = make();
    uart.write(LCR, 1, 0x83);
    uart.write(RBR, 1, 0x01);
    uart.write(IER, 1, 0x02);
    expect([uart.read(RBR), uart.read(IER)]).to.deep.equal([0x01, 0x02]);
    uart.write(LCR, 1, 0x03);
    expect(uart.read(IER)).to.equal(0);
    expect(uart.saveState().divisorLatch).to.equal(0x0201);
    uart.write(SCR, 1, 0x5a);
    expect(uart.read(SCR)).to.equal(0x5a);
    expect(sink.bytes).to.deep.equal([]);
  });
  it("receives host bytes one at a time without FIFOs", () => {
    const { uart } = make();
    uart.receive([0x41, 0x42]);
    expect(uart.read(LSR) & 1).to.equal(1);
    expect(uart.pendingInputLength).to.equal(1);
    expect([uart.read(RBR), uart.read(RBR)]).to.deep.equal([0x41, 0x42]);
    expect(uart.read(LSR) & 1).to.equal(0);
  });
  it("keeps host input waiting until the guest looks, so a FIFO reset during setup loses nothing", () => {
    const { uart } = make();
    uart.receive([0x31, 0x32]);
    uart.write(FCR, 1, 0x07);
    expect(uart.pendingInputLength).to.equal(2);
    expect(uart.read(LSR) & 1).to.equal(1);
    expect([uart.read(RBR), uart.read(RBR)]).to.deep.equal([0x31, 0x32]);
  });
  it("fills a 16-byte FIFO and reports trigger level, then character timeout", () => {
    const { uart, irq } = make();
    uart.write(FCR, 1, 0x47); // enable, clear both, trigger 4
    uart.write(IER, 1, 0x01);
    uart.receive([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18]);
    expect(uart.pendingInputLength).to.equal(2);
    expect(uart.read(IIR)).to.equal(0xc4);
    expect(irq.level).to.equal(true);
    const got: number[] = [];
    for (let i = 0; i < 15; i++) got.push(uart.read(RBR));
    expect(got[14]).to.equal(15);
    expect(uart.read(IIR)).to.equal(0xcc); // 3 left < trigger 4, no more host input
    while (uart.read(LSR) & 1) got.push(uart.read(RBR));
    expect(got).to.have.length(18);
    expect(irq.level).to.equal(false);
  });
  it("raises THRE when enabled, clears it on IIR read and raises it again after each THR write", () => {
    const { uart, irq } = make();
    uart.write(IER, 1, 0x02);
    expect(irq.level).to.equal(true);
    expect(uart.read(IIR)).to.equal(0x02);
    expect(irq.level).to.equal(false);
    expect(uart.read(IIR)).to.equal(0x01);
    uart.write(RBR, 1, 0x2e);
    expect(irq.level).to.equal(true);
    expect(irq.rises).to.equal(2);
  });
  it("loops THR back to RBR and MCR outputs to MSR inputs in loopback mode", () => {
    const { uart, sink } = make();
    uart.write(MCR, 1, 0x10);
    expect(uart.read(MSR) & 0xf0).to.equal(0);
    uart.write(MCR, 1, 0x1f);
    expect(uart.read(MSR)).to.equal(0xf0 | 0x0b); // CTS DSR RI DCD, deltas for CTS DSR DCD
    expect(uart.read(MSR)).to.equal(0xf0);
    uart.receive([0x99]); // the host is disconnected in loopback
    uart.write(RBR, 1, 0x55);
    expect(uart.read(RBR)).to.equal(0x55);
    expect(sink.bytes).to.deep.equal([]);
    uart.write(MCR, 1, 0x1b); // OUT1 off: trailing edge of RI
    expect(uart.read(MSR) & 0x04).to.equal(0x04);
  });
  it("reports overrun as a line status interrupt ahead of received data", () => {
    const { uart, irq } = make();
    uart.write(MCR, 1, 0x10);
    uart.write(IER, 1, 0x05);
    uart.write(RBR, 1, 1);
    uart.write(RBR, 1, 2); // no FIFO: the second byte overruns
    expect(uart.read(IIR)).to.equal(0x06);
    expect(uart.read(LSR)).to.equal(0x63);
    expect(uart.read(IIR)).to.equal(0x04);
    expect(uart.read(RBR)).to.equal(1);
    expect(irq.level).to.equal(false);
  });
  it("reading LSR drops the IRQ line of an overrun at once; polling it again changes nothing", () => {
    const { uart, irq } = make();
    uart.write(MCR, 1, 0x10);
    uart.write(IER, 1, 0x04); // line status interrupts only
    uart.write(RBR, 1, 1);
    uart.write(RBR, 1, 2); // no FIFO: the second byte overruns
    expect(irq.level).to.equal(true);
    expect(uart.read(LSR) & 0x02).to.equal(0x02);
    expect(irq.level).to.equal(false);
    expect(uart.read(LSR)).to.equal(0x61);
    expect(irq.level).to.equal(false);
  });
  it("host input waits for DTR and RTS (flow control), and for an interrupt-driven guest's receive interrupt", () => {
    const polled = make().uart;
    expect(polled.receiverLine().ready).to.equal(false);
    polled.write(MCR, 1, 0x01); // DTR alone: the terminal still waits for CTS
    expect(polled.receiverLine().ready).to.equal(false);
    polled.write(MCR, 1, 0x03); // DTR, RTS
    expect(polled.receiverLine().ready).to.equal(true);
    polled.write(MCR, 1, 0x13); // loopback disconnects the modem outputs from the line
    expect(polled.receiverLine().ready).to.equal(false);
    // Linux's serial console (uart_set_options) raises DTR alone at boot, long before the port is opened.
    const linux = make().uart;
    linux.write(MCR, 1, 0x01);
    expect(linux.receiverLine().ready).to.equal(false);
    linux.write(IER, 1, 0x0f); // autoconfig probes IER
    linux.write(IER, 1, 0x00);
    // Open (serial8250_do_startup): FIFO clear, reads "for luck", then the receive interrupt; then set_termios
    // changes the FIFO enable (which clears the receiver) and uart_port_dtr_rts raises RTS last.
    linux.write(MCR, 1, 0x09); // DTR, OUT2
    linux.write(IER, 1, 0x05); // RLSI | RDI
    expect(linux.receiverLine().ready).to.equal(false);
    linux.write(FCR, 1, 0x81);
    linux.write(MCR, 1, 0x0b); // DTR, RTS, OUT2: now it listens
    expect(linux.receiverLine().ready).to.equal(true);
    linux.write(IER, 1, 0x00); // throttled
    expect(linux.receiverLine().ready).to.equal(false);
    const again = make().uart;
    expect(roundTrip(linux, again).receiveInterruptUsed).to.equal(true);
    again.write(IER, 1, 0x00);
    expect(again.receiverLine().ready).to.equal(false);
    const { receiveInterruptUsed: _dropped, ...older } = linux.saveState(); // a snapshot from before the field
    const parsed = again.parseState(older);
    expect(parsed.ok && parsed.state.receiveInterruptUsed).to.equal(false);
  });

  it("round-trips its state through JSON into a fresh UART", () => {
    const { uart } = make();
    uart.write(FCR, 1, 0x81);
    uart.write(IER, 1, 0x03);
    uart.write(LCR, 1, 0x80);
    uart.write(RBR, 1, 0x0c);
    uart.write(LCR, 1, 0x03);
    uart.receive(Array.from({ length: 20 }, (_, i) => i));
    const fresh = make();
    const saved = roundTrip(uart, fresh.uart);
    expect(saved.pendingInput).to.have.length(4);
    expect(fresh.irq.level).to.equal(true);
    expect(fresh.uart.read(IIR)).to.equal(0xc4);
    expect(fresh.uart.read(RBR)).to.equal(0);
  });
  it("rejects a malformed saved state", () => {
    const { uart } = make();
    expect(uart.parseState({ ...uart.saveState(), interruptEnable: 0x10 }).ok).to.equal(false);
    expect(uart.parseState({ ...uart.saveState(), receiveFifo: new Array(17).fill(0) }).ok).to.equal(false);
    expect(uart.parseState(null).ok).to.equal(false);
  });
});
