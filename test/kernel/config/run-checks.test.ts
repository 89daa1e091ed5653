import { expect } from "chai";
import * as path from "node:path";
import { loadConfig } from "../../../kernel/config/load";
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
    const problems = checkRunnable(example("two-partitions-standard.xml"));
    expect(problems.map((d) => d.message.slice(0, 42))).to.deep.equal([
      'partition "producer" has no guest image; a',
      'partition "consumer" has no guest image; a',
    ]);
    expect(problems[0]?.pos.line).to.equal(17);
  });
  it("is satisfied when every partition names an image", () => {
    expect(checkRunnable(example("three-partitions.xml"))).to.deep.equal([]);
  });
});
