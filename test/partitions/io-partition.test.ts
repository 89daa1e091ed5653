// partitions/io-partition end to end: the hello guest's COM1 served by the ioserver partition through
// the ioreq ring, a hostile server (bogus completions) and a crashing server that restarts.
import { expect } from "chai";
import { mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { REPO_ROOT } from "../../kernel/host/node/node-files";
import { writeJsonLines } from "../../kernel/trace/jsonl-writer";
import { ioVariant, runTestModule, runTestModuleSplit } from "../support/module-run";

const XML = join(REPO_ROOT, "partitions", "io-partition", "module.xml");

describe("partitions/io-partition: a UART served by an I/O partition", function () {
  this.timeout(120_000);
  let tmp = "";
  before(() => (tmp = mkdtempSync(join(tmpdir(), "apexvisor-ioreq-"))));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it("prints the guest's output under the guest's name, and traces every access issued, served and completed", () => {
    const r = runTestModule(XML, 100_000_000n);
    expect(r.lines.filter((l) => l.startsWith("[guest]"))).to.deep.equal([
      "[guest] Hello from a Multiboot guest on apexvisor!",
      "[guest] hello: memory below 1 MiB: 639 KiB, above 1 MiB: 2944 KiB",
      '[guest] hello: command line "../../build/guests/partitions/hello/hello-O2.elf served=com1"',
      "[guest] hello: bye",
    ]);
    expect(r.hm).to.equal(0);
    expect(r.modes).to.deep.equal(["guest:IDLE", "io:NORMAL"]);
    const io = r.events.flatMap((e) => (e.kind === "ioreq" ? [e] : []));
    const phases = (p: string): number => io.filter((e) => e.phase === p).length;
    expect(phases("issued")).to.be.greaterThan(200);
    expect(phases("served")).to.equal(phases("issued"));
    expect(phases("completed")).to.equal(phases("issued"));
    // Only the range the XML assigns is forwarded (the guest's isa-debug-exit write stays in the kernel).
    expect(io.every((e) => e.addr >= 0x3f8 && e.addr <= 0x3ff)).to.equal(true);
    // The guest issues in its window 1, the server serves in its window 2, the guest resumes in a later window 1.
    const first = io.filter((e) => e.id === 1);
    expect(first.map((e) => `${e.phase} P${e.partition} w${e.window}`)).to.deep.equal(["issued P1 w1", "served P2 w2", "completed P1 w1"]);
    expect(Number(first[2]!.time - first[0]!.time)).to.be.greaterThanOrEqual(100_000);
  });

  it("save in the middle of forwarded accesses, resume from the file's bytes: the same console and trace as one run", () => {
    const whole = runTestModule(XML, 100_000_000n);
    // 1234567 ns: inside the guest's window, with one of its accesses issued and not yet served.
    const { first, rest } = runTestModuleSplit(XML, 1_234_567n, 100_000_000n);
    const mid = first.events.filter((e) => e.kind === "ioreq");
    expect(mid[mid.length - 1]).to.deep.include({ phase: "issued" });
    expect([...first.lines, ...rest.lines]).to.deep.equal(whole.lines);
    expect(writeJsonLines(first.events) + writeJsonLines(rest.events)).to.equal(writeJsonLines(whole.events));
  });

  it("a hostile server's bogus completions are an HM event for the server; the guest reads a floating bus and the host does not throw", () => {
    const r = runTestModule(ioVariant(XML, tmp, "bogus"), 20_000_000n);
    expect(r.hm).to.be.greaterThan(0);
    expect(r.lines.some((l) => /HM: partition io: ILLEGAL_REQUEST .*bogus ioreq completion: slot 0 \(request 1 of partition 1\): id is 2, the kernel posted 1/.test(l))).to.equal(true, r.lines.join("\n"));
    const io = r.events.flatMap((e) => (e.kind === "ioreq" ? [e] : []));
    expect(io.some((e) => e.phase === "served" && e.outcome === "floating")).to.equal(true);
    // The client reads 0xFF from its LSR (THRE set), so it keeps transmitting; nothing else is affected.
    expect(r.modes[0]).to.match(/^guest:(NORMAL|IDLE)$/);
  });

  it("a server that crashes goes to the HM, restarts and serves again; the guest runs to its end", () => {
    const r = runTestModule(ioVariant(XML, tmp, "crash"), 200_000_000n);
    expect(r.lines.some((l) => /HM: partition io: MEMORY_VIOLATION/.test(l))).to.equal(true);
    expect(r.lines.filter((l) => l === "[io   ] ioserver: ring attached" || l === "[io] ioserver: ring attached")).to.have.length(2);
    expect(r.lines).to.include("[guest] hello: bye");
    expect(r.modes).to.deep.equal(["guest:IDLE", "io:NORMAL"]);
  });
});
