// Host physical references: builds scripts/host-ref (a direct call, a lazily bound PLT call, a raw
// system call) with the host gcc and runs it several times in this benchmark run. Skips, saying why,
// when gcc is absent or the build fails. Parses the program's "name ns" lines; interprets nothing.
import { spawnSync } from "child_process";
import { mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { spread, type Spread } from "./stats";

/** The references the program prints, in table order. */
export const HOST_REF_NAMES = ["direct_ns", "plt_ns", "plt_first_ns", "syscall_ns"] as const;
/** One reference name. */
export type HostRefName = (typeof HOST_REF_NAMES)[number];

/** Table labels of the references. */
export const HOST_REF_LABELS: Readonly<Record<HostRefName, string>> = {
  direct_ns: "host: direct call",
  plt_ns: "host: PLT call, later calls",
  plt_first_ns: "host: PLT call, first (lazy) call",
  syscall_ns: "host: raw system call (getppid)",
};

/** The references, or why there are none. */
export type HostRefs =
  | { readonly kind: "measured"; readonly ns: Readonly<Record<HostRefName, Spread>> }
  | { readonly kind: "skipped"; readonly reason: string };

/** Parses one run's output; null when a line is missing or malformed. */
export function parseHostRefOutput(text: string): Record<HostRefName, number> | null {
  const out: Partial<Record<HostRefName, number>> = {};
  for (const name of HOST_REF_NAMES) {
    const m = new RegExp(`^${name} (-?[0-9.]+)$`, "m").exec(text);
    if (m === null) return null;
    out[name] = Number(m[1]);
  }
  return out as Record<HostRefName, number>;
}

function sh(cmd: string, args: readonly string[]): { ok: boolean; out: string } {
  const r = spawnSync(cmd, args, { encoding: "utf8", env: { ...process.env, LD_BIND_NOW: "" } });
  if (r.error !== undefined) return { ok: false, out: r.error.message };
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
}

/** Builds and runs the references `runs` times with `calls` calls per loop. */
export function measureHostRefs(srcDir: string, runs: number, calls: number): HostRefs {
  if (!sh("gcc", ["--version"]).ok) return { kind: "skipped", reason: "no host gcc: host references skipped" };
  const dir = mkdtempSync(join(tmpdir(), "apexvisor-hostref-"));
  try {
    const lib = sh("gcc", ["-O2", "-shared", "-fPIC", "-o", join(dir, "libref.so"), join(srcDir, "libref.c")]);
    // No -z now: the PLT entry stays lazy so that the first call goes through the dynamic linker.
    const prog = lib.ok
      ? sh("gcc", ["-O2", "-o", join(dir, "hostref"), join(srcDir, "hostref.c"), `-L${dir}`, "-lref", `-Wl,-rpath,${dir}`, "-Wl,-z,lazy"])
      : lib;
    if (!prog.ok) return { kind: "skipped", reason: `host reference build failed: ${prog.out.trim().split("\n")[0] ?? ""}` };
    const samples: Record<HostRefName, number>[] = [];
    for (let r = 0; r < runs + 1; r++) {
      const run = sh(join(dir, "hostref"), [String(calls)]);
      const parsed = run.ok ? parseHostRefOutput(run.out) : null;
      if (parsed === null) return { kind: "skipped", reason: `host reference run failed: ${run.out.trim()}` };
      if (r > 0) samples.push(parsed); // the first process warms the page cache and the dynamic linker
    }
    const ns = Object.fromEntries(HOST_REF_NAMES.map((n) => [n, spread(samples.map((s) => s[n]))])) as Record<HostRefName, Spread>;
    return { kind: "measured", ns };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
