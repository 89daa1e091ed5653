// Runs a Multiboot guest image in apexvisor's own emulator through bootMultiboot (kernel/machine/pc-boot),
// collecting COM1 output. While pc-boot is not on this branch yet it reports "unavailable" so that callers
// can skip and say so; the planned API is mirrored here only as the shape this file expects of it.
import { existsSync, readFileSync } from "fs";
import { join } from "path";

/** How a boot ended, as far as the programs' checks need it (pc-boot's BootEnd has more kinds). */
export interface EmulatorEnd {
  readonly kind: string;
  readonly status?: number;
  readonly message?: string;
}

/** One emulator run: serial output, how it ended, and the counts pc-boot reports. */
export interface EmulatorRun {
  readonly stdout: Buffer;
  readonly end: EmulatorEnd;
  readonly instructions: number;
  readonly cycles: number;
}

interface PcBootModule {
  bootMultiboot(opts: {
    elf: Uint8Array;
    elfPath: string;
    commandLine?: string;
    maxInstructions?: number;
    stdout: (bytes: Uint8Array) => void;
  }): { end: EmulatorEnd; instructions: number; cycles: number };
}

const PC_BOOT = join(__dirname, "..", "..", "kernel", "machine", "pc-boot.js");

function loadPcBoot(): PcBootModule | undefined {
  if (!existsSync(PC_BOOT)) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(PC_BOOT) as Partial<PcBootModule>;
  return typeof mod.bootMultiboot === "function" ? (mod as PcBootModule) : undefined;
}

/** True when this build contains the emulator's Multiboot boot path. */
export function emulatorAvailable(): boolean {
  return loadPcBoot() !== undefined;
}

/** Boots `elfPath` in the emulator until it exits, halts, faults or runs `maxInstructions`. */
export function runInEmulator(elfPath: string, opts: { commandLine?: string; maxInstructions?: number } = {}): EmulatorRun {
  const pcBoot = loadPcBoot();
  if (pcBoot === undefined) throw new Error("kernel/machine/pc-boot is not built on this branch");
  const chunks: Buffer[] = [];
  const result = pcBoot.bootMultiboot({
    elf: readFileSync(elfPath),
    elfPath,
    ...(opts.commandLine === undefined ? {} : { commandLine: opts.commandLine }),
    ...(opts.maxInstructions === undefined ? {} : { maxInstructions: opts.maxInstructions }),
    stdout: (bytes) => chunks.push(Buffer.from(bytes)),
  });
  return { stdout: Buffer.concat(chunks), end: result.end, instructions: result.instructions, cycles: result.cycles };
}
