import { expect } from "chai";
import { LineSplitter } from "../../../kernel/host/node/json-lines";

describe("kernel/host/node/json-lines: LineSplitter", () => {
  it("gives whole lines whatever the chunking, and keeps the unfinished tail", () => {
    const text = '{"id":1}\n{"id":2,"op":"ls"}\n\n{"id":3}\npartial';
    for (let cut = 1; cut <= text.length; cut++) {
      const s = new LineSplitter();
      const lines: string[] = [];
      for (let i = 0; i < text.length; i += cut) lines.push(...s.push(text.slice(i, i + cut)));
      expect(lines).to.deep.equal(['{"id":1}', '{"id":2,"op":"ls"}', "", '{"id":3}']);
      expect(s.pending).to.equal("partial".length);
    }
  });
});
