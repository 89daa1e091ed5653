// Thin shell around the C runner (runner.c): compiles it for the host (x86-64 Linux), feeds it cases as
// text lines and parses its answers. Knows the line format, not the instructions.
import { spawnSync } from "child_process";
import { mkdirSync } from "fs";
import { dirname } from "path";
import { VEC_REGS, type VecReg } from "./schema";

/** One case as the runner takes it: host bytes, registers, EFLAGS, data. */
export interface HostCase {
  readonly hostCode: readonly number[];
  readonly ptrMask: number;
  readonly regs: Readonly<Record<VecReg, number>>;
  readonly eflags: number;
  readonly data: readonly number[];
}

/** What the host CPU did with one case. */
export interface HostResult {
  readonly exception: number | undefined;
  readonly regs: Readonly<Record<VecReg, number>>;
  readonly eflags: number;
  readonly data: readonly number[];
}

/** Hex string of bytes ("" for none). */
export function toHex(bytes: readonly number[]): string {
  return bytes.map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Bytes of a hex string. */
export function fromHex(hex: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < hex.length; i += 2) out.push(parseInt(hex.slice(i, i + 2), 16));
  return out;
}

/** Compiles runner.c to `binary` with the host gcc; throws with the compiler output on failure. */
export function compileRunner(source: string, binary: string): void {
  if (process.arch !== "x64" || process.platform !== "linux") {
    throw new Error(`recording needs an x86-64 Linux host (this is ${process.platform}/${process.arch})`);
  }
  mkdirSync(dirname(binary), { recursive: true });
  const r = spawnSync("gcc", ["-O1", "-Wall", "-Wextra", "-Werror", "-o", binary, source], { encoding: "utf8" });
  if (r.error) throw new Error(`gcc: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`gcc failed on ${source}:\n${r.stdout}${r.stderr}`);
}

/** Runs every case through the compiled runner in one process and returns the results in order. */
export function runOnHost(binary: string, cases: readonly HostCase[]): HostResult[] {
  const input = cases
    .map((c) => {
      const regs = VEC_REGS.map((r) => (c.regs[r] >>> 0).toString(16));
      const data = c.data.length === 0 ? "-" : toHex(c.data);
      return `${toHex(c.hostCode)} ${c.ptrMask.toString(16)} ${regs.join(" ")} ${c.eflags.toString(16)} ${data}\n`;
    })
    .join("");
  const r = spawnSync(binary, [], { input, encoding: "utf8", maxBuffer: 1 << 30 });
  if (r.error) throw new Error(`${binary}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${binary} exited with ${String(r.status)}: ${r.stderr}`);
  const lines = r.stdout.split("\n").filter((l) => l.length > 0);
  if (lines.length !== cases.length) throw new Error(`runner answered ${lines.length} of ${cases.length} cases`);
  return lines.map((line, n) => parseLine(line, n));
}

function parseLine(line: string, n: number): HostResult {
  const t = line.split(" ");
  if (t.length !== 10) throw new Error(`runner line ${n}: bad answer '${line}'`);
  const exc = t[0] ?? "";
  if (exc.startsWith("E")) throw new Error(`runner line ${n}: case died with signal ${exc.slice(1)}`);
  const regs = {} as Record<VecReg, number>;
  VEC_REGS.forEach((r, i) => {
    regs[r] = parseInt(t[i + 1] ?? "", 16) >>> 0;
  });
  const data = t[9] === "-" ? [] : fromHex(t[9] ?? "");
  return { exception: exc === "-" ? undefined : Number(exc), regs, eflags: parseInt(t[8] ?? "", 16) >>> 0, data };
}
