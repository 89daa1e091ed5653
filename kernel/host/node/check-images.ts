// `validate`'s look at the files a module names: each guest image exists, is a regular file within the
// size limit and is of the right kind (PV: ELF32 i386; FV: ELF32 i386 or a file with a Multiboot header
// in its first 8 KiB), and each Multiboot module is a readable regular file. Node-only shell.
import { closeSync, openSync, readSync, statSync } from "fs";
import type { Diagnostic } from "../../config/diagnostic";
import type { PartitionConfig, SystemConfig } from "../../config/model";
import { checkDiskSize } from "../../disk/disk-image";
import { INPUT_LIMITS } from "../read-limited";
import { readFailure } from "./read-limited";

const MULTIBOOT_MAGIC = 0x1badb002;

function head(path: string, n: number): Uint8Array {
  const fd = openSync(path, "r");
  try {
    const buf = new Uint8Array(n);
    const got = readSync(fd, buf, 0, n, 0);
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

function isElf32I386(b: Uint8Array): boolean {
  return b.length >= 20 && b[0] === 0x7f && b[1] === 0x45 && b[2] === 0x4c && b[3] === 0x46 && b[4] === 1 && b[5] === 1 && (b[18]! | (b[19]! << 8)) === 3;
}

function hasMultiboot(b: Uint8Array): boolean {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let o = 0; o + 12 <= b.length; o += 4) {
    if (v.getUint32(o, true) === MULTIBOOT_MAGIC && ((v.getUint32(o, true) + v.getUint32(o + 4, true) + v.getUint32(o + 8, true)) >>> 0) === 0) return true;
  }
  return false;
}

/** Why the file at `path` cannot serve as `what`, or undefined when it can. */
function fileProblem(path: string): string | undefined {
  try {
    const st = statSync(path);
    if (st.isDirectory()) return "it is a directory";
    if (!st.isFile()) return "it is not a regular file";
    if (st.size > INPUT_LIMITS.image) return `it is larger than the ${INPUT_LIMITS.image / 1048576} MiB limit`;
    return undefined;
  } catch (e) {
    return readFailure(e);
  }
}

/** Why the file at `path` cannot be a disk image (kernel/disk/disk-image.ts rules), or undefined. */
function diskProblem(path: string): string | undefined {
  try {
    const st = statSync(path);
    if (st.isDirectory()) return "it is a directory";
    if (!st.isFile()) return "it is not a regular file";
    if (st.size > INPUT_LIMITS.disk) return `it is larger than the ${INPUT_LIMITS.disk / 1048576} MiB limit`;
    const bad = checkDiskSize(st.size);
    return bad === null ? undefined : `it ${bad}`;
  } catch (e) {
    return readFailure(e);
  }
}

function imageProblem(p: PartitionConfig, path: string): string | undefined {
  const bad = fileProblem(path);
  if (bad !== undefined) return bad;
  let b: Uint8Array;
  try {
    b = head(path, 8192);
  } catch (e) {
    return readFailure(e);
  }
  if (isElf32I386(b)) return undefined;
  if (p.guest.kind === "FV") return hasMultiboot(b) ? undefined : "it is neither an i386 ELF32 file nor a Multiboot kernel";
  return "it is not an i386 ELF32 file";
}

/** Errors for every guest image and module file of the wrong kind; warnings for the missing ones (a
 * module is often validated before its guests are built; `run` refuses them). */
export function checkImages(config: SystemConfig): { errors: Diagnostic[]; warnings: Diagnostic[] } {
  const errors: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];
  const put = (pos: Diagnostic["pos"], message: string, why: string): void => {
    (why === "no such file" ? warnings : errors).push({ pos, message: `${message}: ${why}` });
  };
  for (const p of config.partitions) {
    const pos = p.guest.pos ?? p.pos;
    if (p.guest.image !== undefined) {
      const why = imageProblem(p, p.guest.image);
      if (why !== undefined) put(pos, `partition "${p.name}": guest image ${p.guest.image}`, why);
    }
    for (const m of p.guest.modules) {
      const why = fileProblem(m);
      if (why !== undefined) put(pos, `partition "${p.name}": Multiboot module ${m}`, why);
    }
    if (p.guest.drive !== undefined) {
      const why = diskProblem(p.guest.drive.path);
      if (why !== undefined) put(pos, `partition "${p.name}": disk image ${p.guest.drive.path}`, why);
    }
  }
  return { errors, warnings };
}
