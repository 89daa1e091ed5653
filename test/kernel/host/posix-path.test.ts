// The kernel's POSIX path helpers agree with Node's path.posix on the shapes config paths take.
import { expect } from "chai";
import * as path from "node:path";
import { dirname, isAbsolute, join, normalize, relative } from "../../../kernel/host/posix-path";

const PATHS = ["a/b.xml", "/a/b.xml", "b.xml", "/b.xml", "./a//b/../c.elf", "../x/y", "/", ".", "a/b/", "../../a"];

describe("kernel/host/posix-path", () => {
  it("normalize, dirname and isAbsolute match path.posix", () => {
    for (const p of PATHS) {
      expect(normalize(p).replace(/\/$/, "") || "/", `normalize ${p}`).to.equal(path.posix.normalize(p).replace(/(.)\/$/, "$1"));
      expect(dirname(p), `dirname ${p}`).to.equal(path.posix.dirname(p));
      expect(isAbsolute(p), `isAbsolute ${p}`).to.equal(path.posix.isAbsolute(p));
    }
  });
  it("join matches path.posix.join", () => {
    const cases: string[][] = [["partitions/demo", "apps/x.elf"], [".", "k.elf"], ["/r", "..", "s"], ["a", "../../b"], ["a/", "./b/"]];
    for (const c of cases) expect(join(...c), c.join(" + ")).to.equal(path.posix.join(...c).replace(/(.)\/$/, "$1"));
  });
  it("relative matches path.posix.relative for paths under a common folder", () => {
    const cases: [string, string][] = [["partitions/demo", "partitions/demo/apps/x.elf"], ["/a/b", "/a/c/d"], ["a", "a"], ["a/b/c", "a"]];
    for (const [f, t] of cases) expect(relative(f, t), `${f} -> ${t}`).to.equal(path.posix.relative(f, t));
  });
});
