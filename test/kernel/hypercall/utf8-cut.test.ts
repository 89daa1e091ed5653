import { expect } from "chai";
import { utf8Prefix } from "../../../kernel/hypercall/utf8-cut";

describe("kernel/hypercall/utf8-cut", () => {
  it("never cuts a partition name in the middle of a character", () => {
    // "né" is 6e c3 a9: 2 bytes would split é
    expect([...utf8Prefix("né", 2)]).to.deep.equal([0x6e]);
    expect([...utf8Prefix("né", 3)]).to.deep.equal([0x6e, 0xc3, 0xa9]);
    expect([...utf8Prefix("a€b", 3)]).to.deep.equal([0x61]); // € is 3 bytes
    expect([...utf8Prefix("😀", 3)]).to.deep.equal([]);
    expect(new TextDecoder("utf-8", { fatal: true }).decode(utf8Prefix("ééééééééééééééééé", 31))).to.equal("ééééééééééééééé");
  });
});
