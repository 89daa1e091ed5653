import { expect } from "chai";
import { ALARMING, consoleMessages, messageShape, messagesOnlyIn } from "../../../scripts/linux/console-diff";

describe("scripts/linux/console-diff: messages of one Linux console log missing from another", () => {
  it("drops printk stamps, CRs and terminal escapes, and empty lines", () => {
    expect(consoleMessages("[    0.000000] Linux version 6.1.0\r\n\r\n/ # \x1b[6n\r\n[   12.5] x\n")).to.deep.equal(["Linux version 6.1.0", "/ #", "x"]);
  });
  it("numbers, addresses and timings do not make messages differ", () => {
    expect(messageShape("tsc: Detected 99.993 MHz processor")).to.equal(messageShape("tsc: Detected 2893.204 MHz processor"));
    expect(messageShape("pci 0000:00:00.0: [8086:1237] type 00")).to.equal(messageShape("pci 0000:00:01.0: [1af4:1000] type 00"));
    expect(messageShape("clocksource: tsc-early")).to.not.equal(messageShape("clocksource: jiffies"));
  });
  it("lists ours-only messages once each, in order, and flags the alarming ones", () => {
    const ours = "[ 0.1] a 1\n[ 0.2] CPU: vendor_id 'X' unknown\n[ 0.3] b\n[ 0.4] CPU: vendor_id 'X' unknown\n[ 0.5] c 7\n";
    const qemu = "[ 0.2] a 9\n[ 0.3] b\n[ 0.9] d\n";
    const only = messagesOnlyIn(ours, qemu);
    expect(only).to.deep.equal(["CPU: vendor_id 'X' unknown", "c 7"]);
    expect(only.filter((l) => ALARMING.test(l))).to.deep.equal(["CPU: vendor_id 'X' unknown"]);
    expect(messagesOnlyIn(qemu, qemu)).to.deep.equal([]);
  });
});
