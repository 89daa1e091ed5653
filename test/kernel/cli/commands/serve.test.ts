// `apexvisor serve` without a browser: bad input is refused with one line and an exit status; a good
// module is served (page, manifest, the module's files) and nothing else is reachable.
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { SERVE_EXIT } from "../../../../kernel/cli/commands/serve";
import { buildWeb, startServe, type Served } from "../../../../scripts/lib/browser";
import { repoRoot } from "../../config/repo-root";

const root = repoRoot();
const cli = (...args: string[]) => spawnSync(process.execPath, [path.join(root, "bin", "apexvisor.js"), "serve", ...args], { cwd: root, encoding: "utf8", timeout: 60_000 });

describe("kernel/cli/commands/serve (apexvisor serve)", function () {
  this.timeout(120_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), "apexvisor-serve-"));
    if (!existsSync(path.join(root, "build", "web", "worker.js"))) buildWeb(root, false);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("refuses a missing or invalid module (exit 1) and a module whose image is missing (exit 4), serving nothing", () => {
    const missing = cli(path.join(dir, "nope.xml"));
    expect(missing.status).to.equal(SERVE_EXIT.invalid);
    expect(missing.stderr).to.contain("cannot read the file: no such file").and.not.contain("    at ");
    const noImage = path.join(dir, "m.xml");
    writeFileSync(
      noImage,
      `<ARINC_653_Module xmlns:apx="urn:apexvisor:ext:1"><Partition PartitionIdentifier="1" PartitionName="a"><apx:Guest Image="gone.elf"/></Partition>
<Module_Schedule MajorFrameSeconds="0.01"><Partition_Schedule PartitionIdentifier="1" PeriodSeconds="0.01" PeriodDurationSeconds="0.01">
<Window_Schedule WindowIdentifier="1" WindowStartSeconds="0" WindowDurationSeconds="0.01" PartitionPeriodStart="true"/></Partition_Schedule></Module_Schedule></ARINC_653_Module>`,
    );
    const r = cli(noImage);
    expect(r.status).to.equal(SERVE_EXIT.loadError);
    expect(r.stderr).to.match(/gone\.elf: no such file/);
    expect(cli("--port", "70000").status).to.equal(SERVE_EXIT.usage);
  });

  it("serves the page, the manifest and exactly the module's files", async () => {
    let served: Served | undefined;
    try {
      served = await startServe(root);
      const get = async (p: string): Promise<{ status: number; body: string }> => {
        const res = await fetch(new URL(p, served?.url));
        return { status: res.status, body: await res.text() };
      };
      expect((await get("/")).body).to.contain("<title>apexvisor: schedule view</title>");
      const manifest = JSON.parse((await get("/module/manifest.json")).body) as { files: { path: string; url: string }[] };
      expect(manifest.files.map((f) => path.basename(f.path))).to.deep.equal(["module.xml", "sensor-trap-O2.elf", "display-jumptable-O2.elf", "monitor-rtos-pc-O2.elf", "libpv-O2.elf"]);
      expect((await get(manifest.files[0]?.url ?? "")).body).to.contain("ARINC_653_Module");
      expect((await get("/module/file/99")).status).to.equal(404);
      expect((await get("/../package.json")).status).to.equal(404);
      expect((await get("/etc/passwd")).status).to.equal(404);
    } finally {
      served?.child.kill();
    }
  });
});
