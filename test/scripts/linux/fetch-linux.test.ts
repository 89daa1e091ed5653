import { expect } from "chai";
import { spawnSync } from "child_process";
import { resolve } from "path";
import { parseFetchArgs } from "../../../scripts/fetch-linux";

const SCRIPT = resolve(__dirname, "..", "..", "..", "scripts", "fetch-linux.js");

describe("scripts/fetch-linux options", () => {
  it("reads --force and --help, and refuses anything else", () => {
    expect(parseFetchArgs([])).to.deep.equal({ force: false, help: false });
    expect(parseFetchArgs(["--force"])).to.deep.equal({ force: true, help: false });
    expect(parseFetchArgs(["-h"])).to.deep.equal({ force: false, help: true });
    expect(parseFetchArgs(["--forse"])).to.equal("unknown argument --forse");
  });

  it("--help prints the usage and fetches nothing; an unknown option is a usage error with status 2", () => {
    const help = spawnSync(process.execPath, [SCRIPT, "--help"], { encoding: "utf8", timeout: 60_000 });
    expect(help.status).to.equal(0);
    expect(help.stdout).to.match(/^usage: npm run fetch:linux/);
    expect(help.stdout).to.contain("--force");
    expect(help.stdout).to.not.contain("fetch-linux: fetched").and.not.contain("fetch-linux: cached");
    const bad = spawnSync(process.execPath, [SCRIPT, "--bogus"], { encoding: "utf8", timeout: 60_000 });
    expect(bad.status).to.equal(2);
    expect(bad.stderr).to.contain("fetch-linux: unknown argument --bogus");
    expect(bad.stdout).to.equal("");
  });
});
