// Table-driven error classes: every test/config-cases/NAME.xml must produce exactly the diagnostics
// listed in NAME.expected ("line:column: error: message", file name left out), in that order.
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { formatDiagnostic } from "../../../kernel/config/diagnostic";
import { loadConfig } from "../../../kernel/config/load";
import { repoRoot } from "./repo-root";
import { NODE_FILES } from "../../../kernel/host/node/node-files";

const dir = path.join(repoRoot(), "test", "config-cases");
const cases = fs.readdirSync(dir).filter((f) => f.endsWith(".xml")).sort();

describe("test/config-cases (one file per error class)", () => {
  it("has a case file for each error class", () => {
    expect(cases.length).to.be.greaterThan(20);
  });
  for (const name of cases) {
    it(name, () => {
      const file = path.join(dir, name);
      const expected = fs.readFileSync(file.replace(/\.xml$/, ".expected"), "utf8").split("\n").filter((l) => l !== "");
      const result = loadConfig(file, NODE_FILES);
      expect(result.ok, "the case must be invalid").to.equal(false);
      if (result.ok) return;
      const got = result.errors.map((d) => formatDiagnostic(d).slice(file.length + 1));
      expect(got).to.deep.equal(expected);
    });
  }
});
