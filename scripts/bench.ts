// `npm run bench`: the same as `apexvisor bench` (kernel/cli/commands/bench.ts), arguments passed through.
import { main } from "../kernel/cli/main";

main(["bench", ...process.argv.slice(2)]).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 70;
  },
);
