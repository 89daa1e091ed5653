// partitions/io-partition/disk.xml end to end: the disk guest's ATA disk and COM1 both served by the
// ioserver partition. The guest's result on its console and on the disk, one ring request per sector
// (REP INSW/OUTSW batching), IRQ 14 from the server, the block services refusing a hostile server, a
// server crash in the middle of a transfer, and a snapshot in the middle of a multi-sector transfer
// resumed in a new process.
import { expect } from "chai";
import { spawnSync } from "child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { OpenDisks } from "../../../kernel/disk/open-disks";
import { nodeDiskWriteBack } from "../../../kernel/host/node/node-disk-writer";
import { NODE_HOST, REPO_ROOT } from "../../../kernel/host/node/node-files";
import { nanos } from "../../../kernel/mem/types";
import { defaultBuilders } from "../../../kernel/module/default-builders";
import { runModule } from "../../../kernel/module/run-module";
import type { TraceEvent } from "../../../kernel/trace/trace-event";
import { MemoryTracer } from "../../../kernel/trace/tracer";

const XML = join(REPO_ROOT, "partitions", "io-partition", "disk.xml");
const IMAGE = join(REPO_ROOT, "partitions", "io-partition", "disk.img");
const CLI = join(REPO_ROOT, "bin", "apexvisor.js");
/** What the guest prints for disk.img (the same as the in-kernel controller gives, see the README). */
const RESULT = "lines=48 words=720 bytes=3552 crc32=a036d115";
const RESULT_LBA = 8;

type Io = Extract<TraceEvent, { kind: "ioreq" }>;

/** The example with absolute image paths, its own copy of disk.img (Persist), a guest and a server command line. */
function variant(dir: string, name: string, opts: { guest?: string; server?: string; persist?: boolean } = {}): { file: string; disk: string } {
  const disk = join(dir, `${name}.img`);
  copyFileSync(IMAGE, disk);
  let text = readFileSync(XML, "utf8").replaceAll('"../../build/', `"${join(REPO_ROOT, "build")}/`).replace('Image="disk.img"', `Image="${disk}"${opts.persist === false ? "" : ' Persist="true"'}`);
  if (opts.guest !== undefined) text = text.replace('CommandLine="mode=irq multiple=8"', `CommandLine="${opts.guest}"`);
  if (opts.server !== undefined) text = text.replace('Binding="trap"/>', `Binding="trap" CommandLine="${opts.server}"/>`);
  const file = join(dir, `${name}.xml`);
  writeFileSync(file, text);
  return { file, disk };
}

function run(file: string, ms: number): { lines: string[]; io: Io[]; hm: number; modes: string[] } {
  const lines: string[] = [];
  const tracer = new MemoryTracer();
  const disks = new OpenDisks(NODE_HOST.files, nodeDiskWriteBack);
  const out = runModule({
    file,
    length: { kind: "duration", value: nanos(BigInt(ms) * 1_000_000n) },
    host: NODE_HOST,
    builders: (c) => defaultBuilders(c, NODE_HOST, undefined, disks),
    trace: tracer,
    onConsoleLine: (n, l) => lines.push(`[${n}] ${l}`),
    onNotice: (_t, text) => lines.push(`-- ${text}`),
  });
  if (out.kind !== "ran") throw new Error(`${out.kind}: ${JSON.stringify(out).slice(0, 400)}`);
  expect(disks.flushAll()).to.deep.equal([]);
  const io = tracer.events.flatMap((e) => (e.kind === "ioreq" ? [e] : []));
  return { lines, io, hm: out.result.hmLog.length, modes: out.result.partitions.map((p) => `${p.name}:${p.mode}`) };
}

function cli(...args: string[]): { status: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", cwd: REPO_ROOT });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

/** The disk guest's console lines (the run's notices and the server's lines left out). */
const readerLines = (lines: readonly string[]): string[] => lines.filter((l) => l.startsWith("[reader]"));

describe("partitions/io-partition/disk.xml: an ATA disk and a UART served by the I/O partition", function () {
  this.timeout(300_000);
  let tmp = "";
  before(() => (tmp = mkdtempSync(join(tmpdir(), "apx-served-disk-"))));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it("the example as shipped: the guest reads the file, prints its result under its own name, and disk.img is not changed (copy-on-write)", () => {
    const before = readFileSync(IMAGE);
    const r = run(XML, 150);
    expect(readerLines(r.lines)).to.deep.equal(["[reader] disk: APEXVISOR SERVED ATA DISK, 15 sectors, multiple up to 16", `[reader] irq: ${RESULT}`, `[reader] result written to sector ${RESULT_LBA}; 6 interrupts`]);
    expect(r.hm).to.equal(0);
    expect(r.modes).to.deep.equal(["reader:IDLE", "io:NORMAL"]);
    expect(readFileSync(IMAGE)).to.deep.equal(before);
  });

  it("Persist: the result reaches the image file, nothing else changes; every sector moved is one request with a repeat count of 256 words", () => {
    const v = variant(tmp, "persist");
    const r = run(v.file, 150);
    expect(readerLines(r.lines)).to.include(`[reader] irq: ${RESULT}`);
    const after = readFileSync(v.disk);
    const before = readFileSync(IMAGE);
    expect(after.subarray(RESULT_LBA * 512, RESULT_LBA * 512 + RESULT.length + 1).toString("latin1")).to.equal(`${RESULT}\n`);
    expect(after.subarray(0, RESULT_LBA * 512)).to.deep.equal(before.subarray(0, RESULT_LBA * 512));
    expect(after.subarray((RESULT_LBA + 1) * 512)).to.deep.equal(before.subarray((RESULT_LBA + 1) * 512));
    // IDENTIFY, sector 0, the 7-sector file, the result written and read back: 11 sectors of 256 words, one
    // request each, except the sector whose buffer crosses a page of the guest's memory: two requests there.
    const data = r.io.filter((e) => e.phase === "issued" && e.addr === 0x1f0);
    expect(data.map((e) => e.count).join(" ")).to.equal("256 256 256 256 256 256 256 256 240 16 256 256");
    expect(data.map((e) => e.dir).join(" ")).to.equal("in in in in in in in in in in out in");
  });

  it("polled (nIEN set): the same result with no interrupt; the guest only polls Alternate Status", () => {
    const r = run(variant(tmp, "poll", { guest: "mode=poll multiple=1" }).file, 200);
    expect(readerLines(r.lines)).to.include(`[reader] poll: ${RESULT}`);
    expect(readerLines(r.lines)).to.include(`[reader] result written to sector ${RESULT_LBA}; 0 interrupts`);
  });

  it("the block and interrupt services refuse a hostile server's arguments with error codes; no HM event, the guest is served as usual", () => {
    const r = run(variant(tmp, "hostile", { server: "hostile" }).file, 150);
    // EINVAL (-2) for ownership, alignment, length, line and level; ECONFIG (-5) past the end; EFAULT (-3) for buffers outside RAM.
    expect(r.lines).to.include("[io] hostile: sectors=15 -2,-2,-2,-2,-2,-5,-5,-3,-3,-2,-2,-2,-2,-2,0");
    expect(r.hm).to.equal(0);
    expect(readerLines(r.lines)).to.include(`[reader] irq: ${RESULT}`);
  });

  it("a server crash in the middle of a multi-sector read: the access reads a floating bus, the restarted server serves again, the guest sees a device error and nothing is written", () => {
    // Crash right after serving the 5th data request (inside the file's 7-sector READ MULTIPLE block), before notifying it.
    const whole = run(variant(tmp, "crash-whole", { guest: "mode=poll multiple=8" }).file, 200);
    const fifth = whole.io.filter((e) => e.phase === "issued" && e.addr === 0x1f0)[4]!;
    const n = whole.io.filter((e) => e.phase === "served").findIndex((e) => e.id === fifth.id) + 1;
    const v = variant(tmp, "crash", { guest: "mode=poll multiple=8", server: `crash=${n}` });
    const r = run(v.file, 200);
    expect(r.lines.some((l) => /HM: partition io: MEMORY_VIOLATION/.test(l))).to.equal(true, r.lines.join("\n"));
    expect(r.lines.filter((l) => l === "[io] ioserver: ring attached")).to.have.length(2);
    expect(r.io.some((e) => e.phase === "served" && e.outcome === "floating")).to.equal(true);
    // The lost request and the rest of the block read a floating bus (the restarted channel is at power-on, no
    // DRQ), so the guest counts garbage; its next command, WRITE MULTIPLE, is aborted (multiple mode is off
    // after power-on): the device error the guest reports.
    const reader = readerLines(r.lines);
    expect(reader.some((l) => l.startsWith("[reader] poll: ") && !l.endsWith(RESULT))).to.equal(true, reader.join("\n"));
    expect(reader).to.include(`[reader] write of the result at sector ${RESULT_LBA} failed (104)`);
    const served = r.io.filter((e) => e.phase === "served");
    const lastFloating = served.map((e) => e.outcome).lastIndexOf("floating");
    expect(served.slice(lastFloating + 1).every((e) => e.outcome === "ok") && served.length > lastFloating + 1).to.equal(true);
    expect(readFileSync(v.disk)).to.deep.equal(readFileSync(IMAGE));
  });

  it("suspend in the middle of a multi-sector read, resume in a new process: the same console and the same disk as one run", () => {
    const whole = variant(tmp, "whole");
    const cut = variant(tmp, "cut");
    const w = run(whole.file, 150);
    // The file's READ MULTIPLE moves 7 sectors in one block: cut between its 3rd and 4th data requests.
    const data = w.io.filter((e) => e.phase === "issued" && e.addr === 0x1f0);
    const at = (data[4]!.time + data[5]!.time) / 2n;
    const snap = join(tmp, "mid.core");
    const first = cli("run", cut.file, "--duration", `${at}ns`, "--save", snap);
    expect(first.status).to.equal(0, first.err);
    const rest = cli("resume", snap, "--duration", `${150_000_000n - at}ns`);
    expect(rest.status).to.equal(0, rest.err);
    const lines = (text: string): string[] => text.split("\n").filter((l) => l.startsWith("[reader"));
    const cutLines = [...lines(first.out), ...lines(rest.out)].map((l) => l.replace(/^\[reader *\]/, "[reader]"));
    expect(cutLines).to.deep.equal(readerLines(w.lines));
    expect(cutLines.filter((l) => l.includes(RESULT))).to.have.length(1);
    expect(lines(first.out).some((l) => l.includes(RESULT))).to.equal(false); // the cut came before the result
    expect(readFileSync(cut.disk)).to.deep.equal(readFileSync(whole.disk));
  });
});
