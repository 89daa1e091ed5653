// Every implemented ALU, shift, bit, mul/div, string and misc opcode (the vector-group rows of the opcode
// table) is covered by at least one committed reference-vector form, unless its row says why it cannot be
// recorded on the 64-bit host; and every form decodes to a row of its own group.
import { expect } from "chai";
import { resolve } from "path";
import { loadVectorDir } from "../../../scripts/vectors/parse";
import { rowName, vectorCoverage } from "../../../scripts/vectors/coverage";

const DIR = resolve(__dirname, "..", "..", "..", "..", "test", "vectors");

describe("scripts/vectors: coverage of the opcode table", function () {
  const files = loadVectorDir(DIR).map(([, f]) => f);
  const cov = vectorCoverage(files);

  it("covers every recordable row of a vector group", function () {
    expect(cov.missing.map(rowName), "rows of a vector group without vectors (add forms in scripts/vectors/groups/ and record)").to.deep.equal([]);
    expect(cov.covered.size).to.be.greaterThan(100);
  });

  it("has no stale 'noVectors' reason and no form outside its group's rows", function () {
    expect(cov.stale.map(rowName), "rows marked unrecordable that have vectors").to.deep.equal([]);
    expect(cov.stray).to.deep.equal([]);
  });
});
