// A reader that stops early (`apexvisor run … | head -n 2`): the run must stop there, quietly, with
// exit status 141, and its trace file must end on a whole line, not hold a half-written event.
import { expect } from "chai";
import { spawn } from "child_process";
import { mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { REPO_ROOT } from "../../machine/boot-test-image";

const CLI = join(REPO_ROOT, "bin", "apexvisor.js");

/** Runs the CLI, reads `lines` lines of stdout, then closes the pipe; resolves to the exit status and stderr. */
function readThenClose(args: string[], lines: number): Promise<{ status: number | null; err: string; seen: string[] }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    let closed = false;
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      out += chunk;
      if (!closed && out.split("\n").length > lines) {
        closed = true;
        child.stdout.destroy();
      }
    });
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    // A command that ignores the closed pipe would run for minutes: stop it, and let the test fail on its status.
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, err, seen: out.split("\n").slice(0, lines) });
    });
  });
}

describe("kernel/cli/stdout-closed: a reader that stops early", function () {
  this.timeout(120_000);

  it("run stops at once with status 141, no stack trace, and a trace that ends on a whole event", async () => {
    const dir = mkdtempSync(join(tmpdir(), "apexvisor-epipe-"));
    try {
      const trace = join(dir, "t.jsonl");
      // 100,000 frames of the demo would take minutes; the run must stop long before the timeout.
      const r = await readThenClose(["run", join(REPO_ROOT, "partitions", "demo", "module.xml"), "--frames", "100000", "--trace", trace, "--no-progress"], 2);
      expect(r.seen[0]).to.match(/^\[sensor ?\] /);
      expect(r.status).to.equal(141);
      expect(r.err).to.equal("");
      const text = readFileSync(trace, "utf8");
      expect(text.endsWith("\n")).to.equal(true);
      const events = text.trim().split("\n").map((l) => JSON.parse(l) as { t: string });
      expect(events.length).to.be.greaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("boot stops with status 141 and nothing on stderr", async () => {
    const kernel = join(REPO_ROOT, "build", "guests", "test", "programs", "hashmap-O2.elf");
    const r = await readThenClose(["boot", "--kernel", kernel], 1);
    expect(r.seen[0]).to.match(/^hashmap: /);
    expect([141, 1]).to.include(r.status); // 1: the guest finished before the pipe closed
    expect(r.err).to.not.match(/EPIPE|Error/);
  });
});
