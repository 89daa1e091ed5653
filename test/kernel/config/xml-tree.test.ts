import { expect } from "chai";
import { parseXmlTree } from "../../../kernel/config/xml-tree";

describe("kernel/config/xml-tree", () => {
  it("gives elements and attributes their 1-based line and column, with namespaces", () => {
    const src = `<?xml version="1.0"?>\n<Root xmlns:apx="urn:apexvisor:ext:1"\n  A="1"  apx:B = 'x"y'>\n  <Child\tC="2"/>\n  <apx:E>text</apx:E>\n</Root>`;
    const r = parseXmlTree(src, "f.xml");
    if (!r.ok) throw new Error("parse failed");
    expect(r.root.pos).to.deep.equal({ file: "f.xml", line: 2, column: 1 });
    expect(r.root.attributes.map((a) => [a.qname, a.ns, a.value, a.pos.line, a.pos.column])).to.deep.equal([
      ["A", "", "1", 3, 3],
      ["apx:B", "urn:apexvisor:ext:1", 'x"y', 3, 10],
    ]);
    const [child, ext] = r.root.children;
    expect(child?.pos).to.deep.include({ line: 4, column: 3 });
    expect(child?.attributes[0]?.pos).to.deep.include({ line: 4, column: 10 });
    expect(ext?.local).to.equal("E");
    expect(ext?.ns).to.equal("urn:apexvisor:ext:1");
    expect(ext?.text).to.equal("text");
    expect(ext?.textPos).to.deep.include({ line: 5, column: 10 });
    expect(r.root.textPos).to.equal(undefined);
  });
  it("reports malformed XML with a position instead of throwing", () => {
    const r = parseXmlTree("<a>\n  <b></a>", "f.xml");
    expect(r.ok).to.equal(false);
    if (r.ok) return;
    expect(r.errors[0]?.pos.line).to.equal(2);
    expect(r.errors[0]?.message).to.match(/^XML is not well formed: /);
  });
  it("reports an empty document", () => {
    const r = parseXmlTree("", "f.xml");
    expect(r.ok).to.equal(false);
  });
});
