// `validate`'s look at the files a module names: each guest image exists, is a regular file within the
// size limit and is of the right kind (PV: ELF32 i386; FV: ELF32 i386, a file with a Multiboot header in its
// first 8 KiB, or a Linux bzImage whose load plan fits the partition with its initrd), and each Multiboot
// module and initrd is a readable regular file. Node-only shell.
import { closeSync, openSync, readFileSync, readSync, statSync } from "fs";
import type { Diagnostic } from "../../config/diagnostic";
import type { PartitionConfig, SystemConfig } from "../../config/model";
import { checkDiskSize } from "../../disk/disk-image";
import { isLinuxKernel } from "../../loader/linux-setup-header";
import { fvKernelProblems } from "../../machine/check-fv-kernel";
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
  // A Linux bzImage (or a file named Format="linux"): its whole load is checked by linuxProblems.
  if (p.guest.kind === "FV" && (isLinuxKernel(b) || p.guest.format === "linux")) return undefined;
  if (isElf32I386(b)) return undefined;
  if (p.guest.kind === "FV") return hasMultiboot(b) ? undefined : "it is neither an i386 ELF32 file nor a Multiboot kernel";
  return "it is not an i386 ELF32 file";
}

/** An FV kernel's format, initrd and (Linux) load plan against the partition's RAM (kernel/machine/check-fv-kernel.ts). */
function kernelProblems(p: PartitionConfig, path: string): string[] {
  try {
    const kernel = new Uint8Array(readFileSync(path));
    const initrd = p.guest.initrd;
    // A missing or unreadable initrd is reported on its own; the plan is then checked without it.
    const rd = initrd !== undefined && fileProblem(initrd) === undefined ? new Uint8Array(readFileSync(initrd)) : undefined;
    return fvKernelProblems(p, kernel, rd);
  } catch (e) {
    return [readFailure(e)];
  }
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
    if (p.guest.kind === "FV" && p.guest.image !== undefined && imageProblem(p, p.guest.image) === undefined) {
      for (const why of kernelProblems(p, p.guest.image)) errors.push({ pos, message: `partition "${p.name}": kernel ${p.guest.image}: ${why}` });
    }
    if (p.guest.initrd !== undefined) {
      const why = fileProblem(p.guest.initrd);
      if (why !== undefined) put(pos, `partition "${p.name}": initrd ${p.guest.initrd}`, why);
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
