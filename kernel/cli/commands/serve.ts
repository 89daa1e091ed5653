// `apexvisor serve [MODULE.xml]`: serves the schedule page (build/web/, from `npm run build:web`) and the
// module's files on this machine, so a browser runs the module with the same kernel, in a Web Worker.
// The server and the file list are kernel/cli/serve/; this file parses, checks and prints.
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Argv } from "yargs";
import { NODE_HOST, REPO_ROOT } from "../../host/node/node-files";
import { collectModuleFiles } from "../serve/module-files";
import { pageServer } from "../serve/http-server";

/** Exit statuses of `apexvisor serve` (it runs until stopped when all is well). */
export const SERVE_EXIT = { invalid: 1, usage: 2, notBuilt: 3, loadError: 4, listen: 5 } as const;

const EPILOG = `Open the printed address in a browser. The page loads the module, runs it in virtual time in a Web Worker (run, pause, step a window or a frame, run N frames), draws the schedule as a timeline and shows each partition's console, its modes and HM events, port traffic and statistics; it can export the Chrome trace. Its consoles print exactly what \`apexvisor run\` prints. Drop another module's XML with its images on the page to load that one instead.

Only the page and the module's own files are served, to 127.0.0.1 unless --host says otherwise.

Exit status (it runs until interrupted otherwise):
  ${SERVE_EXIT.invalid}  the XML is invalid
  ${SERVE_EXIT.usage}  bad command-line options
  ${SERVE_EXIT.notBuilt}  the page is not built (npm run build:web)
  ${SERVE_EXIT.loadError}  an image or libpv cannot be read
  ${SERVE_EXIT.listen}  the address cannot be listened on (port in use?)`;

interface ServeArgs {
  module: string | undefined;
  port: number;
  host: string;
}

function execute(args: ServeArgs, setExit: (code: number) => void): Promise<void> {
  if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535) {
    process.stderr.write(`apexvisor serve: --port must be 0..65535, got ${args.port}\n`);
    setExit(SERVE_EXIT.usage);
    return Promise.resolve();
  }
  const xml = args.module ?? join(REPO_ROOT, "partitions", "demo", "module.xml");
  const files = collectModuleFiles(xml, NODE_HOST);
  if (!files.ok) {
    process.stderr.write(`${files.message}\napexvisor serve: ${xml}: ${files.kind === "invalid" ? "the module is invalid" : "a file the module needs cannot be read"}; nothing is served\n`);
    setExit(files.kind === "invalid" ? SERVE_EXIT.invalid : SERVE_EXIT.loadError);
    return Promise.resolve();
  }
  const webDir = join(REPO_ROOT, "build", "web");
  if (!existsSync(join(webDir, "worker.js"))) {
    process.stderr.write(`apexvisor serve: the page is not built; run \`npm run build:web\`\n`);
    setExit(SERVE_EXIT.notBuilt);
    return Promise.resolve();
  }
  const server = pageServer(webDir, files);
  return new Promise((resolve) => {
    server.once("error", (e: NodeJS.ErrnoException) => {
      process.stderr.write(`apexvisor serve: cannot listen on ${args.host}:${args.port}: ${e.code ?? e.message}\n`);
      setExit(SERVE_EXIT.listen);
      resolve();
    });
    server.listen(args.port, args.host, () => {
      const a = server.address();
      const port = typeof a === "object" && a !== null ? a.port : args.port;
      process.stdout.write(`apexvisor serve: http://${args.host}:${port}/ (module ${xml}, ${files.files.length} files); Ctrl-C stops\n`);
      resolve();
    });
  });
}

/** Registers the serve command. */
export function register(cli: Argv, setExit: (code: number) => void): void {
  cli.command(
    "serve [module]",
    "Serve the schedule page: run a module in the browser on the same kernel, watch its timeline",
    (y) =>
      y
        .positional("module", { type: "string", describe: "the ARINC_653_Module XML file (default: the bundled demo)" })
        .option("port", { type: "number", default: 8080, describe: "TCP port (0 picks a free one)" })
        .option("host", { type: "string", default: "127.0.0.1", describe: "address to listen on (localhost only by default)" })
        .epilog(EPILOG),
    (args) => execute(args as unknown as ServeArgs, setExit),
  );
}
