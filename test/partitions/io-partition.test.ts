// partitions/io-partition end to end: the hello guest's COM1 served by the ioserver partition through
// the ioreq ring, a hostile server (bogus completions) and a crashing server that restarts.
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { NODE_HOST, REPO_ROOT } from "../../kernel/host/node/node-files";
import { nanos } from "../../kernel/mem/types";
import { defaultBuilders } from "../../kernel/module/default-builders";
import { runModule } from "../../kernel/module/run-module";
import type { TraceEvent } from "../../kernel/trace/trace-event";
import { MemoryTracer } from "../../kernel/trace/tracer";

const XML = join(REPO_ROOT, "partitions", "io-partition", "module.xml");

function run(file: string, ms: number): { lines: string[]; events: TraceEvent[]; hm: number; modes: string[] } {
  const lines: string[] = [];
  const tracer = new MemoryTracer();
  const out = runModule({
    file,
    length: { kind: "duration", value: nanos(BigInt(ms) * 1_000_000n) },
    host: NODE_HOST,
    builders: (c) => defaultBuilders(c, NODE_HOST),
    trace: tracer,
    onConsoleLine: (n, l) => lines.push(`[${n}] ${l}`),
    onNotice: (_t, text) => lines.push(`-- ${text}`),
  });
  if (out.kind !== "ran") throw new Error(`${out.kind}: ${JSON.stringify(out).slice(0, 400)}`);
  return { lines, events: [...tracer.events], hm: out.result.hmLog.length, modes: out.result.partitions.map((p) => `${p.name}:${p.mode}`) };
}

/** The example with absolute image paths and a server command line, written to `dir`. */
function variant(dir: string, serverCommandLine: string): string {
  const text = readFileSync(XML, "utf8")
    .replaceAll('"../../build/', `"${join(REPO_ROOT, "build")}/`)
    .replace('Binding="trap"/>', `Binding="trap" CommandLine="${serverCommandLine}"/>`);
  const file = join(dir, `${serverCommandLine}.xml`);
  writeFileSync(file, text);
  return file;
}

describe("partitions/io-partition: a UART served by an I/O partition", function () {
  this.timeout(120_000);
  let tmp = "";
  before(() => (tmp = mkdtempSync(join(tmpdir(), "apexvisor-ioreq-"))));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it("prints the guest's output under the guest's name, and traces every access issued, served and completed", () => {
    const r = run(XML, 100);
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

  it("a hostile server's bogus completions are an HM event for the server; the guest reads a floating bus and the host does not throw", () => {
    const r = run(variant(tmp, "bogus"), 20);
    expect(r.hm).to.be.greaterThan(0);
    expect(r.lines.some((l) => /HM: partition io: ILLEGAL_REQUEST .*bogus ioreq completion: slot 0 \(request 1 of partition 1\): id is 2, the kernel posted 1/.test(l))).to.equal(true, r.lines.join("\n"));
    const io = r.events.flatMap((e) => (e.kind === "ioreq" ? [e] : []));
    expect(io.some((e) => e.phase === "served" && e.outcome === "floating")).to.equal(true);
    // The client reads 0xFF from its LSR (THRE set), so it keeps transmitting; nothing else is affected.
    expect(r.modes[0]).to.match(/^guest:(NORMAL|IDLE)$/);
  });

  it("a server that crashes goes to the HM, restarts and serves again; the guest runs to its end", () => {
    const r = run(variant(tmp, "crash"), 200);
    expect(r.lines.some((l) => /HM: partition io: MEMORY_VIOLATION/.test(l))).to.equal(true);
    expect(r.lines.filter((l) => l === "[io   ] ioserver: ring attached" || l === "[io] ioserver: ring attached")).to.have.length(2);
    expect(r.lines).to.include("[guest] hello: bye");
    expect(r.modes).to.deep.equal(["guest:IDLE", "io:NORMAL"]);
  });
});
