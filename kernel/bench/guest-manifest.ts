// Reads guest.json manifests: each names the guest images built from the sources beside it. Any folder
// of the repo may hold one (guest-rtos/, partitions/*, test/**), so adding a guest never edits the builder.
import { existsSync, readdirSync, readFileSync, statSync } from "fs";
import { join, relative } from "path";

/** Optimisation variants a guest image may be built at; each variant is its own image. */
export type OptLevel = "O0" | "O1" | "O2" | "Os";
const OPT_LEVELS: readonly OptLevel[] = ["O0", "O1", "O2", "Os"];

/** One image to build: its sources (relative to the manifest), link script (in linkcmds/) and flags. */
export interface GuestImageSpec {
  readonly manifest: string;
  readonly dir: string;
  readonly name: string;
  readonly sources: readonly string[];
  readonly linkScript: string;
  readonly opt: readonly OptLevel[];
  readonly cflags: readonly string[];
  readonly include: readonly string[];
  /** "x87": the image computes with float/double on the x87 (no -mgeneral-regs-only); "none" by default. */
  readonly fpu: GuestFpu;
}

/** Whether a guest image may use floating point: "none" keeps gcc to general registers. */
export type GuestFpu = "none" | "x87";

/**
 * Flags for an image with floating point, on i386 and in its native x86-64 reference alike: x87 arithmetic
 * with C's excess-precision rules (each assignment and cast rounds to its type), so the results follow the
 * source and not the register allocation of either target; RT_FLOAT turns on %f %e %g in the runtime.
 */
export const X87_CFLAGS: readonly string[] = ["-mfpmath=387", "-fexcess-precision=standard", "-DRT_FLOAT"];

const SKIP_DIRS = new Set(["node_modules", "dist", "build", "coverage", ".git", ".nyc_output"]);

/** Finds every guest.json under `root`, in sorted path order so builds are deterministic. */
export function findManifests(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    const names = readdirSync(dir).sort();
    for (const n of names) {
      if (SKIP_DIRS.has(n) || n.startsWith(".")) continue;
      const p = join(dir, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (n === "guest.json") out.push(p);
    }
  };
  walk(root);
  return out;
}

function stringList(v: unknown, where: string): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || !v.every((x) => typeof x === "string")) throw new Error(`${where}: expected a list of strings`);
  return v as string[];
}

/** Parses one manifest file into image specs; throws with the file name on any malformed entry. */
export function readManifest(root: string, file: string): GuestImageSpec[] {
  const dir = join(file, "..");
  const where = relative(root, file);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new Error(`${where}: not valid JSON: ${(e as Error).message}`);
  }
  const images = (raw as { images?: unknown }).images;
  if (!Array.isArray(images)) throw new Error(`${where}: expected {"images": [...]}`);
  return images.map((img: unknown, i: number) => {
    const w = `${where} images[${i}]`;
    const o = img as Record<string, unknown>;
    if (typeof o["name"] !== "string" || !/^[A-Za-z0-9_.-]+$/.test(o["name"])) throw new Error(`${w}: "name" must be a plain file name`);
    if (typeof o["linkScript"] !== "string") throw new Error(`${w}: "linkScript" (a file in linkcmds/) is required`);
    const sources = stringList(o["sources"], `${w} sources`);
    if (sources.length === 0) throw new Error(`${w}: "sources" is empty`);
    for (const s of sources) if (!existsSync(join(dir, s))) throw new Error(`${w}: source ${s} not found`);
    const opt = stringList(o["opt"], `${w} opt`);
    for (const v of opt) if (!OPT_LEVELS.includes(v as OptLevel)) throw new Error(`${w}: opt ${v} is not one of ${OPT_LEVELS.join(", ")}`);
    const fpu = o["fpu"] ?? "none";
    if (fpu !== "none" && fpu !== "x87") throw new Error(`${w}: "fpu" must be "none" or "x87"`);
    return {
      manifest: file,
      dir,
      name: o["name"],
      sources,
      linkScript: o["linkScript"],
      opt: opt.length > 0 ? (opt as OptLevel[]) : ["O2"],
      cflags: stringList(o["cflags"], `${w} cflags`),
      include: stringList(o["include"], `${w} include`),
      fpu,
    };
  });
}

/** Path of the built image for `spec` at `opt`, relative to the repo root: build/guests/<dir>/<name>-<opt>.elf. */
export function imagePath(root: string, spec: GuestImageSpec, opt: OptLevel): string {
  return join(root, "build", "guests", relative(root, spec.dir), `${spec.name}-${opt}.elf`);
}
