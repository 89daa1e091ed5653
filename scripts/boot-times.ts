// The fresh process of bench:cpu's emulator side (--processes): boots one guest image RUNS times in this process
// and prints one JSON line, kernel/bench/cpu-bench.ts BootTimes (host ms of each boot, instructions, console
// output, how it ended). Started by kernel/bench/cpu-bench.ts; prints nothing else.
import { existsSync } from "fs";
import { timeBoots } from "../kernel/bench/cpu-bench";
import { applyDevSwitches } from "../kernel/cli/dev-switches";

const USAGE = `usage: node dist/scripts/boot-times.js GUEST.elf RUNS [COMMAND-LINE]
  Boots GUEST.elf (a Multiboot image, e.g. build/guests/test/programs/bench/bench-crc-O2.elf) RUNS times (1..100)
  in this fresh process and prints one JSON line: {"instructions", "ms", "stdouts", "end"} (one output per boot; "end"
  is empty when every boot reported success). npm run bench:cpu starts it --processes times per guest.
Exit status: 0 done, 2 bad arguments, 1 the image cannot be read or booted.
`;

function usageError(message: string): number {
  process.stderr.write(`boot-times: ${message}\n${USAGE}`);
  return 2;
}

function main(args: readonly string[]): number {
  const [elfPath, runsArg, commandLine, extra] = args;
  if (elfPath === "--help" || elfPath === "-h") {
    process.stderr.write(USAGE);
    return 0;
  }
  if (elfPath === undefined || runsArg === undefined) return usageError("a guest image and a run count are needed");
  if (extra !== undefined) return usageError(`unexpected argument ${extra}`);
  const runs = Number(runsArg);
  if (!Number.isInteger(runs) || runs < 1 || runs > 100) return usageError(`RUNS must be 1..100, not ${runsArg}`);
  if (!existsSync(elfPath)) {
    process.stderr.write(`boot-times: cannot read ${elfPath}: no such file (build the guests with npm run build)\n`);
    return 1;
  }
  try {
    const t = timeBoots(elfPath, runs, commandLine);
    if (t.instructions === 0 && t.end !== "") {
      // Nothing ran: not a bootable image (a guest that failed after running reports its end in the JSON).
      process.stderr.write(`boot-times: ${t.end} (${elfPath})\n`);
      return 1;
    }
    process.stdout.write(`${JSON.stringify(t)}\n`);
    return 0;
  } catch (e) {
    process.stderr.write(`boot-times: ${e instanceof Error ? e.message : String(e)} (${elfPath})\n`);
    return 1;
  }
}

applyDevSwitches(process.env, false); // APEXVISOR_REGIONS, APEXVISOR_IDLE_SKIP: as bench:cpu's header says
process.exitCode = main(process.argv.slice(2));
