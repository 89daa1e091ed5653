// Checks the bundled demo's module: it loads without errors, and the golden scenario's copy in
// test/scenarios/demo/ describes the same module (same images, ports, schedule, HM tables, channels).
// Running the demo is the scenario test's job (test/scenarios.test.ts), not this file's.
import { expect } from "chai";
import { join, resolve } from "path";
import { loadConfig } from "../../kernel/config/load";
import { NODE_FILES } from "../../kernel/host/node/node-files";

const ROOT = resolve(__dirname, "..", "..", "..");

/** The loaded module as JSON without source positions and file names, which differ between copies. */
function comparable(xml: string): string {
  const loaded = loadConfig(join(ROOT, xml), NODE_FILES);
  if (!loaded.ok) throw new Error(`${xml} invalid: ${JSON.stringify(loaded.errors)}`);
  return JSON.stringify(loaded.config, (key: string, value: unknown) =>
    key === "pos" || key === "file" ? undefined : typeof value === "bigint" ? value.toString() : value,
  );
}

describe("partitions/demo", () => {
  it("is a valid module with the sensor, display and monitor partitions", () => {
    const loaded = loadConfig(join(ROOT, "partitions", "demo", "module.xml"), NODE_FILES);
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
    expect(loaded.config.partitions.map((p) => p.name)).to.deep.equal(["sensor", "display", "monitor"]);
  });

  it("is the module the golden scenario test/scenarios/demo runs", () => {
    expect(comparable(join("test", "scenarios", "demo", "module.xml"))).to.equal(
      comparable(join("partitions", "demo", "module.xml")),
    );
  });
});
