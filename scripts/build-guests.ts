// Builds every guest image named by a guest.json manifest anywhere in the repo, with the guest toolchain
// (gcc -m32 -ffreestanding, GNU ld with a script from linkcmds/), into build/guests/. Skips images whose
// inputs are older than the output. Stops with a plain message when the machine cannot build i386 code.
import { spawnSync } from "child_process";
import { existsSync, mkdirSync, statSync } from "fs";
import { basename, dirname, join, relative, resolve } from "path";
import { findManifests, imagePath, readManifest, type GuestImageSpec, type OptLevel } from "../kernel/bench/guest-manifest";
import { findToolchain, guestCflags, ToolchainError, type Toolchain } from "./lib/toolchain";

const ROOT = resolve(__dirname, "..", "..");

function newest(files: readonly string[]): number {
  return Math.max(...files.map((f) => statSync(f).mtimeMs));
}

function runTool(cmd: string, args: readonly string[]): void {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")}\n${r.stdout}${r.stderr}`.trim());
}

function buildImage(tc: Toolchain, spec: GuestImageSpec, opt: OptLevel): "built" | "fresh" {
  const out = imagePath(ROOT, spec, opt);
  const script = join(ROOT, "linkcmds", spec.linkScript);
  const inputs = [...spec.sources.map((s) => join(spec.dir, s)), script, spec.manifest];
  if (existsSync(out) && statSync(out).mtimeMs >= newest(inputs)) return "fresh";
  const objDir = join(dirname(out), `${spec.name}-${opt}.obj`);
  mkdirSync(objDir, { recursive: true });
  const includes = spec.include.map((i) => `-I${join(spec.dir, i)}`);
  const objs = spec.sources.map((src, i) => {
    const obj = join(objDir, `${i}-${basename(src).replace(/\.[^.]+$/, "")}.o`);
    runTool(tc.cc, [...guestCflags(tc, spec.fpu), `-${opt}`, ...includes, ...spec.cflags, "-c", join(spec.dir, src), "-o", obj]);
    return obj;
  });
  runTool(tc.ld, ["-m", tc.ldEmulation, "-nostdlib", "-T", script, "-o", out, ...objs]);
  return "built";
}

function main(): number {
  let tc: Toolchain;
  try {
    tc = findToolchain();
  } catch (e) {
    if (e instanceof ToolchainError) {
      process.stderr.write(`build-guests: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  const specs = findManifests(ROOT).flatMap((m) => readManifest(ROOT, m));
  let built = 0;
  let fresh = 0;
  for (const spec of specs) {
    for (const opt of spec.opt) {
      const rel = relative(ROOT, imagePath(ROOT, spec, opt));
      try {
        if (buildImage(tc, spec, opt) === "built") {
          built++;
          process.stdout.write(`  built ${rel}\n`);
        } else fresh++;
      } catch (e) {
        process.stderr.write(`build-guests: ${rel} failed:\n${(e as Error).message}\n`);
        return 1;
      }
    }
  }
  process.stdout.write(`build-guests: ${built} built, ${fresh} up to date\n`);
  return 0;
}

process.exitCode = main();
