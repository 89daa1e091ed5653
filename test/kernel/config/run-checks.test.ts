import { expect } from "chai";
import * as path from "node:path";
import * as fs from "node:fs";
import { loadConfig, validateText } from "../../../kernel/config/load";
import { checkRunnable } from "../../../kernel/config/run-checks";
import { repoRoot } from "./repo-root";
import { NODE_FILES } from "../../../kernel/host/node/node-files";

function example(name: string) {
  const r = loadConfig(path.join(repoRoot(), "partitions", "examples", name), NODE_FILES);
  if (!r.ok) throw new Error(`${name} invalid`);
  return r.config;
}

describe("kernel/config/run-checks", () => {
  it("asks for an image for each partition of a standard file", () => {
    // The shipped example without its apx:Guest lines is a plain standard file.
    const file = path.join(repoRoot(), "partitions", "examples", "two-partitions-standard.xml");
    const text = fs.readFileSync(file, "utf8").replace(/^\s*<apx:Guest [^>]*\/>\n/gm, "");
    const r = validateText(text, file);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const problems = checkRunnable(r.config);
    expect(problems.map((d) => d.message.slice(0, 42))).to.deep.equal([
      'partition "producer" has no guest image; a',
      'partition "consumer" has no guest image; a',
    ]);
    expect(problems[0]?.pos.line).to.equal(text.split("\n").findIndex((l) => l.includes('PartitionIdentifier="10" PartitionName="producer"')) + 1);
  });
  it("is satisfied when every partition names an image", () => {
    expect(checkRunnable(example("three-partitions.xml"))).to.deep.equal([]);
  });
});
