// Helpers of the continuation tests: a module run (or resume) in this process with its lines and trace,
// and the property check "run(N) == run(k) + save + resume(N-k) in a new process" for a list of cuts.
import { expect } from "chai";
import { spawnSync } from "child_process";
import { rmSync } from "fs";
import { join } from "path";
import { NODE_HOST } from "../../../kernel/host/node/node-files";
import { writeSnapshotFile } from "../../../kernel/host/node/snapshot-io";
import { nanos } from "../../../kernel/mem/types";
import { defaultBuilders } from "../../../kernel/module/default-builders";
import { runModule, type RunLength } from "../../../kernel/module/run-module";
import { decodeSnapshot, encodeSnapshot, type SnapshotContent } from "../../../kernel/snapshot/snapshot-file";
import { writeJsonLines } from "../../../kernel/trace/jsonl-writer";
import type { TraceEvent } from "../../../kernel/trace/trace-event";
import { MemoryTracer } from "../../../kernel/trace/tracer";
import { REPO_ROOT } from "../machine/boot-test-image";
import type { ResumedRun } from "./resume-child";

const RESUME_CHILD = join(__dirname, "resume-child.js");

/** What one run printed and traced, and its snapshot when it saved one. */
export interface RunRecord {
  readonly lines: string[];
  readonly trace: string;
  readonly events: readonly TraceEvent[];
  readonly snapshot?: SnapshotContent;
}

/** One in-process run (or resume) of a module: its lines, trace and the snapshot at the end. */
export function inProcess(file: string, length: RunLength, resume?: SnapshotContent, save = false): RunRecord {
  const lines: string[] = [];
  const tracer = new MemoryTracer();
  const out = runModule({
    file,
    length,
    host: NODE_HOST,
    builders: (c) => defaultBuilders(c, NODE_HOST),
    trace: tracer,
    onConsoleLine: (n, l) => lines.push(`[${n}] ${l}`),
    onNotice: (t, text) => lines.push(`-- ${t}: ${text}`),
    ...(save ? { save: true } : {}),
    ...(resume !== undefined ? { resume } : {}),
  });
  if (out.kind !== "ran") throw new Error(`${file}: ${out.kind} ${JSON.stringify(out).slice(0, 300)}`);
  return { lines, trace: writeJsonLines(tracer.events), events: tracer.events, ...(out.snapshot !== undefined ? { snapshot: out.snapshot } : {}) };
}

/** One cut of one module: the uncut run, the run to k, and the file it saved. */
export interface SavedCut {
  readonly name: string;
  readonly k: bigint;
  readonly full: RunRecord;
  readonly first: RunRecord;
  /** `FILE:REST_NS` for resume-child.ts. */
  readonly job: string;
}

/**
 * For each cut k: runs the module to k in this process and saves it to a file in `tmp` (`inspect` sees each
 * snapshot first, to check the cut is where the test says). `full` is one uncut run to `total`.
 */
export function saveCuts(file: string, tmp: string, total: bigint, full: RunRecord, cuts: readonly bigint[], inspect?: (k: bigint, s: SnapshotContent) => void): SavedCut[] {
  const name = file.replace(/^.*[\\/]/, "");
  return cuts.map((k) => {
    const first = inProcess(file, { kind: "duration", value: nanos(k) }, undefined, true);
    if (first.snapshot === undefined) throw new Error("no snapshot");
    inspect?.(k, first.snapshot);
    const path = join(tmp, `${name}-${k}.core`);
    const written = writeSnapshotFile(path, first.snapshot);
    if (!written.ok) throw new Error(written.error);
    return { name, k, full, first: { lines: first.lines, trace: first.trace, events: [] }, job: `${path}:${total - k}` };
  });
}

/**
 * ONE child process (resume-child.ts, which ran none of these modules) resumes every saved cut, each in a
 * fresh runner read from its file; each first part + resumed part must print and trace exactly what the
 * uncut run did. The files are deleted afterwards.
 */
export function resumeInNewProcess(cuts: readonly SavedCut[]): void {
  const child = spawnSync(process.execPath, [RESUME_CHILD, ...cuts.map((c) => c.job)], { cwd: REPO_ROOT, encoding: "utf8", maxBuffer: 1 << 30 });
  for (const c of cuts) rmSync(c.job.slice(0, c.job.lastIndexOf(":")), { force: true });
  expect(child.status, child.stderr).to.equal(0);
  const resumed = JSON.parse(child.stdout) as ResumedRun[];
  expect(resumed.length, "files resumed by the child").to.equal(cuts.length);
  for (const [j, c] of cuts.entries()) {
    const second = resumed[j]!;
    expect([...c.first.lines, ...second.lines], `${c.name} k=${c.k}`).to.deep.equal(c.full.lines);
    expect(c.first.trace + second.trace, `${c.name} k=${c.k}`).to.equal(c.full.trace);
  }
}

/** saveCuts then resumeInNewProcess, for one module. */
export function checkCutsInNewProcess(file: string, tmp: string, total: bigint, full: RunRecord, cuts: readonly bigint[], inspect?: (k: bigint, s: SnapshotContent) => void): void {
  resumeInNewProcess(saveCuts(file, tmp, total, full, cuts, inspect));
}

/**
 * Restores `saved` (through the file encoding) into a fresh runner in this process and saves it again at
 * once: every note must come back the same (kernel, CPU, devices, the VMs' own fields, RAM). A field that
 * is saved but not restored shows here even when no guest output depends on it yet.
 */
export function expectResavedSame(file: string, saved: SnapshotContent): void {
  const decoded = decodeSnapshot(encodeSnapshot(saved));
  if (!decoded.ok) throw new Error(decoded.error);
  const again = inProcess(file, { kind: "duration", value: nanos(0) }, decoded.content, true).snapshot;
  if (again === undefined) throw new Error("no snapshot");
  expect(again.kernel, "kernel note").to.deep.equal(saved.kernel);
  expect(again.machines.length).to.equal(saved.machines.length);
  for (const [i, m] of saved.machines.entries()) {
    const a = again.machines[i]!;
    expect({ cpu: a.cpu, devices: a.devices, extra: a.extra }, `machine ${m.name}`).to.deep.equal({ cpu: m.cpu, devices: m.devices, extra: m.extra });
    expect(Buffer.compare(a.ram, m.ram), `machine ${m.name} RAM`).to.equal(0);
  }
}
