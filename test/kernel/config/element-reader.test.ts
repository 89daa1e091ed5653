import { expect } from "chai";
import { DiagnosticSink } from "../../../kernel/config/diagnostic";
import { ElementReader, listOr } from "../../../kernel/config/element-reader";
import { APX_NS } from "../../../kernel/config/namespaces";
import { parseXmlTree } from "../../../kernel/config/xml-tree";
import type { XmlElement } from "../../../kernel/config/xml-tree";

function tree(xml: string): XmlElement {
  const r = parseXmlTree(xml, "t.xml");
  if (!r.ok) throw new Error("bad test XML");
  return r.root;
}
function messages(sink: DiagnosticSink): string[] {
  return sink.sorted().map((d) => `${d.pos.line}:${d.pos.column} ${d.message}`);
}

describe("kernel/config/element-reader", () => {
  it("returns typed values and reports bad ones at the attribute", () => {
    const sink = new DiagnosticSink();
    const r = new ElementReader(tree('<E N="0x10" T="0.5" B="1" K="X" Bad="z"/>'), sink);
    expect(r.int("N", true)).to.equal(16);
    expect(r.seconds("T", true, true)).to.equal(500_000_000n);
    expect(r.bool("B", false)).to.equal(true);
    expect(r.enumOf("K", ["X", "Y"], true)).to.equal("X");
    expect(r.int("Bad", true)).to.equal(undefined);
    expect(r.int("Missing", false)).to.equal(undefined);
    r.finish();
    expect(messages(sink)).to.deep.equal(['1:33 Bad "z" is not an integer (write decimal like "4096" or hex like "0x1000")']);
  });
  it("reports missing required attributes at the element", () => {
    const sink = new DiagnosticSink();
    const r = new ElementReader(tree("<E/>"), sink);
    r.string("Need", true);
    r.finish();
    expect(messages(sink)).to.deep.equal(["1:1 E is missing the required attribute Need"]);
  });
  it("reports unknown standard and apx attributes but ignores other namespaces", () => {
    const sink = new DiagnosticSink();
    const el = tree(`<E xmlns:apx="${APX_NS}" xmlns:v="urn:v" A="1" Z="2" apx:Q="3" v:W="4"/>`);
    const r = new ElementReader(el, sink);
    r.string("A", false);
    r.finish();
    expect(messages(sink).map((m) => m.replace(/^\S+ /, ""))).to.deep.equal([
      "E has no attribute Z; allowed: A",
      "E has no attribute apx:Q; allowed: A",
    ]);
  });
  it("groups children, counts them and skips vendor namespaces", () => {
    const sink = new DiagnosticSink();
    const el = tree(`<E xmlns:apx="${APX_NS}" xmlns:v="urn:v"><A/><A/><A/><v:X/><apx:G/><apx:H/><C/></E>`);
    const groups = new ElementReader(el, sink).children([
      { local: "A", min: 0, max: 2 },
      { local: "B", min: 1, max: 1 },
      { local: "G", ns: APX_NS, min: 0, max: 1 },
    ]);
    expect(groups.get("A")).to.have.length(3);
    expect(groups.get("apx:G")).to.have.length(1);
    expect(messages(sink).map((m) => m.replace(/^\S+ /, ""))).to.deep.equal([
      "E needs at least one B element",
      "E may contain at most 2 A elements",
      "unknown apexvisor extension element apx:H inside E; expected apx:G",
      "unknown element C inside E; expected A or B",
    ]);
  });
  it("reports text inside elements that take none", () => {
    const sink = new DiagnosticSink();
    new ElementReader(tree("<E>\n  oops</E>"), sink).finish();
    expect(messages(sink)).to.deep.equal(["2:3 E cannot contain text"]);
  });
  it("joins alternatives in English", () => {
    expect(listOr([])).to.equal("");
    expect(listOr(["a"])).to.equal("a");
    expect(listOr(["a", "b", "c"])).to.equal("a, b or c");
  });
});
