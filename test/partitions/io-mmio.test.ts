// partitions/io-partition/mmio.xml end to end: a Multiboot guest drives a 16550A in an MMIO window served
// by the ioserver partition. Every load and store is forwarded exactly once, whatever the instruction
// (MOV, ADD from memory, OR to memory, XCHG, CMPS with two loads, MOVS, REP MOVS); a save while a request
// is outstanding resumes bit for bit; a server that crashes or hangs in the middle goes to the HM.
import { expect } from "chai";
import { mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { REPO_ROOT } from "../../kernel/host/node/node-files";
import { writeJsonLines } from "../../kernel/trace/jsonl-writer";
import type { TraceEvent } from "../../kernel/trace/trace-event";
import { ioVariant, runTestModule, runTestModuleSplit, type ModuleRun } from "../support/module-run";

const XML = join(REPO_ROOT, "partitions", "io-partition", "mmio.xml");
const BASE = 0xfebff000;
const CLIENT_IRQ = { image: "mmio-guest-O2.elf", commandLine: "irq" };

type Ioreq = Extract<TraceEvent, { kind: "ioreq" }>;
const ioreqs = (events: readonly TraceEvent[]): Ioreq[] => events.flatMap((e) => (e.kind === "ioreq" ? [e] : []));

/** One forwarded access as "r7" (load of register 7) or "w7=5a" (store). */
const access = (e: Ioreq): string => (e.dir === "in" ? `r${e.addr - BASE}` : `w${e.addr - BASE}=${e.data.toString(16)}`);

describe("partitions/io-partition/mmio.xml: a 16550A in an MMIO window served by an I/O partition", function () {
  this.timeout(300_000);
  let tmp = "";
  let whole: ModuleRun;
  before(() => {
    tmp = mkdtempSync(join(tmpdir(), "apexvisor-mmio-"));
    whole = runTestModule(XML, 40_000_000n);
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it("completes every kind of instruction with the served value, and prints through the window under the guest's name", () => {
    const guest = whole.lines.filter((l) => l.startsWith("[guest]"));
    expect(guest.filter((l) => / WRONG$/.test(l))).to.deep.equal([]);
    expect(guest).to.include("[guest] mmio: cmps window to window = 0x1 ok");
    expect(guest).to.include("[guest] mmio-uart: hello through an MMIO window");
    expect(guest[guest.length - 1]).to.equal("[guest] mmio: all checks passed");
    expect(whole.hm).to.equal(0);
    expect(whole.modes).to.deep.equal(["guest:IDLE", "io:NORMAL"]);
  });

  it("issues each load and store exactly once, in program order, as MMIO requests traced issued, served, completed", () => {
    const io = ioreqs(whole.events);
    expect(io.every((e) => e.space === "mmio" && e.addr >= BASE && e.addr < BASE + 8)).to.equal(true);
    const issued = io.filter((e) => e.phase === "issued");
    expect(io.filter((e) => e.phase === "served").length).to.equal(issued.length);
    expect(io.filter((e) => e.phase === "completed").length).to.equal(issued.length);
    // Up to the greeting: what mmio-guest.c does, one request per access (a rolled-back instruction issues nothing twice).
    expect(issued.slice(0, 26).map(access).join(" ")).to.equal(
      [
        "w7=5a r7", // MOV store, MOV load
        "r7", // ADD r8, m8
        "r7 w7=db r7", // OR m8, imm (load, store), then the check's load
        "r7 w7=33 r7", // XCHG (load, store), check
        "r7", // CMPS RAM vs window
        "r7 r7", // CMPS window vs window: two loads in one instruction
        "w7=44 r7", // MOVS window -> RAM
        "r7 w3=44 r3 w3=3", // MOVS window -> window, check, LCR back
        "w4=3 r4 r5 r6 r7", // REP MOVS from the window: one element per request
        "w6=11 w7=77 r7", // REP MOVS into the window, check
      ].join(" "),
    );
    // The served values the instructions took.
    const served = io.filter((e) => e.phase === "served" && e.dir === "in").map((e) => e.data);
    expect(served.slice(0, 4)).to.deep.equal([0x5a, 0x5a, 0x5a, 0xdb]);
  });

  it("save while an MMIO request is outstanding (and between the two loads of one CMPS), resume from the file's bytes: the same console and trace", () => {
    const issued = ioreqs(whole.events).filter((e) => e.phase === "issued");
    const served = ioreqs(whole.events).filter((e) => e.phase === "served");
    // A load issued and not served; the first load of CMPS window-to-window served and not yet taken; its second
    // load issued (the first held for the re-run, in the machine note); a store not served.
    const cuts = [issued[1]!.time + 7n, served[10]!.time + 3n, issued[11]!.time + 3n, issued[12]!.time + 1n];
    for (const cut of cuts) {
      const { first, rest } = runTestModuleSplit(XML, cut, 40_000_000n);
      expect([...first.lines, ...rest.lines], `cut at ${cut} ns`).to.deep.equal(whole.lines);
      expect(writeJsonLines(first.events) + writeJsonLines(rest.events), `cut at ${cut} ns`).to.equal(writeJsonLines(whole.events));
    }
  });

  it("a server that crashes with an MMIO request in flight goes to the HM; the access reads a floating bus; the restarted server serves again", () => {
    const r = runTestModule(ioVariant(XML, tmp, "crash=4"), 40_000_000n);
    expect(r.lines.some((l) => /HM: partition io: MEMORY_VIOLATION/.test(l))).to.equal(true, r.lines.join("\n"));
    const io = ioreqs(r.events);
    // The fourth request, OR's load, was in the ring: it reads all ones.
    expect(io.filter((e) => e.phase === "served" && e.outcome === "floating").map((e) => `${e.id} ${e.dir} ${e.space} ${e.data.toString(16)}`)).to.deep.equal(["4 in mmio ff"]);
    // The restarted UART lost its scratch register (power-on 0): the checks say so, and the guest still ends.
    expect(r.lines).to.include("[guest] mmio: FAILED");
    expect(r.modes).to.deep.equal(["guest:IDLE", "io:NORMAL"]);
  });

  it("a server that stops completing (hang) is hung after its deadline: DEADLINE_MISSED, the MMIO access completes as a floating bus", () => {
    const r = runTestModule(ioVariant(XML, tmp, "hang"), 40_000_000n);
    expect(r.lines.some((l) => /HM: partition io: DEADLINE_MISSED/.test(l))).to.equal(true, r.lines.join("\n"));
    expect(ioreqs(r.events).some((e) => e.phase === "served" && e.outcome === "floating" && e.space === "mmio")).to.equal(true);
    expect(r.modes[0]).to.equal("guest:IDLE");
  });

  it("raises THRE and RDA through the client's 8259A (ioreq_irq_set): the guest's console runs interrupt-driven", () => {
    const r = runTestModule(ioVariant(XML, tmp, "", CLIENT_IRQ), 60_000_000n);
    const guest = r.lines.filter((l) => l.startsWith("[guest]"));
    expect(guest).to.include("[guest] mmio-uart: this line went out by THRE interrupts");
    expect(guest.find((l) => l.startsWith("[guest] mmio irq: THRE"))).to.match(/THRE interrupts (\d+), RDA interrupts 1, received 'Z'$/);
    expect(guest[guest.length - 1]).to.equal("[guest] mmio irq: interrupt-driven console works");
    expect(r.hm).to.equal(0);
    // The guest sleeps in HLT between interrupts and never polls LSR: the only LSR access is none at all.
    expect(ioreqs(r.events).filter((e) => e.phase === "issued" && e.addr === BASE + 5)).to.deep.equal([]);
  });
});
