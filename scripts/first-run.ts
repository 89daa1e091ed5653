// The fresh process of bench:cpu's first-run row: boots one guest image (argv: ELF path, optional command
// line) and prints one JSON line with the host ms from process start to the boot and the per-slice samples
// (kernel/bench/first-run.ts). Started by scripts/bench-cpu.ts; prints nothing else.
import { readFileSync } from "fs";
import { sampleFirstRun } from "../kernel/bench/first-run";

const startupMs = process.uptime() * 1000;
const [elfPath, commandLine] = process.argv.slice(2);
if (elfPath === undefined) {
  process.stderr.write("usage: node dist/scripts/first-run.js GUEST.elf [COMMAND-LINE]\n");
  process.exitCode = 2;
} else {
  const samples = sampleFirstRun(new Uint8Array(readFileSync(elfPath)), elfPath, commandLine, () => process.hrtime.bigint());
  process.stdout.write(`${JSON.stringify({ startupMs, samples })}\n`);
}
