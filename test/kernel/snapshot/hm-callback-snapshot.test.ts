// Issue 9 with issue 12's HM callbacks: a module saved while a PartitionCallback or ModuleCallback runs, or
// while a ModuleCallback waits for its agent's window, resumes in a new process exactly as the uncut run
// goes on (the held-back decisions in the kernel note, the interrupted context in the PV machine note).
// The shipped guests' callbacks all end in a restart, which hides a lost interrupted context from the
// output: a restore followed at once by a save must give every note back, which shows it.
import { expect } from "chai";
import { mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { nanos } from "../../../kernel/mem/types";
import type { SnapshotContent } from "../../../kernel/snapshot/snapshot-file";
import { REPO_ROOT } from "../machine/boot-test-image";
import { checkCutsInNewProcess, expectResavedSame, inProcess, type RunRecord } from "./continuation-support";

/** Time (ns) of the first notice line matching `re` in an in-process run. */
function noticeAt(run: RunRecord, re: RegExp): bigint {
  const line = run.lines.find((l) => l.startsWith("-- ") && re.test(l));
  if (line === undefined) throw new Error(`no notice ${re}`);
  return BigInt(/^-- (\d+):/.exec(line)?.[1] ?? "-1");
}

/** An odd instant strictly between a and b. */
const between = (a: bigint, b: bigint): bigint => {
  const k = (a + (b - a) / 2n) | 1n;
  if (!(k > a && k < b)) throw new Error(`nothing between ${a} and ${b}`);
  return k;
};

const kernelOf = (s: SnapshotContent): { partitions: { callback: unknown[] }[]; moduleWaiting: unknown[] } => s.kernel as unknown as { partitions: { callback: unknown[] }[]; moduleWaiting: unknown[] };
const callbackContexts = (s: SnapshotContent): unknown[] => s.machines.map((m) => (m.extra as { callback?: unknown }).callback).filter((c) => c !== null && c !== undefined);

describe("kernel/snapshot: HM callback state", function () {
  this.timeout(300_000);
  let tmp = "";
  before(() => (tmp = mkdtempSync(join(tmpdir(), "apexvisor-hmcb-"))));
  after(() => rmSync(tmp, { recursive: true, force: true }));
  const total = 60_000_000n;

  for (const variant of ["hm_callback.xml", "hm_callback.jumptable.xml"]) {
    it(`${variant}: saved while its PartitionCallback runs, resumed in a new process, continues bit for bit`, () => {
      const file = join(REPO_ROOT, "partitions", "rtos-tests", variant);
      const full = inProcess(file, { kind: "duration", value: nanos(total) });
      const k = between(noticeAt(full, /PartitionCallback runs before/), noticeAt(full, /PartitionCallback returned/));
      checkCutsInNewProcess(file, tmp, total, full, [k], (_, s) => {
        expect(kernelOf(s).partitions.some((p) => p.callback.length === 1), "a decision held by the running callback").to.equal(true);
        expect(callbackContexts(s), "the interrupted context").to.have.length(1);
        expectResavedSame(file, s);
      });
    });
  }

  it("hm_modcb.xml: saved while the ModuleCallback waits for its agent's window, and while it runs; both resume bit for bit", () => {
    const file = join(REPO_ROOT, "partitions", "rtos-tests", "hm_modcb.xml");
    const full = inProcess(file, { kind: "duration", value: nanos(total) });
    const waits = noticeAt(full, /ModuleCallback waits/);
    const runs = noticeAt(full, /ModuleCallback runs in/);
    const returned = noticeAt(full, /ModuleCallback returned/);
    const kWaiting = between(waits, runs);
    const kRunning = between(runs, returned);
    checkCutsInNewProcess(file, tmp, total, full, [kWaiting, kRunning], (k, s) => {
      const kernel = kernelOf(s);
      if (k === kWaiting) {
        expect(kernel.moduleWaiting, "waiting module decisions").to.have.length(1);
        expect(callbackContexts(s)).to.have.length(0);
      } else {
        expect(kernel.moduleWaiting).to.have.length(0);
        expect(kernel.partitions.some((p) => p.callback.length === 1), "decisions held by the running ModuleCallback").to.equal(true);
        expect(callbackContexts(s), "the agent's interrupted context").to.have.length(1);
      }
      expectResavedSame(file, s);
    });
  });

  // The same on the bare-PC BSP in FV partitions: the callback (or the error handler's record) waits on the
  // apx_services upcall line, the record in the device's saved state (kernel/devices/apx-services.md).
  const upcallOf = (s: SnapshotContent): unknown[] =>
    s.machines.flatMap((m) => m.devices.filter((d) => d.unit === "apx-services").map((d) => (d.state as { upcall: unknown }).upcall)).filter((u) => u !== null);

  it("hm_callback.pc.xml: saved while its PartitionCallback waits on the upcall line, resumed in a new process, continues bit for bit", () => {
    const file = join(REPO_ROOT, "partitions", "rtos-tests", "hm_callback.pc.xml");
    const full = inProcess(file, { kind: "duration", value: nanos(total) });
    const k = noticeAt(full, /PartitionCallback runs before/) + 1n;
    checkCutsInNewProcess(file, tmp, total, full, [k], (_, s) => {
      expect(kernelOf(s).partitions.some((p) => p.callback.length === 1), "a decision held by the callback").to.equal(true);
      expect(upcallOf(s), "the callback's record on the line").to.have.length(1);
      expectResavedSame(file, s);
    });
  });

  it("hm_upcall.pc.xml: saved with the error handler's record on the upcall line, resumed in a new process, continues bit for bit", () => {
    const file = join(REPO_ROOT, "partitions", "rtos-tests", "hm_upcall.pc.xml");
    const full = inProcess(file, { kind: "duration", value: nanos(total) });
    const k = noticeAt(full, /PROCESS:ERROR_HANDLER/) + 1n;
    checkCutsInNewProcess(file, tmp, total, full, [k], (_, s) => {
      expect(upcallOf(s), "the error handler's record on the line").to.have.length(1);
      expectResavedSame(file, s);
    });
  });
});
