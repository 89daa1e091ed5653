// `apexvisor ctl SOCKET ls|cat|write|watch TREE-PATH [VALUE]`: a client of the control socket that
// `run --control` and `boot --control` serve, so the VM tree reads like a filesystem from a shell.
// Sends one request and prints the answer; watch prints every change until the run ends or ^C.
import { createConnection } from "net";
import type { Argv } from "yargs";
import { LineSplitter } from "../../host/node/json-lines";

/** Exit statuses of `apexvisor ctl`. */
export const CTL_EXIT = { ok: 0, refused: 1, usage: 2, connect: 3 } as const;

interface CtlArgs {
  socket: string;
  op: string;
  path: string;
  value: string | undefined;
}

function print(op: string, value: unknown): void {
  if (op === "ls" && Array.isArray(value)) process.stdout.write(value.map((v) => `${String(v)}\n`).join(""));
  else if (typeof value === "string") process.stdout.write(`${value}\n`);
  else process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

function run(args: CtlArgs, setExit: (code: number) => void): Promise<void> {
  if (!["ls", "cat", "write", "watch"].includes(args.op)) {
    process.stderr.write(`apexvisor ctl: unknown operation ${JSON.stringify(args.op)} (ls, cat, write or watch)\n`);
    setExit(CTL_EXIT.usage);
    return Promise.resolve();
  }
  if ((args.op === "write") !== (args.value !== undefined)) {
    process.stderr.write(`apexvisor ctl: ${args.op === "write" ? "write needs a VALUE" : `${args.op} takes no VALUE`}\n`);
    setExit(CTL_EXIT.usage);
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const s = createConnection(args.socket);
    const lines = new LineSplitter();
    let answered = false;
    s.setEncoding("utf8");
    s.on("connect", () => {
      s.write(`${JSON.stringify({ id: 1, op: args.op, path: args.path, ...(args.value !== undefined ? { value: args.value } : {}) })}\n`);
    });
    s.on("data", (chunk: string) => {
      for (const line of lines.push(chunk)) {
        let msg: Record<string, unknown>;
        try {
          msg = JSON.parse(line) as Record<string, unknown>;
        } catch {
          continue;
        }
        if ("event" in msg) {
          print(args.op, msg["event"]);
          continue;
        }
        answered = true;
        if (msg["ok"] === true) print(args.op, msg["value"]);
        else {
          process.stderr.write(`apexvisor ctl: ${args.path}: ${String(msg["error"])}\n`);
          setExit(CTL_EXIT.refused);
        }
        if (args.op !== "watch" || msg["ok"] !== true) s.end();
      }
    });
    s.on("error", (e: NodeJS.ErrnoException) => {
      if (!answered) {
        process.stderr.write(`apexvisor ctl: cannot reach ${args.socket}: ${e.code ?? e.message}\n`);
        setExit(CTL_EXIT.connect);
      }
      resolve();
    });
    s.on("close", () => resolve());
  });
}

/** Registers `ctl` on the CLI. */
export function register(cli: Argv, setExit: (code: number) => void): void {
  cli.command(
    "ctl <socket> <op> <path> [value]",
    "Read or change a running machine's VM tree through its --control socket (ls, cat, write, watch)",
    (y) =>
      y
        .positional("socket", { type: "string", describe: "the socket given to run/boot --control" })
        .positional("op", { type: "string", describe: "ls | cat | write | watch" })
        .positional("path", { type: "string", describe: "tree path, e.g. /partitions/NAME/cpu/0/regs" })
        .positional("value", { type: "string", describe: "for write: the value, e.g. eax=0x10 or pause" })
        .epilog(
          [
            "Tree: /module (time, schedule, frames, paused; write pause|continue|step-window)",
            "  /partitions/NAME/{mode,stats,hm_log}",
            "  /partitions/NAME/memory/SLOT/{base,size,flags,host,dirty_bitmap}  (write flags: dirty_logging=on|off; reading dirty_bitmap resets it)",
            "  /partitions/NAME/cpu/0/regs  (write NAME=VALUE,... while stopped)",
            "  /partitions/NAME/cpu/0/irq   (write vector=N or line=N)",
            "  /partitions/NAME/cpu/0/debugger  (write pause|continue|step|break ADDR|delete ADDR|watch KIND ADDR LEN|unwatch KIND ADDR LEN)",
            "A `boot` machine appears as /partitions/boot.",
            "",
            "Exit status: 0 done, 1 the machine refused (the message says why), 2 bad options, 3 socket unreachable.",
          ].join("\n"),
        ),
    (argv) => run(argv as unknown as CtlArgs, setExit),
  );
}
