// Native reference for the guest test programs: builds the same C sources (minus the Multiboot platform
// layer, plus test/programs/native/shim.c) with the host gcc as x86-64 Linux executables without libc,
// runs them and records their output under build/native/. It does not build or run guest images.
import { spawnSync } from "child_process";
import { existsSync, mkdirSync, statSync, writeFileSync } from "fs";
import { dirname, join, relative } from "path";
import { X87_CFLAGS, type GuestImageSpec } from "./guest-manifest";

/** Flags for native builds: freestanding like the guest, but linked as a static x86-64 executable. */
export const NATIVE_CFLAGS: readonly string[] = [
  "-ffreestanding",
  "-fno-builtin",
  "-nostdlib",
  "-static",
  "-fno-pie",
  "-no-pie",
  "-fno-stack-protector",
  "-fno-asynchronous-unwind-tables",
  "-std=gnu11",
  "-Wall",
  "-Wextra",
  "-Werror",
];

/** Optimisation level of the native reference build. */
export type NativeOpt = "O0" | "O2";

/** Outcome of building a native reference binary. */
export type NativeBuild = { kind: "built"; binary: string } | { kind: "buildError"; message: string };

/** Outcome of running one: stdout bytes, stderr text and exit status (null when killed by a signal). */
export interface NativeRun {
  readonly stdout: Buffer;
  readonly stderr: string;
  readonly status: number | null;
  readonly signal: string | null;
}

/** True when this host can build and run the native references (x86-64 Linux with a gcc on PATH). */
export function nativeHostSupported(cc = "gcc"): boolean {
  if (process.platform !== "linux" || process.arch !== "x64") return false;
  const r = spawnSync(cc, ["--version"], { encoding: "utf8" });
  return r.error === undefined && r.status === 0;
}

/** Sources of `spec` for a native build: the Multiboot platform layer is swapped for the native shim. */
export function nativeSources(root: string, spec: GuestImageSpec): string[] {
  const own = spec.sources.filter((s) => !s.split(/[\\/]/).includes("multiboot")).map((s) => join(spec.dir, s));
  return [...own, join(root, "test", "programs", "native", "shim.c")];
}

/** Where the native binary for `spec` lives: build/native/<manifest dir>/<name>-<opt>. */
export function nativeBinaryPath(root: string, spec: GuestImageSpec, opt: NativeOpt): string {
  return join(root, "build", "native", relative(root, spec.dir), `${spec.name}-${opt}`);
}

function newestInput(files: readonly string[]): number {
  return Math.max(...files.map((f) => statSync(f).mtimeMs));
}

/** Builds (or reuses, when newer than its inputs) the native binary of `spec`. */
export function buildNative(root: string, spec: GuestImageSpec, opt: NativeOpt, cc = "gcc"): NativeBuild {
  const binary = nativeBinaryPath(root, spec, opt);
  const sources = nativeSources(root, spec);
  const missing = sources.find((s) => !existsSync(s));
  if (missing !== undefined) return { kind: "buildError", message: `${spec.name}: source ${missing} not found` };
  if (existsSync(binary) && statSync(binary).mtimeMs >= newestInput([...sources, spec.manifest])) return { kind: "built", binary };
  mkdirSync(dirname(binary), { recursive: true });
  const includes = spec.include.map((i) => `-I${join(spec.dir, i)}`);
  const fpu = spec.fpu === "x87" ? X87_CFLAGS : [];
  const args = [...NATIVE_CFLAGS, ...fpu, `-${opt}`, ...includes, ...spec.cflags, ...sources, "-o", binary];
  const r = spawnSync(cc, args, { encoding: "utf8" });
  if (r.error !== undefined) return { kind: "buildError", message: `${cc}: ${r.error.message}` };
  if (r.status !== 0) return { kind: "buildError", message: `${cc} ${args.join(" ")}\n${r.stdout}${r.stderr}`.trim() };
  return { kind: "built", binary };
}

/** Runs a native binary with an optional command line (the shim hands argv[1] to rt_cmdline). */
export function runNative(binary: string, commandLine?: string, timeoutMs = 60_000): NativeRun {
  const r = spawnSync(binary, commandLine === undefined ? [] : [commandLine], { timeout: timeoutMs });
  if (r.error !== undefined) throw new Error(`cannot run ${binary}: ${r.error.message}`);
  return { stdout: r.stdout, stderr: r.stderr.toString("utf8"), status: r.status, signal: r.signal };
}

/** A recorded reference run, or why there is none. */
export type NativeReference = { kind: "ok"; run: NativeRun } | { kind: "buildError"; message: string };

/** Builds, runs and records the reference transcript of `spec` (build/native/.../<name>-<opt>.out). */
export function nativeReference(root: string, spec: GuestImageSpec, opt: NativeOpt = "O2"): NativeReference {
  const b = buildNative(root, spec, opt);
  if (b.kind === "buildError") return b;
  const run = runNative(b.binary);
  writeFileSync(`${b.binary}.out`, run.stdout);
  return { kind: "ok", run };
}
