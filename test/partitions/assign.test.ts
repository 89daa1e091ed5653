// partitions/assign end to end: a kernel-emulated UART at COM2 assigned to a PV partition. Its ring-3
// IN/OUT reach the chip through the TSS I/O bitmap, the chip's IRQ arrives as the ASSIGNED_IRQ virq,
// any other port is an ILLEGAL_REQUEST for the HM, and a snapshot carries the chip's state.
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { REPO_ROOT } from "../../kernel/host/node/node-files";
import { decodeSnapshot, encodeSnapshot } from "../../kernel/snapshot/snapshot-file";
import { writeJsonLines } from "../../kernel/trace/jsonl-writer";
import { runTestModule } from "../support/module-run";

const XML = join(REPO_ROOT, "partitions", "assign", "module.xml");

describe("partitions/assign: a UART assigned to a PV partition", function () {
  this.timeout(120_000);
  let tmp = "";
  before(() => (tmp = mkdtempSync(join(tmpdir(), "apexvisor-assign-"))));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  function variant(commandLine: string): string {
    const text = readFileSync(XML, "utf8").replaceAll('"../../build/', `"${join(REPO_ROOT, "build")}/`).replace('Binding="trap">', `Binding="trap" CommandLine="${commandLine}">`);
    const file = join(tmp, `${commandLine}.xml`);
    writeFileSync(file, text);
    return file;
  }

  it("the assigned ports work from ring 3 and the UART's IRQ arrives as the ASSIGNED_IRQ virq", () => {
    const r = runTestModule(XML, 2_000_000n);
    expect(r.lines).to.deep.equal([
      "[uartdrv] devassign: start",
      "[uartdrv] devassign: COM2 scratch reads 0x5a",
      "[uartdrv] COM2: hello from a UART assigned to a PV partition",
      "[uartdrv] devassign: after writing with IER 0: no ASSIGNED_IRQ virq, iir 0x01",
      "[uartdrv] devassign: THRE interrupt enabled: virq ASSIGNED_IRQ pending, iir 0x02",
      "[uartdrv] devassign: loopback byte sent: virq ASSIGNED_IRQ pending, iir 0x04",
      "[uartdrv] devassign: received 0x5a",
      "[uartdrv] devassign: done",
    ]);
    expect(r.hmLog).to.deep.equal([]);
    // Direct access: no hypercall per port access (the guest made only console, mode and yield calls).
    const calls = new Set(r.events.flatMap((e) => (e.kind === "hypercall" ? [e.service] : [])));
    expect(calls.has("console_write")).to.equal(true);
    expect([...calls].sort()).to.deep.equal(["console_write", "partition_set_mode", "window_yield"].filter((s) => calls.has(s)).sort());
  });

  it("any other port is a #GP that the HM sees as ILLEGAL_REQUEST, and the partition stops there", () => {
    const r = runTestModule(variant("denied"), 2_000_000n);
    expect(r.hmLog.map((h) => h.errorCode)).to.deep.equal(["ILLEGAL_REQUEST"]);
    expect(r.lines.some((l) => l.includes("vector 13 error code 0x0"))).to.equal(true);
    expect(r.lines).to.include("[uartdrv] devassign: reading COM1, which is not assigned");
    expect(r.lines.some((l) => l.includes("COM1 read"))).to.equal(false);
    expect(r.lines).to.not.include("[uartdrv] devassign: done");
  });

  it("a snapshot in the middle carries the UART's state: saved, resumed from the file's bytes, the same console as one run", () => {
    const whole = runTestModule(XML, 2_000_000n);
    const cut = 30_000n; // inside the first window, after the line setup and the scratch write
    const first = runTestModule(XML, cut, { save: true });
    const snap = first.snapshot;
    if (snap === undefined) throw new Error("no snapshot");
    const machine = snap.machines.find((m) => m.name === "uartdrv");
    expect(machine?.devices.map((d) => d.unit)).to.deep.equal(["uart16550@0x2f8"]);
    expect(machine?.devices[0]?.state).to.deep.include({ scratch: 0x5a });
    const decoded = decodeSnapshot(encodeSnapshot(snap));
    if (!decoded.ok) throw new Error(decoded.error);
    const resumed = runTestModule(XML, 2_000_000n - cut, { resume: decoded.content });
    expect(first.lines.length).to.be.greaterThan(1);
    expect(first.lines.length).to.be.lessThan(whole.lines.length);
    expect([...first.lines, ...resumed.lines]).to.deep.equal(whole.lines);
    expect(writeJsonLines(first.events) + writeJsonLines(resumed.events)).to.equal(writeJsonLines(whole.events));
  });
});
