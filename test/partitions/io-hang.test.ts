// Hung-server detection (kernel/ioreq/server-watch.ts) on partitions/io-partition: the ioserver stops
// completing requests after 40 ("hang": it yields every window; "spin": it loops forever). After
// ServerDeadlineWindows of its windows without a completion the HM hears DEADLINE_MISSED for the server,
// the client's outstanding access completes as a floating bus, the server restarts and serves again.
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { REPO_ROOT } from "../../kernel/host/node/node-files";
import { decodeSnapshot, encodeSnapshot } from "../../kernel/snapshot/snapshot-file";
import { writeJsonLines } from "../../kernel/trace/jsonl-writer";
import { runTestModule, type ModuleRun } from "../support/module-run";

const XML = join(REPO_ROOT, "partitions", "io-partition", "module.xml");

describe("kernel/ioreq hung-server detection (partitions/io-partition with a hostile server)", function () {
  this.timeout(180_000);
  let tmp = "";
  before(() => (tmp = mkdtempSync(join(tmpdir(), "apexvisor-hang-"))));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  function variant(word: string, deadline?: number): string {
    const text = readFileSync(XML, "utf8")
      .replaceAll('"../../build/', `"${join(REPO_ROOT, "build")}/`)
      .replace('Binding="trap"/>', `Binding="trap" CommandLine="${word}"${deadline === undefined ? "" : ` ServerDeadlineWindows="${deadline}"`}/>`);
    const file = join(tmp, `${word}-${deadline ?? "default"}.xml`);
    writeFileSync(file, text);
    return file;
  }

  /** Windows of the server (P2) from the last completion it made to the HM event, and the event line. */
  function detection(r: ModuleRun): { windows: number; hm: string[] } {
    const hm = r.lines.filter((l) => l.includes("HM: partition io:"));
    const hmAt = r.events.find((e) => e.kind === "hmEvent" && e.partition === 2)?.time ?? 0n;
    const served = r.events.filter((e) => e.kind === "ioreq" && e.phase === "served" && e.outcome === "ok" && e.time < hmAt);
    const lastOk = served[served.length - 1]?.time ?? 0n; // the server's last completion before it hung
    // Server windows that ended after it, minus the one that completed it: the windows it missed.
    const windows = r.events.filter((e) => e.kind === "windowEnd" && e.partition === 2 && e.time > lastOk && e.time <= hmAt).length - 1;
    return { windows, hm };
  }

  for (const word of ["hang", "spin"]) {
    it(`a server that ${word === "hang" ? "waits forever" : "spins"} is DEADLINE_MISSED after 3 of its windows; the client's access completes as a floating bus; the restarted server serves again`, () => {
      const r = runTestModule(variant(word), 200_000_000n);
      const d = detection(r);
      expect(d.hm).to.have.length(1, r.lines.join("\n"));
      expect(d.hm[0]).to.match(/HM: partition io: DEADLINE_MISSED .*hung; its requests complete as a floating bus/);
      expect(d.windows).to.equal(3);
      const io = r.events.flatMap((e) => (e.kind === "ioreq" ? [e] : []));
      expect(io.some((e) => e.phase === "served" && e.outcome === "floating")).to.equal(true);
      expect(r.lines.filter((l) => /ioserver: ring attached/.test(l))).to.have.length(2);
      expect(r.lines).to.include("[guest] hello: bye");
      expect(r.modes).to.deep.equal(["guest:IDLE", "io:NORMAL"]);
    });
  }

  it("ServerDeadlineWindows in the XML sets the deadline", () => {
    const d = detection(runTestModule(variant("hang", 5), 200_000_000n));
    expect(d.hm).to.have.length(1);
    expect(d.windows).to.equal(5);
  });

  it("a snapshot while the server is missing windows resumes to the same detection", () => {
    const file = variant("hang");
    const whole = runTestModule(file, 30_000_000n);
    const cut = whole.events.find((e) => e.kind === "hmEvent")?.time;
    if (cut === undefined) throw new Error("no HM event in 30 ms");
    const at = cut - 250_000n; // between two missed windows
    const first = runTestModule(file, at, { save: true });
    const decoded = decodeSnapshot(encodeSnapshot(first.snapshot!));
    if (!decoded.ok) throw new Error(decoded.error);
    const rest = runTestModule(file, 30_000_000n - at, { resume: decoded.content });
    expect([...first.lines, ...rest.lines]).to.deep.equal(whole.lines);
    expect(writeJsonLines(first.events) + writeJsonLines(rest.events)).to.equal(writeJsonLines(whole.events));
  });
});
