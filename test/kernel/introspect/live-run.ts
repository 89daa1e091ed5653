// Test helper: starts `apexvisor boot|run ...` as a child process, collects its output, waits for text,
// and runs `apexvisor ctl` against its control socket. Every wait is bounded.
import { spawn, spawnSync, type ChildProcess } from "child_process";
import { existsSync } from "fs";
import { createConnection } from "net";
import { join } from "path";
import { scratchDir } from "../../support/scratch-dir";

/** Repository root (tests run from dist/test/...). */
export const REPO_ROOT = join(__dirname, "..", "..", "..", "..");
export const CLI = join(REPO_ROOT, "bin", "apexvisor.js");
/** The gcc -O0 -g Multiboot kernel of test/kernel/introspect/guests. */
export const GDB_TARGET_ELF = join(REPO_ROOT, "build", "guests", "test", "kernel", "introspect", "guests", "gdb-target-O0.elf");

/** Throws with the fix when the guest image is missing. */
export function needGuest(): void {
  if (!existsSync(GDB_TARGET_ELF)) throw new Error(`${GDB_TARGET_ELF} is missing: run \`npm run build:guests\``);
}

/** A fresh socket path in a private temporary folder. */
export function socketPath(): string {
  return join(scratchDir("apexvisor-ctl-"), "m.sock");
}

/** A running apexvisor child. */
export class LiveRun {
  readonly child: ChildProcess;
  out = "";
  err = "";
  status: number | null = null;
  private readonly done: Promise<number | null>;

  constructor(args: string[]) {
    this.child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    this.child.stdout!.on("data", (b: Buffer) => (this.out += b.toString("latin1")));
    this.child.stderr!.on("data", (b: Buffer) => (this.err += b.toString("latin1")));
    this.done = new Promise((resolve) => this.child.on("exit", (code) => resolve((this.status = code))));
  }

  /** Resolves when stdout or stderr matches `re`; rejects after `ms`. */
  async waitFor(re: RegExp, ms = 20_000): Promise<void> {
    const until = Date.now() + ms;
    while (!re.test(this.out) && !re.test(this.err)) {
      if (this.status !== null || Date.now() > until) throw new Error(`no ${re} (status ${this.status}); stdout: ${this.out}\nstderr: ${this.err}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Resolves with the exit status; kills the child after `ms`. */
  async exit(ms = 30_000): Promise<number | null> {
    const t = setTimeout(() => this.child.kill(), ms);
    const s = await this.done;
    clearTimeout(t);
    return s;
  }

  kill(): void {
    if (this.status === null) this.child.kill();
  }
}

/** Runs `apexvisor ctl SOCKET ...args` and returns its output and status. */
export function ctl(socket: string, ...args: string[]): { out: string; err: string; status: number | null } {
  const r = spawnSync(process.execPath, [CLI, "ctl", socket, ...args], { encoding: "utf8", timeout: 20_000 });
  return { out: r.stdout, err: r.stderr, status: r.status };
}

/** `ctl cat` parsed as JSON (throws with the message when refused). */
export function ctlCat(socket: string, path: string): unknown {
  const r = ctl(socket, "cat", path);
  if (r.status !== 0) throw new Error(`ctl cat ${path}: ${r.err}`);
  return JSON.parse(r.out);
}

/** One request on the control socket, in process (faster than spawning `ctl`): the JSON reply. */
export function request(socket: string, op: string, path: string, value?: string): Promise<{ ok: boolean; value?: unknown; error?: string }> {
  return new Promise((resolve, reject) => {
    const s = createConnection(socket);
    let buf = "";
    s.setEncoding("utf8");
    s.on("connect", () => s.write(`${JSON.stringify({ id: 7, op, path, ...(value !== undefined ? { value } : {}) })}\n`));
    s.on("data", (c: string) => {
      buf += c;
      const nl = buf.indexOf("\n");
      if (nl < 0) return;
      s.end();
      resolve(JSON.parse(buf.slice(0, nl)) as { ok: boolean; value?: unknown; error?: string });
    });
    s.on("error", reject);
  });
}
