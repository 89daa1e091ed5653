// The `snapshots` fuzz campaign: mutated copies of real snapshot files (a module saved by `run --save`
// of partitions/demo and a machine saved by `boot --save` of the boot test kernel) handed to the same
// decode and restore paths as `resume` / `boot --restore`. Bit flips and truncations must be refused
// with one line; notes edited with the checksum recomputed must be refused with one line before
// anything runs, or restore and run without a host exception. Every `cliEvery`-th case also goes
// through the real CLI in a child process (exit 12, one line on stderr, nothing on stdout).
import { spawnSync } from "child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { NODE_HOST } from "../../kernel/host/node/node-files";
import { bootMultiboot, resumeBoot, type BootMachineParams } from "../../kernel/machine/pc-boot";
import { nanos } from "../../kernel/mem/types";
import { defaultBuilders } from "../../kernel/module/default-builders";
import { prepareModule, runModule } from "../../kernel/module/run-module";
import { decodeSnapshot, encodeSnapshot, type Json, type SnapshotContent } from "../../kernel/snapshot/snapshot-file";
import { NULL_SINK } from "../../kernel/trace/tracer";
import type { CampaignReport } from "./campaigns";
import { Rng } from "./rng";

type Format = "module" | "boot";

interface Seeds {
  readonly module: Uint8Array;
  readonly boot: Uint8Array;
  readonly moduleFile: string;
  readonly bootParams: BootMachineParams;
}

/** Builds the two seed files in this process, exactly as the CLI's --save would. */
function seeds(root: string): Seeds {
  const moduleFile = join(root, "partitions", "demo", "module.xml");
  const ran = runModule({ file: moduleFile, length: { kind: "duration", value: nanos(3_000_000) }, host: NODE_HOST, builders: (c) => defaultBuilders(c, NODE_HOST), trace: NULL_SINK, onConsoleLine: () => undefined, save: true });
  if (ran.kind !== "ran" || ran.snapshot === undefined) throw new Error(`snapshots campaign: the demo module did not run (${ran.kind})`);
  const elf = new Uint8Array(readFileSync(join(root, "build", "guests", "test", "kernel", "machine", "guests", "boot-test-O2.elf")));
  const b = bootMultiboot({ elf, elfPath: "boot-test", commandLine: "initcount", memoryBytes: 4 * 1024 * 1024, maxInstructions: 9000, keepState: true, stdout: () => undefined });
  if (b.snapshot === undefined || b.params === undefined) throw new Error("snapshots campaign: the boot test kernel gave no snapshot");
  const params = b.params;
  const boot: SnapshotContent = { kind: "boot", params: { memoryBytes: params.memoryBytes, clockHz: params.clockHz, debugConsole: params.debugConsole }, machines: [b.snapshot()], kernel: null };
  return { module: encodeSnapshot(ran.snapshot), boot: encodeSnapshot(boot), moduleFile, bootParams: { memoryBytes: params.memoryBytes, clockHz: params.clockHz, debugConsole: params.debugConsole } };
}

/** A random edit of one value somewhere in a JSON tree (numbers, strings, booleans, null, missing keys). */
function editJson(v: Json, rng: Rng, depth = 0): Json {
  if (Array.isArray(v)) {
    if (v.length === 0 || rng.below(8) === 0) return rng.below(2) === 0 ? [] : v.slice(0, rng.below(v.length + 1));
    const i = rng.below(v.length);
    const copy = v.slice();
    copy[i] = editJson(v[i] ?? null, rng, depth + 1);
    return copy;
  }
  if (v !== null && typeof v === "object") {
    const keys = Object.keys(v).sort();
    if (keys.length === 0) return { x: 1 };
    const k = keys[rng.below(keys.length)] ?? "";
    const copy: { [key: string]: Json } = { ...v };
    if (rng.below(10) === 0) delete copy[k];
    else copy[k] = editJson(v[k] ?? null, rng, depth + 1);
    return copy;
  }
  const choices: Json[] = [-1, 0, 1, 0xffffffff, 2 ** 53, -(2 ** 31), 1.5, "x", "-5", "99999999999999999999", "", true, null, [], {}];
  if (typeof v === "number" && rng.below(2) === 0) return v + (rng.below(2) === 0 ? 1 : -1) * (1 + rng.below(1000));
  if (typeof v === "string" && /^-?\d+$/.test(v) && rng.below(2) === 0) return String(BigInt(v) + BigInt(rng.below(2000)) - 1000n);
  return choices[rng.below(choices.length)] ?? null;
}

/** A note edited with the checksum recomputed (encodeSnapshot writes a fresh one). */
function editNote(seed: Uint8Array, rng: Rng): Uint8Array {
  const d = decodeSnapshot(seed);
  if (!d.ok) throw new Error(`snapshots campaign: the seed does not decode: ${d.error}`);
  const c = d.content;
  const m = c.machines[rng.below(c.machines.length)];
  const which = rng.below(m === undefined ? 2 : 6);
  if (which === 0 || m === undefined) return encodeSnapshot({ ...c, kernel: editJson(c.kernel, rng) });
  if (which === 1) return encodeSnapshot({ ...c, params: editJson(c.params as Json, rng) as SnapshotContent["params"] });
  const edited = which === 2 ? { ...m, extra: editJson(m.extra, rng) } : which === 3 ? { ...m, cpu: editJson(m.cpu as unknown as Json, rng) as unknown as typeof m.cpu } : { ...m, devices: editJson(m.devices as unknown as Json, rng) as unknown as typeof m.devices };
  return encodeSnapshot({ ...c, machines: c.machines.map((x) => (x === m ? edited : x)) });
}

/** A copy with 1..8 flipped bits, every other one in the first 64 KiB (ELF headers and notes come first). */
function flipBits(src: Uint8Array, rng: Rng): Uint8Array {
  const b = src.slice();
  const n = 1 + rng.below(8);
  for (let k = 0; k < n; k++) {
    const at = k % 2 === 0 ? rng.below(Math.min(b.length, 0x10000)) : rng.below(b.length);
    b[at] = (b[at] ?? 0) ^ (1 << rng.below(8));
  }
  return b;
}

type Outcome = { readonly refused: string } | { readonly ran: true };

/** Decodes and restores `bytes` as `resume` / `boot --restore` do; throws only on a host bug. */
function restore(bytes: Uint8Array, format: Format, s: Seeds): Outcome {
  const d = decodeSnapshot(bytes);
  if (!d.ok) return { refused: d.error };
  const c = d.content;
  if (format === "boot") {
    const m = c.machines[0];
    if (c.kind !== "boot" || m === undefined) return { refused: "not a boot snapshot" };
    let printed = 0;
    const r = resumeBoot({ params: s.bootParams, machine: m, maxInstructions: 60_000, stdout: (b) => (printed += b.length) });
    if (r.end.kind === "loadError") return printed === 0 ? { refused: r.end.message } : { refused: `HALF-RESTORE: ${printed} bytes printed before refusing: ${r.end.message}` };
    return { ran: true };
  }
  const module = c.params["module"];
  if (c.kind !== "module" || typeof module !== "string") return { refused: "not a module snapshot" };
  let lines = 0;
  const p = prepareModule({ file: s.moduleFile, length: { kind: "duration", value: nanos(2_000_000) }, host: NODE_HOST, builders: (cfg) => defaultBuilders(cfg, NODE_HOST), trace: NULL_SINK, onConsoleLine: () => lines++, resume: c });
  if (p.kind === "badSnapshot" || p.kind === "refused") return { refused: p.message };
  if (p.kind === "invalid") return { refused: "invalid module" };
  if (p.kind === "loadError") return { refused: p.error.message };
  p.runner.runUntil(p.until);
  return { ran: true };
}

/** The same file through the CLI: a refusal must be exit 12 with one line on stderr and nothing on stdout. */
function throughCli(root: string, dir: string, bytes: Uint8Array, format: Format): string | undefined {
  const file = join(dir, `case.${format}.core`);
  writeFileSync(file, bytes);
  const cli = join(root, "bin", "apexvisor.js");
  const args = format === "module" ? [cli, "resume", file, "--duration", "1ms", "--no-progress"] : [cli, "boot", "--restore", file, "--max-instructions", "60000"];
  const r = spawnSync(process.execPath, args, { encoding: "utf8", timeout: 60_000 });
  const err = r.stderr.trim();
  if (r.status === 12) {
    if (err.split("\n").length !== 1) return `exit 12 with ${err.split("\n").length} lines on stderr`;
    if (r.stdout.length > 0 && format === "module") return "exit 12 after printing guest output (half restore)";
    return undefined;
  }
  // Otherwise it restored and ran (an edit within range): any documented end, never a stack trace.
  if (r.status === null || r.status === 70 || /\n\s+at /.test(err)) return `exit ${r.status ?? r.signal}: ${err.split("\n")[0] ?? ""}`;
  return undefined;
}

/** The campaign: `iterations` mutated files per format. */
export function snapshotCampaign(root: string, seed: number, iterations: number, cliEvery = 100): CampaignReport {
  const s = seeds(root);
  const rng = new Rng(seed);
  const findings: string[] = [];
  let host = 0;
  let breaks = 0;
  let files = 0;
  const dir = mkdtempSync(join(tmpdir(), "apexvisor-fuzz-snap-"));
  try {
    for (let it = 0; it < iterations; it++) {
      for (const format of ["module", "boot"] as const) {
        const base = format === "module" ? s.module : s.boot;
        const kind = rng.below(3);
        const bytes = kind === 0 ? flipBits(base, rng) : kind === 1 ? base.slice(0, rng.below(base.length)) : editNote(base, rng);
        files++;
        const what = `${format} ${["bit flips", "truncation", "edited note"][kind]} seed ${seed} iteration ${it}`;
        try {
          const o = restore(bytes, format, s);
          if ("refused" in o && (o.refused.includes("\n") || o.refused.startsWith("HALF-RESTORE"))) {
            breaks++;
            if (findings.length < 5) findings.push(`${what}: ${o.refused.split("\n")[0]}`);
          }
          if (kind !== 2 && "ran" in o) {
            breaks++;
            if (findings.length < 5) findings.push(`${what}: a damaged file was accepted`);
          }
        } catch (err) {
          host++;
          if (findings.length < 5) findings.push(`${what}: host exception ${(err as Error).message}`);
        }
        if (cliEvery > 0 && it % cliEvery === 0) {
          const bad = throughCli(root, dir, bytes, format);
          if (bad !== undefined) {
            breaks++;
            if (findings.length < 5) findings.push(`${what} (CLI): ${bad}`);
          }
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { campaign: "snapshots", seed, iterations, work: files, hostExceptions: host, isolationBreaks: breaks, findings };
}
