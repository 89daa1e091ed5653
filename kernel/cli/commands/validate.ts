// `apexvisor validate FILE.xml`: checks a module configuration with apexvisor's validator and against the
// XSD in partitions/schema/, prints every problem (file:line:column: error: ...) and exits 1, or a short
// summary and exits 0. No checking logic here.
import { join } from "node:path";
import type { Argv } from "yargs";
import { formatDiagnostic, sortDiagnostics, type Diagnostic } from "../../config/diagnostic";
import { loadConfig } from "../../config/load";
import { summarize } from "../../config/summary";
import { checkXsd, type NamedText } from "../../config/xsd-check";
import { utf8Text } from "../../host/files";
import { NODE_FILES, REPO_ROOT } from "../../host/node/node-files";
import { MODULE_XSD, MODULE_XSD_IMPORTS } from "../../module/repo-paths";

function readText(file: string): NamedText | undefined {
  const r = NODE_FILES.read(file);
  return r.ok ? { file, text: utf8Text(r.bytes) } : undefined;
}

/** The XSD diagnostics of `file` (none when the file cannot be read: loadConfig has said so already). */
async function xsdProblems(file: string): Promise<Diagnostic[]> {
  const doc = readText(file);
  if (doc === undefined) return [];
  const main = readText(join(REPO_ROOT, MODULE_XSD));
  const imports = MODULE_XSD_IMPORTS.map((f) => readText(join(REPO_ROOT, f)));
  if (main === undefined || imports.some((i) => i === undefined)) throw new Error(`the XSD files of ${MODULE_XSD} are missing from this installation`);
  return checkXsd([doc], { main, imports: imports.flatMap((i) => (i === undefined ? [] : [i])) });
}

/** XSD problems on lines where apexvisor's validator found nothing (the same mistake is said once, the clearer way). */
export function schemaOnly(own: readonly Diagnostic[], schema: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set(own.map((d) => `${d.pos.file}:${d.pos.line}`));
  return schema.filter((d) => !seen.has(`${d.pos.file}:${d.pos.line}`));
}

/** Registers the validate command. */
export function register(cli: Argv, setExit: (code: number) => void): void {
  cli.command(
    "validate <file>",
    "Check an ARINC 653 module XML file (apexvisor's rules and the XSD) and report every problem at once",
    (y) =>
      y
        .positional("file", { type: "string", describe: "the ARINC_653_Module XML file", demandOption: true })
        .option("xsd", { type: "boolean", default: true, describe: "also check against partitions/schema/apexvisor-653.xsd (--no-xsd to skip)" })
        .epilog("XSD problems carry the line libxml2 reports and the prefix \"XSD:\"; one on a line where apexvisor's own validator already reported a problem is left out (the same mistake, said once).\n\nExit status:\n  0  valid\n  1  invalid (every problem listed)\n  2  bad command-line options"),
    async (args) => {
      // main's yargs fail handler reports usage errors (exit 2) but does not stop the handler: skip
      // the work when the file is missing or extra words follow it.
      if (typeof args.file !== "string" || args._.length > 1) return;
      const result = loadConfig(args.file, NODE_FILES);
      const schema = args.xsd === false ? [] : await xsdProblems(args.file);
      const own = result.ok ? [] : result.errors;
      const errors = sortDiagnostics([...own, ...schemaOnly(own, schema)]);
      if (errors.length === 0 && result.ok) {
        process.stdout.write(summarize(result.config).join("\n") + "\n");
        setExit(0);
      } else {
        process.stderr.write(errors.map(formatDiagnostic).join("\n") + "\n");
        const n = errors.length;
        process.stderr.write(`${n} error${n === 1 ? "" : "s"}\n`);
        setExit(1);
      }
    },
  );
}
