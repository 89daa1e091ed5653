// Runs a Multiboot guest image in apexvisor's own emulator through bootMultiboot (kernel/machine/pc-boot),
// collecting COM1 output. A thin adapter for the programs test and the CPU benchmark; booting itself is pc-boot's.
import { readFileSync } from "fs";
import { bootMultiboot, type BootEnd } from "../machine/pc-boot";

/** One emulator run: serial output, how it ended, and the counts pc-boot reports. */
export interface EmulatorRun {
  readonly stdout: Buffer;
  readonly end: BootEnd;
  readonly instructions: number;
  readonly cycles: number;
}

/** Boots `elfPath` in the emulator until it exits, halts, faults or runs `maxInstructions`. */
export function runInEmulator(elfPath: string, opts: { commandLine?: string; maxInstructions?: number } = {}): EmulatorRun {
  const chunks: Buffer[] = [];
  const result = bootMultiboot({
    elf: readFileSync(elfPath),
    elfPath,
    ...(opts.commandLine === undefined ? {} : { commandLine: opts.commandLine }),
    ...(opts.maxInstructions === undefined ? {} : { maxInstructions: opts.maxInstructions }),
    stdout: (bytes) => chunks.push(Buffer.from(bytes)),
  });
  return { stdout: Buffer.concat(chunks), end: result.end, instructions: result.instructions, cycles: result.cycles };
}

/** One line saying how a boot ended, for failure messages and the bench table. */
export function describeEnd(end: BootEnd): string {
  switch (end.kind) {
    case "debugExit":
      return `debug exit, status ${end.status}`;
    case "tripleFault":
      return `triple fault at EIP ${end.eip.toString(16)}`;
    case "halted":
      return `halted: ${end.reason}`;
    case "instructionLimit":
      return "instruction limit reached";
    case "reset":
      return `reset: ${end.cause}`;
    case "userQuit":
      return "user quit";
    case "loadError":
      return `load error: ${end.message}`;
    default: {
      const never: never = end;
      return `unknown end ${JSON.stringify(never)}`;
    }
  }
}
