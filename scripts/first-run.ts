// The fresh process of bench:cpu's first-run row: boots one guest image (argv: ELF path, optional command
// line) and prints one JSON line with the host ms from process start to the boot and the per-slice samples
// (kernel/bench/first-run.ts). Started by scripts/bench-cpu.ts; prints nothing else.
import { readFileSync } from "fs";
import { sampleFirstRun } from "../kernel/bench/first-run";
import { applyDevSwitches } from "../kernel/cli/dev-switches";

const startupMs = process.uptime() * 1000;
const USAGE = `usage: node dist/scripts/first-run.js GUEST.elf [COMMAND-LINE]
  Boots GUEST.elf (a Multiboot image, e.g. build/guests/test/programs/bench/bench-crc-O2.elf) once in this
  fresh process and prints one JSON line: {"startupMs", "samples"}, where each sample is the guest time, instructions,
  host time and blocks compiled so far, taken after each 10 ms of guest time.
  npm run bench:cpu starts it once per guest and prints the first-run table from it.
Exit status: 0 done, 2 bad arguments, 1 the image cannot be read or booted.
`;
/** Says what is wrong with the arguments, then the usage; the exit status of bad arguments. */
function usageError(message: string): number {
  process.stderr.write(`first-run: ${message}\n${USAGE}`);
  return 2;
}

/** Boots the image `args` names and prints its samples; returns the exit status. */
function main(args: readonly string[]): number {
  const [elfPath, commandLine, extra] = args;
  if (elfPath === "--help" || elfPath === "-h") {
    process.stderr.write(USAGE);
    return 0;
  }
  if (elfPath === undefined) return usageError("no guest image given");
  if (elfPath.startsWith("-")) return usageError(`unexpected argument ${elfPath}`);
  if (extra !== undefined) return usageError(`unexpected argument ${extra}`);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(elfPath));
  } catch (e) {
    process.stderr.write(`first-run: cannot read ${elfPath}: ${(e as NodeJS.ErrnoException).code ?? String(e)} (build the guests with npm run build)\n`);
    return 1;
  }
  try {
    const samples = sampleFirstRun(bytes, elfPath, commandLine, () => process.hrtime.bigint());
    process.stdout.write(`${JSON.stringify({ startupMs, samples })}\n`);
    return 0;
  } catch (e) {
    // A file that is not a bootable image: say why, without a stack.
    process.stderr.write(`${e instanceof Error ? e.message : String(e)} (${elfPath})\n`);
    return 1;
  }
}

applyDevSwitches(process.env, false); // APEXVISOR_REGIONS, APEXVISOR_IDLE_SKIP: as bench:cpu's header says
process.exitCode = main(process.argv.slice(2));
