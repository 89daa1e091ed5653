// `apexvisor validate FILE.xml`: checks a module configuration and prints every problem
// (file:line:column: error: ...) and exit 1, or a short summary and exit 0. No checking logic here.
import type { Argv } from "yargs";
import { formatDiagnostic } from "../../config/diagnostic";
import { loadConfig } from "../../config/load";
import { summarize } from "../../config/summary";
import { NODE_FILES } from "../../host/node/node-files";

/** Registers the validate command. */
export function register(cli: Argv, setExit: (code: number) => void): void {
  cli.command(
    "validate <file>",
    "Check an ARINC 653 module XML file and report every problem at once",
    (y) => y.positional("file", { type: "string", describe: "the ARINC_653_Module XML file", demandOption: true }),
    (args) => {
      // main's yargs fail handler reports usage errors (exit 2) but does not stop the handler: skip
      // the work when the file is missing or extra words follow it.
      if (typeof args.file !== "string" || args._.length > 1) return;
      const result = loadConfig(args.file, NODE_FILES);
      if (result.ok) {
        process.stdout.write(summarize(result.config).join("\n") + "\n");
        setExit(0);
      } else {
        process.stderr.write(result.errors.map(formatDiagnostic).join("\n") + "\n");
        const n = result.errors.length;
        process.stderr.write(`${n} error${n === 1 ? "" : "s"}\n`);
        setExit(1);
      }
    },
  );
}
