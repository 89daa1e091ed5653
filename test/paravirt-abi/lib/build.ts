// Test helper: builds the guest images of one guest.json into a temporary folder with the project's guest
// toolchain (same flags as scripts/build-guests.ts), so conformance tests never read stale images.
// Returns null when this machine cannot build i386 guests, so the caller can skip and say why.
import { spawnSync } from "child_process";
import { mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import { basename, join } from "path";
import { readManifest, type GuestImageSpec, type OptLevel } from "../../../kernel/bench/guest-manifest";
import { findToolchain, ToolchainError, type Toolchain } from "../../../scripts/lib/toolchain";

/** Repo root, from dist/test/paravirt-abi/lib. */
export const REPO_ROOT = join(__dirname, "..", "..", "..", "..");

let toolchain: Toolchain | null | undefined;
/** Images already built in this test process (sources do not change during a run). */
const built = new Map<string, Buffer>();

/** The guest toolchain, or null (once probed) when the machine lacks it. */
export function guestToolchain(): Toolchain | null {
  if (toolchain === undefined) {
    try {
      toolchain = findToolchain();
    } catch (e) {
      if (!(e instanceof ToolchainError)) throw e;
      toolchain = null;
    }
  }
  return toolchain;
}

function run(cmd: string, args: readonly string[]): void {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  if (r.error !== undefined || r.status !== 0) throw new Error(`${cmd} ${args.join(" ")}\n${r.error?.message ?? ""}${r.stdout}${r.stderr}`);
}

/** Builds image `name` at `opt` from the manifest at repo-relative `manifest`; returns the ELF bytes, or null without a toolchain. */
export function buildGuest(manifest: string, name: string, opt: OptLevel): Buffer | null {
  const tc = guestToolchain();
  if (tc === null) return null;
  const key = `${manifest}:${name}:${opt}`;
  const cached = built.get(key);
  if (cached !== undefined) return cached;
  const spec = readManifest(REPO_ROOT, join(REPO_ROOT, manifest)).find((s) => s.name === name);
  if (spec === undefined) throw new Error(`${manifest} has no image ${name}`);
  const dir = mkdtempSync(join(tmpdir(), `apexvisor-${name}-`));
  try {
    const bytes = link(tc, spec, opt, dir);
    built.set(key, bytes);
    return bytes;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function link(tc: Toolchain, spec: GuestImageSpec, opt: OptLevel, dir: string): Buffer {
  const includes = spec.include.map((i) => `-I${join(spec.dir, i)}`);
  const objs = spec.sources.map((src, i) => {
    const obj = join(dir, `${i}-${basename(src)}.o`);
    run(tc.cc, [...tc.cflags, `-${opt}`, ...includes, ...spec.cflags, "-c", join(spec.dir, src), "-o", obj]);
    return obj;
  });
  const out = join(dir, `${spec.name}-${opt}.elf`);
  run(tc.ld, ["-m", tc.ldEmulation, "-nostdlib", "-T", join(REPO_ROOT, "linkcmds", spec.linkScript), "-o", out, ...objs]);
  return readFileSync(out);
}
