// Checks partitions/schema/*.xsd with xmllint (libxml2-utils), when it is installed: every example
// module validates, and the structural error cases are rejected by the schema too. Skips otherwise.
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot } from "./repo-root";

const root = repoRoot();
const xsd = path.join(root, "partitions", "schema", "apexvisor-653.xsd");
const hasXmllint = spawnSync("xmllint", ["--version"]).status === 0;

function xmllint(file: string): { ok: boolean; output: string } {
  const r = spawnSync("xmllint", ["--noout", "--nonet", "--schema", xsd, file], { encoding: "utf8" });
  return { ok: r.status === 0, output: r.stderr };
}

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

describe("partitions/schema (XSD, via xmllint)", function () {
  before(function () {
    if (!hasXmllint) {
      console.log("      (skipped: xmllint not installed; apt-get install libxml2-utils to run these)");
      this.skip();
    }
  });
  it("validates every example module", () => {
    const dir = path.join(root, "partitions", "examples");
    for (const f of fs.readdirSync(dir).filter((n) => n.endsWith(".xml"))) {
      const r = xmllint(path.join(dir, f));
      expect(r.ok, `${f}: ${r.output}`).to.equal(true);
    }
  });
  for (const name of STRUCTURAL) {
    it(`rejects test/config-cases/${name}.xml`, () => {
      expect(xmllint(path.join(root, "test", "config-cases", `${name}.xml`)).ok).to.equal(false);
    });
  }
});
