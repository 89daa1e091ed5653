import { expect } from "chai";
import { DiagnosticSink, formatDiagnostic, sortDiagnostics } from "../../../kernel/config/diagnostic";

const at = (line: number, column: number, file = "m.xml") => ({ file, line, column });

describe("kernel/config/diagnostic", () => {
  it("formats file:line:column: error: message, or file: error: for the whole file", () => {
    expect(formatDiagnostic({ pos: at(3, 7), message: "bad" })).to.equal("m.xml:3:7: error: bad");
    expect(formatDiagnostic({ pos: at(0, 0), message: "unreadable" })).to.equal("m.xml: error: unreadable");
  });
  it("sorts by position then message and drops exact duplicates", () => {
    const sorted = sortDiagnostics([
      { pos: at(2, 1), message: "b" },
      { pos: at(1, 9), message: "z" },
      { pos: at(2, 1), message: "a" },
      { pos: at(1, 10), message: "y" },
      { pos: at(2, 1), message: "b" },
    ]);
    expect(sorted.map(formatDiagnostic)).to.deep.equal([
      "m.xml:1:9: error: z",
      "m.xml:1:10: error: y",
      "m.xml:2:1: error: a",
      "m.xml:2:1: error: b",
    ]);
  });
  it("counts what the sink collected", () => {
    const sink = new DiagnosticSink();
    sink.error(at(1, 1), "x");
    sink.error(at(1, 1), "x");
    expect(sink.count).to.equal(2);
    expect(sink.sorted()).to.have.length(1);
  });
});
