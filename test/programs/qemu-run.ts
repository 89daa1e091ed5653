// Runs Multiboot guest images under qemu-system-i386 (when installed) with COM1 written to a file and the
// isa-debug-exit device at 0xf4: an independent check of the guest programs, apart from our emulator.
// qemu spends most of a run waiting in firmware, so runs are started several at a time.
import { spawn, spawnSync } from "child_process";
import { mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";

const QEMU = "qemu-system-i386";

/** What a qemu run gave: serial output and qemu's exit status ((v << 1) | 1 after a debug-exit write of v). */
export interface QemuRun {
  readonly stdout: Buffer;
  readonly status: number | null;
  readonly timedOut: boolean;
}

/** True when qemu-system-i386 can be started on this machine (it is not installed on CI). */
export function qemuAvailable(): boolean {
  const r = spawnSync(QEMU, ["--version"], { encoding: "utf8" });
  return r.error === undefined && r.status === 0;
}

/** COM1 goes to the file `serialPath`, not to a pipe: a pipe qemu writes to without blocking can take part of the last
 * line when the host is busy, and the debug-exit that follows ends qemu with the rest still queued (a fresh-clone run
 * once got "vm: PA" for "vm: PASS"). A write to a file is never short. */
function qemuArgs(elfPath: string, serialPath: string, commandLine?: string): string[] {
  return [
    "-nodefaults",
    "-machine", "isapc", /* no PCI: boots faster; the guests need nothing beyond COM1 and the exit port */
    "-cpu", "pentium3", /* guests are built with -march=i686 (cmov); isapc's default CPU lacks it */
    "-kernel", elfPath,
    "-chardev", `file,id=com1,path=${serialPath}`,
    "-serial", "chardev:com1",
    "-display", "none",
    "-m", "16",
    "-accel", "tcg,tb-size=16", /* a small translation cache starts faster than the default */
    "-no-reboot",
    "-device", "isa-debug-exit,iobase=0xf4,iosize=4",
    ...(commandLine === undefined ? [] : ["-append", commandLine]),
  ];
}

/** Boots `elfPath` with `-kernel`; resolves when the guest exits or `timeoutMs` passes (then qemu is killed). */
export function runUnderQemu(elfPath: string, commandLine?: string, timeoutMs = 60_000): Promise<QemuRun> {
  return new Promise((resolveRun, reject) => {
    const dir = mkdtempSync(join(tmpdir(), "apexvisor-qemu-"));
    const serialPath = join(dir, "com1.txt");
    const child = spawn(QEMU, qemuArgs(elfPath, serialPath, commandLine), { stdio: ["ignore", "ignore", "ignore"] });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
      reject(new Error(`cannot run ${QEMU}: ${e.message}`));
    });
    child.on("close", (status) => {
      clearTimeout(timer);
      let stdout: Buffer;
      try {
        stdout = readFileSync(serialPath);
      } catch {
        stdout = Buffer.alloc(0); // qemu ended before it opened the file
      }
      rmSync(dir, { recursive: true, force: true });
      resolveRun({ stdout, status, timedOut });
    });
  });
}

/** Runs `jobs` under qemu, at most `parallel` at once; results come back in the order of `jobs`. */
export async function runAllUnderQemu(jobs: readonly string[], parallel = 8): Promise<QemuRun[]> {
  const results: QemuRun[] = new Array<QemuRun>(jobs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await runUnderQemu(jobs[i] as string);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, jobs.length) }, worker));
  return results;
}
