import { expect } from "chai";
import { ByteSanitizer, sanitizeLine } from "../../../kernel/module/console-sanitize";

const latin1 = (bytes: number[]): string => Buffer.from(bytes).toString("latin1");

describe("kernel/module/console-sanitize", () => {
  it("leaves ordinary text (and TAB, and non-control latin1) alone", () => {
    expect(sanitizeLine("hello\tworld é")).to.equal("hello\tworld é");
  });

  it("shows escape sequences that would act on a terminal", () => {
    // set title, clear screen, cursor position report request, bell, C1 CSI
    expect(sanitizeLine("\x1b]0;owned\x07")).to.equal("^[]0;owned^G");
    expect(sanitizeLine("\x1b[2J\x1b[6n")).to.equal("^[[2J^[[6n");
    expect(sanitizeLine(latin1([0x9b, 0x36, 0x6e, 0x7f, 0x00]))).to.equal("\\x9b6n^?^@");
    expect(sanitizeLine("a\rb")).to.equal("a^Mb");
  });

  it("filters a byte stream, keeping newlines and a UTF-8 character, catching C1 split across writes", () => {
    const s = new ByteSanitizer();
    const a = s.filter(Uint8Array.from([0x41, 0x1b, 0x5b, 0x36, 0x6e, 0x0d, 0x0a, 0xc3, 0xa9, 0xc2]));
    const b = s.filter(Uint8Array.from([0x9b, 0x32, 0x4a]));
    expect(Buffer.from([...a, ...b]).toString("utf8")).to.equal("A^[[6n\r\né\\x9b2J");
  });
});
