import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { repoRoot } from "../../config/repo-root";

const root = repoRoot();
function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(root, "bin", "apexvisor.js"), ...args], { cwd: root, encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("kernel/cli/commands/validate (apexvisor validate)", () => {
  it("prints a summary and exits 0 for a valid module", () => {
    const r = run("validate", "partitions/examples/three-partitions.xml");
    expect(r.status).to.equal(0);
    expect(r.stdout).to.contain("partitions: 3");
    expect(r.stderr).to.equal("");
  });
  it("prints every problem as file:line:column: error: ... and exits 1", () => {
    const r = run("validate", "test/config-cases/period-start.xml");
    expect(r.status).to.equal(1);
    const lines = r.stderr.trim().split("\n");
    expect(lines).to.have.length(3);
    expect(lines[0]).to.match(/^test\/config-cases\/period-start\.xml:9:7: error: window 2 is the first window/);
    expect(lines[2]).to.equal("2 errors");
  });
  it("reports an unreadable file without a stack trace", () => {
    const r = run("validate", "no/such/file.xml");
    expect(r.status).to.equal(1);
    expect(r.stderr).to.contain("no/such/file.xml: error: cannot read the file: no such file");
    expect(r.stderr).not.to.contain("    at ");
  });
  it("checks the XSD too: a module apexvisor accepts but the schema's order forbids fails with an XSD: line; --no-xsd skips it", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "validate-xsd-"));
    try {
      const src = fs.readFileSync(path.join(root, "partitions", "examples", "three-partitions.xml"), "utf8");
      const hm = /\s*<Module_HM_Table>[\s\S]*?<\/Module_HM_Table>/.exec(src)?.[0] ?? "";
      expect(hm).to.not.equal("");
      const moved = src.replace(hm, "").replace("</ARINC_653_Module>", `${hm}\n</ARINC_653_Module>`);
      const file = path.join(dir, "order.xml");
      fs.writeFileSync(file, moved);
      const r = run("validate", file);
      expect(r.status).to.equal(1);
      expect(r.stderr).to.match(/order\.xml:\d+: error: XSD: Element 'Module_HM_Table': This element is not expected/);
      const skip = run("validate", "--no-xsd", file);
      expect(skip.status).to.equal(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  it("exits 2 on usage errors", () => {
    expect(run("validate").status).to.equal(2);
    expect(run("validate", "a.xml", "b.xml").status).to.equal(2);
  });
});
