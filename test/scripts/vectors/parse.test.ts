import { expect } from "chai";
import { resolve } from "path";
import { COMPARED, EFLAGS_FIXED } from "../../../scripts/vectors/flags";
import { hexBytes, loadVectorDir, parseVectorFile, VectorFileError } from "../../../scripts/vectors/parse";

const DIR = resolve(__dirname, "..", "..", "..", "..", "test", "vectors");

const GOOD = {
  format: 1,
  cpu: { modelName: "x", vendor: "v", family: "1", model: "2", stepping: "3" },
  recorder: "r",
  seed: 1,
  defaults: { eax: 0, ecx: 0, edx: 0, ebx: 0, ebp: 0, esi: 0, edi: 0 },
  forms: [
    {
      group: "alu", mnemonic: "add", form: "add eax, ebx", code: "01d8", hostPrefix: "", in: ["eax", "ebx"], out: ["eax"], ptr: [],
      undefinedFlags: 0, undefinedNote: "none", vectors: [{ i: [1, 2, 2], o: [3, 6] }],
    },
  ],
};

function variant(edit: (f: typeof GOOD.forms[number]) => unknown): string {
  const copy = JSON.parse(JSON.stringify(GOOD)) as typeof GOOD;
  const form = copy.forms[0];
  if (form === undefined) throw new Error("fixture has no form");
  edit(form);
  return JSON.stringify(copy);
}

describe("scripts/vectors/parse", () => {
  it("reads a well-formed file", () => {
    const f = parseVectorFile(JSON.stringify(GOOD), "good.json");
    expect(f.forms[0]?.vectors[0]?.o).to.deep.equal([3, 6]);
    expect(Array.from(hexBytes("01d8"))).to.deep.equal([1, 0xd8]);
  });

  it("names the file and the path of a bad shape", () => {
    expect(() => parseVectorFile("{", "x.json")).to.throw(VectorFileError, "x.json");
    expect(() => parseVectorFile(variant((f) => (f.code = "1d8")), "x.json")).to.throw(VectorFileError, "forms[0].code");
    expect(() => parseVectorFile(variant((f) => (f.vectors = [{ i: [1, 2], o: [3, 6] }])), "x.json")).to.throw(VectorFileError, "forms[0].vectors[0].i");
    expect(() => parseVectorFile(variant((f) => (f.in = ["esp"])), "x.json")).to.throw(VectorFileError, "unknown register");
    expect(() => parseVectorFile(variant((f) => (f.vectors = [{ i: [1, 2, -1], o: [3, 6] }])), "x.json")).to.throw(VectorFileError, "32-bit");
  });

  it("accepts every committed vector file and finds every group in it", () => {
    const files = loadVectorDir(DIR);
    expect(files.map(([name]) => name)).to.deep.equal(["alu.json", "bit.json", "misc.json", "muldiv.json", "shift.json", "string.json"]);
    for (const [name, file] of files) {
      expect(file.forms.length, name).to.be.greaterThan(0);
      for (const form of file.forms) {
        expect(form.vectors.length, form.form).to.be.greaterThan(0);
        expect(`${name}`).to.equal(`${form.group}.json`);
        const stray = form.vectors.filter((v) => ((v.o[v.o.length - 1] ?? 0) & ~(COMPARED | EFLAGS_FIXED)) !== 0);
        expect(stray, `${form.form}: output EFLAGS outside the compared bits`).to.deep.equal([]);
      }
    }
  });
});
