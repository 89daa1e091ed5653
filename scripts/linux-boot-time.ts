// Boot time of Debian's i386 kernels to the busybox prompt (build/linux/, `npm run fetch:linux`): apexvisor's
// guest instructions, guest time and host seconds beside qemu-system-i386 -kernel (TCG) on the same files, then
// the console messages apexvisor prints and QEMU does not. Host seconds: wall time (inflated by other load on
// the machine) and the process's CPU time (user + system; QEMU's from /proc, all its threads).
// Usage: node dist/scripts/linux-boot-time.js [--flavours 686,rt-686-pae] [--append "console=ttyS0 acpi=off"] [--memory 128]
//        [--only apexvisor|qemu] (QEMU rows are skipped with a message when qemu-system-i386 is absent)
import { spawn, spawnSync } from "child_process";
import { existsSync, readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { REPO_ROOT } from "../kernel/host/node/node-files";
import { BootSession } from "../kernel/machine/pc-boot";
import { linuxCacheFiles } from "./linux/cache";
import { ALARMING, messagesOnlyIn } from "./linux/console-diff";

/** The shell's prompt at the end of the console, possibly followed by busybox's cursor-position query. */
const PROMPT = /\/ # (\x1b\[6n)?$/;
const INIT = "Run /init as init process";
/** No boot of these kernels comes near this; a bound so a broken build cannot run forever. */
const MAX_INSTRUCTIONS = 30_000_000_000;
const QEMU_TIMEOUT_MS = 600_000;

interface Row {
  flavour: string;
  who: "apexvisor" | "qemu";
  /** Guest instructions to the prompt (QEMU's TCG does not count them). */
  instructions: number | null;
  /** The kernel's own clock (printk stamp) at "Run /init". */
  initStamp: string;
  hostSeconds: number;
  /** CPU seconds (user + system), null where /proc cannot tell. */
  cpuSeconds: number | null;
  log: string;
}

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
}

function usage(message: string): never {
  process.stderr.write(`linux-boot-time: ${message}\nusage: node dist/scripts/linux-boot-time.js [--flavours 686,rt-686-pae] [--append TEXT] [--memory MiB] [--only apexvisor|qemu]\n`);
  process.exit(2);
}

const stampAt = (log: string, text: string): string => {
  const line = log.split("\n").find((l) => l.includes(text));
  return /^\[\s*(\d+\.\d+)\]/.exec(line ?? "")?.[1] ?? "-";
};

function bootApexvisor(flavour: string, kernel: string, initrd: string, append: string, memMiB: number): Row {
  const out: string[] = [];
  const dec = new TextDecoder("latin1");
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const created = BootSession.create({
    elf: new Uint8Array(readFileSync(kernel)),
    elfPath: kernel,
    memoryBytes: memMiB << 20,
    commandLine: append,
    modules: [{ data: new Uint8Array(readFileSync(initrd)), string: initrd }],
    stdout: (b) => out.push(dec.decode(b, { stream: true })),
    maxInstructions: MAX_INSTRUCTIONS,
  });
  if (!created.ok) usage(`${kernel}: ${created.message}`);
  const s = created.session;
  let log = "";
  for (;;) {
    const r = s.slice();
    log = out.join("");
    if (log.includes(INIT) && PROMPT.test(log)) break;
    if (r !== null) {
      process.stderr.write(`linux-boot-time: apexvisor's ${flavour} boot ended before the prompt: ${JSON.stringify(r === "paused" ? r : r.end)}\n`);
      process.exit(1);
    }
  }
  const hostSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return { flavour, who: "apexvisor", instructions: s.pc.cpu.instructions, initStamp: stampAt(log, INIT), hostSeconds, cpuSeconds, log };
}

/** utime + stime of a live process (all threads) from /proc/PID/stat, at the usual 100 ticks per second; null off Linux. */
function procCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // fields from 3 (state) on
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

/**
 * QEMU with the console in a file (on a pipe its -serial stdio drops bytes when the reader falls behind, which
 * garbles the log on a loaded machine), watched until the prompt shows, then stopped.
 */
function bootQemu(flavour: string, kernel: string, initrd: string, append: string, memMiB: number, logPath: string): Promise<Row> {
  return new Promise((resolve, reject) => {
    writeFileSync(logPath, "");
    const args = ["-kernel", kernel, "-initrd", initrd, "-append", append, "-m", `${memMiB}M`, "-serial", `file:${logPath}`, "-display", "none", "-monitor", "none", "-no-reboot"];
    const t0 = process.hrtime.bigint();
    const q = spawn("qemu-system-i386", args, { stdio: ["ignore", "ignore", "inherit"] });
    let done = false;
    const finish = (row: Row | Error): void => {
      done = true;
      clearInterval(watch);
      clearTimeout(timer);
      q.kill("SIGKILL");
      if (row instanceof Error) reject(row);
      else resolve(row);
    };
    const watch = setInterval(() => {
      const log = readFileSync(logPath, "latin1");
      if (done || !log.includes(INIT) || !PROMPT.test(log)) return;
      const hostSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
      const cpuSeconds = q.pid === undefined ? null : procCpuSeconds(q.pid);
      finish({ flavour, who: "qemu", instructions: null, initStamp: stampAt(log, INIT), hostSeconds, cpuSeconds, log });
    }, 100);
    const timer = setTimeout(() => finish(new Error(`qemu-system-i386 did not reach the ${flavour} prompt in ${QEMU_TIMEOUT_MS / 1000} s`)), QEMU_TIMEOUT_MS);
    q.on("exit", () => {
      if (!done) finish(new Error(`qemu-system-i386 ended before the ${flavour} prompt:\n${readFileSync(logPath, "latin1").slice(-1000)}`));
    });
  });
}

async function main(): Promise<void> {
  const files = linuxCacheFiles(REPO_ROOT);
  const kernels: Record<string, string> = { "686": files.kernel686, "rt-686-pae": files.kernelRt };
  const flavours = (option("flavours") ?? "686,rt-686-pae").split(",");
  for (const f of flavours) if (kernels[f] === undefined) usage(`unknown flavour ${JSON.stringify(f)} (686, rt-686-pae)`);
  const append = option("append") ?? "console=ttyS0 acpi=off";
  const memMiB = Number(option("memory") ?? "128");
  if (!Number.isInteger(memMiB) || memMiB < 16 || memMiB > 512) usage("--memory takes MiB, 16 to 512");
  for (const f of [...flavours.map((f) => kernels[f]!), files.initrd]) {
    if (!existsSync(f)) {
      process.stderr.write(`linux-boot-time: ${f} is missing; run \`npm run fetch:linux\` first\n`);
      process.exit(1);
    }
  }
  const only = option("only");
  if (only !== undefined && only !== "apexvisor" && only !== "qemu") usage("--only takes apexvisor or qemu");
  const qemu = only !== "apexvisor" && spawnSync("qemu-system-i386", ["--version"]).status === 0;
  if (!qemu) console.log(only === "apexvisor" ? "QEMU left out (--only apexvisor)" : "qemu-system-i386 not found: QEMU rows skipped");
  console.log(`append: ${append}, memory ${memMiB} MiB, initrd ${files.initrd}`);
  const rows: Row[] = [];
  for (const f of flavours) {
    const kernel = kernels[f]!;
    const logOf = (who: string): string => join(REPO_ROOT, "build", "linux", `boot-time-${f}-${who}.log`);
    if (only !== "qemu") {
      const r = bootApexvisor(f, kernel, files.initrd, append, memMiB);
      writeFileSync(logOf(r.who), r.log, "latin1");
      rows.push(r);
    }
    if (qemu) rows.push(await bootQemu(f, kernel, files.initrd, append, memMiB, logOf("qemu")));
  }
  console.log("\nflavour     | run       | instructions to prompt | kernel clock at Run /init | wall s to prompt | CPU s to prompt");
  console.log("------------|-----------|------------------------|---------------------------|------------------|----------------");
  for (const r of rows) {
    const ins = r.instructions === null ? "not counted (TCG)" : `${(r.instructions / 1e9).toFixed(3)} G`;
    console.log(`${r.flavour.padEnd(11)} | ${r.who.padEnd(9)} | ${ins.padStart(22)} | ${`${r.initStamp} s`.padStart(25)} | ${r.hostSeconds.toFixed(1).padStart(16)} | ${(r.cpuSeconds === null ? "-" : r.cpuSeconds.toFixed(1)).padStart(14)}`);
  }
  for (const f of flavours) {
    const ours = rows.find((r) => r.flavour === f && r.who === "apexvisor");
    const ref = rows.find((r) => r.flavour === f && r.who === "qemu");
    if (ours === undefined || ref === undefined) continue;
    const only = messagesOnlyIn(ours.log, ref.log);
    console.log(`\n${f}: ${only.length} console messages in apexvisor's log and not QEMU's (numbers ignored; ! = looks alarming):`);
    for (const l of only) console.log(`${ALARMING.test(l) ? "!" : " "} ${l}`);
  }
  console.log(`\nlogs: build/linux/boot-time-FLAVOUR-{apexvisor,qemu}.log`);
}

main().catch((e: unknown) => {
  process.stderr.write(`linux-boot-time: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
