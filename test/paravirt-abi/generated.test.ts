// Fails when a committed generated file differs from what scripts/gen-abi.ts makes of the current
// paravirt-abi/abi.json (fix: `npm run gen:abi` and commit the result).
import { expect } from "chai";
import { readFileSync } from "fs";
import { join } from "path";
import { generateAll } from "../../paravirt-abi/gen/generate";
import { loadAbi } from "../../paravirt-abi/gen/load";
import { GENERATED_NOTE } from "../../paravirt-abi/gen/names";
import { REPO_ROOT } from "./lib/build";

describe("paravirt-abi: generated files", () => {
  const files = generateAll(loadAbi(REPO_ROOT));

  for (const [rel, text] of files) {
    it(`${rel} is up to date (else run npm run gen:abi)`, () => {
      const committed = readFileSync(join(REPO_ROOT, rel), "utf8");
      expect(committed === text, `${rel} is stale`).to.equal(true);
      expect(committed).to.contain(GENERATED_NOTE);
    });
  }

  it("notices a changed definition (the check can fail)", () => {
    const def = loadAbi(REPO_ROOT);
    const changed = { ...def, minor: def.minor + 1 };
    const other = generateAll(changed);
    for (const rel of ["paravirt-abi/include/pv_abi.h", "paravirt-abi/ABI.md", "kernel/hypercall/generated/abi-generated.ts"]) {
      expect(other.get(rel) === files.get(rel), rel).to.equal(false);
    }
  });
});
