import { expect } from "chai";
import { parseHostRefOutput } from "../../../kernel/bench/host-refs";

describe("kernel/bench/host-refs", () => {
  it("parses every reference line of the program's output", () => {
    const out = "direct_ns 1.800\nplt_ns 2.800\nplt_first_ns 210.0\nsyscall_ns 120.500\n";
    expect(parseHostRefOutput(out)).to.deep.equal({ direct_ns: 1.8, plt_ns: 2.8, plt_first_ns: 210, syscall_ns: 120.5 });
  });
  it("gives null when a reference is missing or malformed", () => {
    expect(parseHostRefOutput("direct_ns 1\nplt_ns 2\nplt_first_ns 3\n")).to.equal(null);
    expect(parseHostRefOutput("direct_ns x\nplt_ns 2\nplt_first_ns 3\nsyscall_ns 4\n")).to.equal(null);
  });
});
