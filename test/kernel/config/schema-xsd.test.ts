// Checks partitions/schema/*.xsd with libxml2 (xmllint-wasm, from npm, so it runs everywhere): every
// module XML in the repository validates, and the structural error cases are rejected by the schema too.
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { checkXsd, type NamedText, type XsdSchema } from "../../../kernel/config/xsd-check";
import { MODULE_XSD, MODULE_XSD_IMPORTS } from "../../../kernel/module/repo-paths";
import { repoRoot } from "./repo-root";

const root = repoRoot();
const text = (rel: string): NamedText => ({ file: rel, text: fs.readFileSync(path.join(root, rel), "utf8") });
const schema: XsdSchema = { main: text(MODULE_XSD), imports: MODULE_XSD_IMPORTS.map(text) };

/** Cases whose errors are structural, so the XSD alone must reject them. */
const STRUCTURAL = [
  "bad-enums",
  "bad-names",
  "bad-numbers",
  "bad-times",
  "extension",
  "missing-required",
  "no-partitions",
  "not-well-formed",
  "unknown-attributes",
  "unknown-elements",
  "wrong-root",
];

/** Module XML files in the repository outside the error cases (git's list when there is a .git, else a walk). */
function moduleFiles(): string[] {
  const dirs = ["partitions", path.join("test", "scenarios")];
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(path.join(root, d), { withFileTypes: true })) {
      const rel = path.join(d, e.name);
      if (e.isDirectory()) walk(rel);
      else if (e.name.endsWith(".xml")) out.push(rel);
    }
  };
  dirs.forEach(walk);
  return out.sort();
}

describe("partitions/schema (XSD, via libxml2 in wasm)", function () {
  let rejected: Map<string, number>;
  before(async () => {
    const cases = STRUCTURAL.map((n) => text(path.join("test", "config-cases", `${n}.xml`)));
    const diags = await checkXsd(cases, schema);
    rejected = new Map();
    for (const d of diags) rejected.set(d.pos.file, (rejected.get(d.pos.file) ?? 0) + 1);
  });

  it("validates every module XML of partitions/ and test/scenarios/", async () => {
    const files = moduleFiles();
    expect(files.length).to.be.greaterThan(10);
    const diags = await checkXsd(files.map(text), schema);
    expect(diags.map((d) => `${d.pos.file}:${d.pos.line}: ${d.message}`).join("\n")).to.equal("");
  });
  for (const name of STRUCTURAL) {
    it(`rejects test/config-cases/${name}.xml`, () => {
      expect(rejected.get(path.join("test", "config-cases", `${name}.xml`)) ?? 0).to.be.greaterThan(0);
    });
  }
  it("positions each error at its file and line, without libxml2's prefixes", async () => {
    const bad = { file: "x/bad.xml", text: '<?xml version="1.0"?>\n<ARINC_653_Module>\n  <Partition PartitionIdentifier="1" Criticality="LEVEL_Z"/>\n</ARINC_653_Module>\n' };
    const diags = await checkXsd([text("partitions/demo/module.xml"), bad], schema);
    expect(diags.length).to.be.greaterThan(0);
    expect(diags.every((d) => d.pos.file === "x/bad.xml")).to.equal(true);
    expect(diags.some((d) => d.pos.line === 3 && /^XSD: Element 'Partition', attribute 'Criticality'/.test(d.message))).to.equal(true);
  });
});
