// The property of issue 9: running N frames in one go gives the same console lines and trace events as
// running k, saving, resuming and running N-k, for frame ends and mid-window instants, each resumed in a
// NEW PROCESS: scenarios and a boot guest through the CLI; every RTOS test module through resume-child.ts
// (one child per batch of modules resumes all their cuts: the same reader and runModule path as
// `apexvisor resume`).
import { expect } from "chai";
import { spawnSync } from "child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join, relative } from "path";
import { nanos } from "../../../kernel/mem/types";
import { decodeSnapshot, encodeSnapshot } from "../../../kernel/snapshot/snapshot-file";
import { BOOT_TEST_ELF, REPO_ROOT } from "../machine/boot-test-image";
import { readSnapshotFile } from "../../../kernel/host/node/snapshot-io";
import { FV_TEST_ELF } from "../machine/fv-test-image";
import { expectResavedSame, inProcess, resumeInNewProcess, saveCuts } from "./continuation-support";

/** Whether PIT channel 0 counts in the boot snapshot `file`. */
function pitArmed(file: string): boolean {
  const read = readSnapshotFile(file);
  if (!read.ok) throw new Error(read.error);
  const pit = read.content.machines[0]?.devices.find((d) => d.unit === "pit8254")?.state as { channels: { ticksSinceLoad: string | null }[] };
  return pit.channels[0]?.ticksSinceLoad !== null && pit.channels[0]?.ticksSinceLoad !== undefined;
}

const CLI = join(REPO_ROOT, "bin", "apexvisor.js");

function cli(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, encoding: "utf8", timeout: 120_000, env: { ...process.env, FORCE_COLOR: "0" } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Console and notice lines of `run`/`resume` output: everything before the summary's blank line. */
const body = (stdout: string): string => stdout.slice(0, Math.max(0, stdout.indexOf("\n\n") + 1));

describe("kernel/snapshot: bit-exact continuation", function () {
  this.timeout(600_000);
  let tmp = "";
  before(() => (tmp = mkdtempSync(join(tmpdir(), "apexvisor-snap-"))));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  const scenarios: readonly { name: string; frames: number; frameNs: bigint; splits: readonly string[] }[] = [
    // Frame end, and an odd instant inside a window.
    { name: "three-partitions", frames: 6, frameNs: 2_000_000n, splits: ["--frames 2", "--duration 1234567ns"] },
    { name: "demo", frames: 4, frameNs: 20_000_000n, splits: ["--duration 37777777ns"] },
  ];
  for (const s of scenarios) {
    it(`scenario ${s.name}: ${s.frames} frames == k + save + resume in a new process + the rest (${s.splits.join("; ")})`, () => {
      const xml = join("test", "scenarios", s.name, "module.xml");
      const fullTrace = join(tmp, `${s.name}-full.jsonl`);
      const full = cli(["run", xml, "--frames", String(s.frames), "--no-color", "--trace", fullTrace]);
      expect(full.status).to.equal(0);
      for (const split of s.splits) {
        const [opt = "", value = ""] = split.split(" ");
        const kNs = opt === "--frames" ? BigInt(value) * s.frameNs : BigInt(value.replace("ns", ""));
        const file = join(tmp, `${s.name}.core`);
        const t1 = join(tmp, "t1.jsonl");
        const t2 = join(tmp, "t2.jsonl");
        const first = cli(["run", xml, opt, value, "--no-color", "--trace", t1, "--save", file]);
        expect(first.status, first.stderr).to.equal(0);
        const rest = `${BigInt(s.frames) * s.frameNs - kNs}ns`;
        const second = cli(["resume", file, "--duration", rest, "--no-color", "--trace", t2]);
        expect(second.status, second.stderr).to.equal(0);
        expect(body(first.stdout) + body(second.stdout), split).to.equal(body(full.stdout));
        expect(readFileSync(t1, "utf8") + readFileSync(t2, "utf8"), split).to.equal(readFileSync(fullTrace, "utf8"));
      }
    });
  }

  it("boot: a guest that counts its init passes in memory resumes in a new process without a second pass, output continued bit for bit", () => {
    const full = cli(["boot", "--kernel", BOOT_TEST_ELF, "--append", "initcount"]);
    expect(full.status).to.equal(3); // debug-exit(init_passes = 1)
    expect(full.stdout).to.contain("tick 100 init_passes=1\n");
    // Early (before the PIT is programmed) and in the middle of the ticking (PIT armed). An instruction
    // count never stops the CPU inside a HLT (the count moves only when an instruction retires): FV
    // partitions halted at the cut are in the RTOS module cases (*.pc.xml at 21 ms).
    for (const k of [1500, 9000]) {
      const file = join(tmp, `boot-${k}.core`);
      const first = cli(["boot", "--kernel", BOOT_TEST_ELF, "--append", "initcount", "--save-at-instructions", String(k), "--save", file]);
      expect(first.status, first.stderr).to.equal(0);
      if (k === 9000) expect(pitArmed(file), `k=${k}: PIT channel 0 counting`).to.equal(true);
      const second = cli(["boot", "--restore", file]);
      expect(second.status, `k=${k}: ${second.stderr}`).to.equal(3);
      expect(first.stdout + second.stdout, `k=${k}`).to.equal(full.stdout);
    }
  });

  it("boot: the FV test kernel cut with its local APIC timer armed (periodic, mid-count) resumes in a new process bit for bit", () => {
    // Relative, as the guest prints its command line: the instruction count of the cut depends on its length.
    const args = ["boot", "--kernel", relative(REPO_ROOT, FV_TEST_ELF), "--append", "apic=30"];
    const full = cli(args);
    expect(full.stdout).to.contain("apic ticks=30 ");
    const file = join(tmp, "apic.core");
    const first = cli([...args, "--save-at-instructions", "18000", "--save", file]);
    expect(first.status, first.stderr).to.equal(0);
    const read = readSnapshotFile(file);
    if (!read.ok) throw new Error(read.error);
    const apic = read.content.machines[0]?.devices.find((d) => d.unit === "local-apic")?.state as { timerInitial: number; timerElapsedNs: string | null };
    expect(apic.timerInitial, "LAPIC timer initial count").to.equal(100000);
    expect(apic.timerElapsedNs, "LAPIC timer running").to.not.equal(null);
    const second = cli(["boot", "--restore", file]);
    expect(second.status, second.stderr).to.equal(full.status);
    expect(first.stdout + second.stdout).to.equal(full.stdout);
  });

  // Every RTOS test module is cut at two instants, and every cut resumes in a NEW process: the modules go
  // in batches, and one child per batch (resume-child.ts, which ran none of them) resumes each file into a
  // fresh runner, as `apexvisor resume` does. The cuts:
  // - one of four fixed instants, in turn: a frame end, a window start, inside a window. warm.xml restarts
  //   its partition at 22.98 ms and gives up the rest of that window: k = 33.3 ms restores inside that
  //   given-up stretch (partitions[].doneUntil keeps it off). The FV (*.pc.xml) modules are cut at 21 ms,
  //   inside a window where the guest halts waiting for its next timer (core.pc.xml once resumed there a
  //   window late: the halt was taken for a yield);
  // - an odd nanosecond strictly inside one of the module's partition windows, read from the uncut run's
  //   trace (a different window for each module), so every module is cut mid-window.
  const instants = [20_000_000n, 33_333_333n, 21_000_000n, 26_000_001n];
  const rtosModules = readdirSync(join(REPO_ROOT, "partitions", "rtos-tests")).filter((f) => f.endsWith(".xml")).sort();
  const BATCH = 11;
  for (let from = 0; from < rtosModules.length; from += BATCH) {
    const batch = rtosModules.slice(from, from + BATCH);
    it(`RTOS test modules ${batch[0]} .. ${batch[batch.length - 1]}: 3 frames == k + save + resume in a new process + the rest, for a fixed k and a mid-window k`, () => {
      const total = 3n * 20_000_000n;
      const saved = batch.flatMap((f, j) => {
        const i = from + j;
        const file = join(REPO_ROOT, "partitions", "rtos-tests", f);
        const full = inProcess(file, { kind: "frames", count: 3 });
        const windows = full.events.flatMap((e) => (e.kind === "windowStart" && e.until - e.time >= 3n ? [{ from: e.time, to: e.until }] : []));
        const w = windows[(i * 7 + 3) % windows.length];
        if (w === undefined) throw new Error(`${f}: no partition window in 3 frames`);
        const mid = (w.from + ((w.to - w.from) * 37n) / 100n) | 1n; // odd, strictly inside
        expect(mid > w.from && mid < w.to, `${f}: ${mid} inside [${w.from}, ${w.to})`).to.equal(true);
        const fv = f.endsWith(".pc.xml");
        return saveCuts(file, tmp, total, { ...full, events: [] }, [fv ? instants[2]! : instants[i % instants.length]!, mid], (k, snap) => {
          // The FV guest at 21 ms: its PIT counting; core.pc.xml halted there (HLT, waiting for its tick).
          if (!fv || k !== instants[2]) return;
          const pc = snap.machines.find((m) => m.kind === "pc");
          if (f === "core.pc.xml") {
            expect(pc?.cpu.halted, `${f}: halted at the cut`).to.equal(true);
            // The output alone does not show a lost HLT (the guest's idle loop halts again at once): restore + save must give it back.
            expectResavedSame(file, snap);
          }
          const pit = pc?.devices.find((d) => d.unit === "pit8254")?.state as { channels: { ticksSinceLoad: string | null }[] };
          expect(pit.channels[0]?.ticksSinceLoad, `${f}: PIT channel 0 counting`).to.not.equal(null);
        });
      });
      resumeInNewProcess(saved);
    });
  }
});

describe("kernel/snapshot: logbooks and shared memory blocks live outside partition RAM and are saved too", function () {
  this.timeout(300_000);
  const cases: readonly { module: string; k: bigint; what: string }[] = [
    // Four messages logged and one overwritten; the rest of the run reads them back.
    { module: "logbook.xml", k: 3_350_000n, what: "logbooks" },
    // The writer partition has put "shared-hello" in block shm; the reader's window starts now.
    { module: "shared_memory.xml", k: 10_000_000n, what: "shared" },
    // The same with the writer an FV partition (a PC whose shared window maps the block) and the reader PV.
    { module: "shared_memory.pc.xml", k: 10_000_000n, what: "shared" },
  ];
  for (const c of cases) {
    it(`${c.module}: saved at ${c.k} ns with ${c.what} in the kernel note, restored from the bytes, continues bit for bit`, () => {
      const file = join(REPO_ROOT, "partitions", "rtos-tests", c.module);
      const total = 40_000_000n;
      const full = inProcess(file, { kind: "duration", value: nanos(total) });
      const first = inProcess(file, { kind: "duration", value: nanos(c.k) }, undefined, true);
      if (first.snapshot === undefined) throw new Error("no snapshot");
      const kernel = first.snapshot.kernel as { [k: string]: unknown };
      expect(JSON.stringify(kernel[c.what])).to.match(/[1-9a-f]/); // holds something that is not zero
      const decoded = decodeSnapshot(encodeSnapshot(first.snapshot));
      if (!decoded.ok) throw new Error(decoded.error);
      const second = inProcess(file, { kind: "duration", value: nanos(total - c.k) }, decoded.content);
      expect([...first.lines, ...second.lines]).to.deep.equal(full.lines);
      expect(first.trace + second.trace).to.equal(full.trace);
    });
  }
});
