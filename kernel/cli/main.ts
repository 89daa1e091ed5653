// The `apexvisor` command: parses arguments with yargs and hands each command to its own module in
// ./commands. No logic lives here beyond wiring.
import yargs from "yargs";
import type { Argv } from "yargs";
import { applyDevSwitches } from "./dev-switches";

/** A subcommand module: registers itself on a yargs instance and sets the exit code it ends with. */
export interface CommandModule {
  register(cli: Argv, setExit: (code: number) => void): void;
}

const COMMANDS: readonly string[] = ["validate", "boot", "run", "resume", "snapshot", "test", "bench", "serve", "ctl"];

/** Runs the CLI with `argv` (without node and script) and resolves to the process exit status. */
export async function main(argv: readonly string[]): Promise<number> {
  let exitCode = 0;
  // The developer's switches for every command (APEXVISOR_DUMP_BLOCKS, APEXVISOR_IDLE_SKIP, APEXVISOR_REGIONS).
  applyDevSwitches(process.env);
  const setExit = (code: number): void => {
    exitCode = code;
  };
  const cli = yargs(joinNegativeValues(argv))
    .scriptName("apexvisor")
    .usage("$0 <command> [options]\n\nARINC 653 partitioning hypervisor with its own i386 CPU.")
    .strict()
    .demandCommand(1, "Name a command; `apexvisor --help` lists them.")
    .recommendCommands()
    .help()
    .version()
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((msg, err) => {
      // Throwing stops yargs before any command handler runs; main() turns it into exit status 2.
      throw err ?? new UsageError(msg);
    });
  for (const name of COMMANDS) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(`./commands/${name}`) as CommandModule;
    mod.register(cli, setExit);
  }
  try {
    await cli.parseAsync();
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`apexvisor: ${e.message}\nRun \`apexvisor --help\` for usage.\n`);
    return 2;
  }
  return exitCode;
}

/** `--duration -5ms` → `--duration=-5ms`: a value that looks like a negative number belongs to the
 * option before it (yargs would read it as the short flags -5 -m -s); the command then rejects it. */
export function joinNegativeValues(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = argv[i + 1];
    if (/^--[a-z][a-z0-9-]*$/.test(a) && next !== undefined && /^-[0-9.]/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

/** A command-line usage mistake (unknown option, missing argument): reported once, exit status 2. */
class UsageError extends Error {}
