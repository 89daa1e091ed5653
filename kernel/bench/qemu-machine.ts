// The qemu-system-i386 machine both QEMU references boot the Multiboot guests in (bench:cpu's timing,
// kernel/bench/qemu-reference.ts, and the programs test's cross-check, test/programs/qemu-run.ts): its command
// line, and the file its COM1 goes to.
import { spawnSync } from "child_process";
import { mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";

/** The QEMU binary used (looked up on PATH). */
export const QEMU_I386 = "qemu-system-i386";

/** isa-debug-exit ends QEMU with (v << 1) | 1; a guest's rt_exit(0) writes v = 0. */
export const QEMU_SUCCESS_EXIT = 1;

/** QEMU's version line, or undefined when it cannot be started here (it is not installed on CI). */
export function qemuVersion(): string | undefined {
  const r = spawnSync(QEMU_I386, ["--version"], { encoding: "utf8" });
  if (r.error !== undefined || r.status !== 0) return undefined;
  return r.stdout.split("\n")[0]?.trim();
}

/**
 * QEMU's arguments to boot `elfPath` with COM1 written to the file `serialPath`, not a pipe: a pipe QEMU writes to
 * without blocking can take part of the last line when the host is busy, and the debug-exit that follows ends QEMU
 * with the rest still queued (a fresh-clone run once got "vm: PA" for "vm: PASS"). A write to a file is never short.
 * `accel` is the -accel value: TCG, with options.
 */
export function qemuArgs(elfPath: string, serialPath: string, commandLine: string | undefined, accel = "tcg"): string[] {
  return [
    "-nodefaults",
    "-machine", "isapc", // no PCI: COM1 and the exit port are all the guests use
    "-cpu", "pentium3", // the guests are built for i686 (cmov); isapc's default CPU lacks it
    "-accel", accel,
    "-m", "16",
    "-kernel", elfPath,
    "-chardev", `file,id=com1,path=${serialPath}`,
    "-serial", "chardev:com1",
    "-display", "none",
    "-no-reboot",
    "-device", "isa-debug-exit,iobase=0xf4,iosize=4",
    ...(commandLine === undefined ? [] : ["-append", commandLine]),
  ];
}

/** A fresh temporary folder for one run's COM1 file: `path` to give QEMU, `read` what it wrote (nothing when QEMU
 * ended before it opened the file), `remove` the folder. */
export interface SerialFile {
  readonly path: string;
  read(): Buffer;
  remove(): void;
}

export function serialFile(): SerialFile {
  const dir = mkdtempSync(join(tmpdir(), "apexvisor-qemu-"));
  const path = join(dir, "com1.txt");
  return {
    path,
    read(): Buffer {
      try {
        return readFileSync(path);
      } catch {
        return Buffer.alloc(0);
      }
    },
    remove(): void {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
