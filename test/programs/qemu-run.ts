// Runs Multiboot guest images under qemu-system-i386 (when installed) in the machine of kernel/bench/qemu-machine.ts
// (COM1 written to a file, the isa-debug-exit device at 0xf4): an independent check of the guest programs, apart
// from our emulator.
// qemu spends most of a run waiting in firmware, so runs are started several at a time.
import { spawn } from "child_process";
import { QEMU_I386, qemuArgs, qemuVersion, serialFile } from "../../kernel/bench/qemu-machine";

/** What a qemu run gave: serial output and qemu's exit status ((v << 1) | 1 after a debug-exit write of v). */
export interface QemuRun {
  readonly stdout: Buffer;
  readonly status: number | null;
  readonly timedOut: boolean;
}

/** True when qemu-system-i386 can be started on this machine (it is not installed on CI). */
export function qemuAvailable(): boolean {
  return qemuVersion() !== undefined;
}

/** Boots `elfPath` with `-kernel` (a small translation cache: it starts faster than the default); resolves when the
 * guest exits or `timeoutMs` passes (then qemu is killed). */
export function runUnderQemu(elfPath: string, commandLine?: string, timeoutMs = 60_000): Promise<QemuRun> {
  return new Promise((resolveRun, reject) => {
    const serial = serialFile();
    const child = spawn(QEMU_I386, qemuArgs(elfPath, serial.path, commandLine, "tcg,tb-size=16"), { stdio: "ignore" });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      serial.remove();
      reject(new Error(`cannot run ${QEMU_I386}: ${e.message}`));
    });
    child.on("close", (status) => {
      clearTimeout(timer);
      const stdout = serial.read();
      serial.remove();
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
