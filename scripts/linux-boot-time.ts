// Boot time of Debian's i386 kernels to the busybox prompt (build/linux/, `npm run fetch:linux`): apexvisor's
// guest instructions, guest time and host seconds beside qemu-system-i386 -kernel (TCG) on the same files, then
// the console messages apexvisor prints and QEMU does not. Host seconds: wall time (inflated by other load on
// the machine) and the process's CPU time (user + system; QEMU's from /proc, all its threads).
// Usage: node dist/scripts/linux-boot-time.js [--flavours 686,rt-686-pae] [--append "console=ttyS0 acpi=off"] [--memory 128] [--no-qemu]
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
  process.stderr.write(`linux-boot-time: ${message}\nusage: node dist/scripts/linux-boot-time.js [--flavours 686,rt-686-pae] [--append TEXT] [--memory MiB] [--no-qemu]\n`);
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

/** QEMU with the console on stdio (nothing typed), stopped as soon as the prompt shows. */
function bootQemu(flavour: string, kernel: string, initrd: string, append: string, memMiB: number): Promise<Row> {
  return new Promise((resolve, reject) => {
    const args = ["-kernel", kernel, "-initrd", initrd, "-append", append, "-m", `${memMiB}M`, "-serial", "stdio", "-display", "none", "-monitor", "none", "-no-reboot"];
    const t0 = process.hrtime.bigint();
    const q = spawn("qemu-system-i386", args, { stdio: ["pipe", "pipe", "inherit"] });
    let log = "";
    let done = false;
    const timer = setTimeout(() => q.kill("SIGKILL"), QEMU_TIMEOUT_MS);
    q.stdout.setEncoding("latin1");
    q.stdout.on("data", (d: string) => {
      log += d;
      if (!done && log.includes(INIT) && PROMPT.test(log)) {
        done = true;
        const hostSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
        const cpuSeconds = q.pid === undefined ? null : procCpuSeconds(q.pid);
        clearTimeout(timer);
        q.kill("SIGKILL");
        resolve({ flavour, who: "qemu", instructions: null, initStamp: stampAt(log, INIT), hostSeconds, cpuSeconds, log });
      }
    });
    q.on("exit", () => {
      clearTimeout(timer);
      if (!done) reject(new Error(`qemu-system-i386 ended before the ${flavour} prompt:\n${log.slice(-1000)}`));
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
  const qemu = !process.argv.includes("--no-qemu") && spawnSync("qemu-system-i386", ["--version"]).status === 0;
  if (!qemu) console.log(process.argv.includes("--no-qemu") ? "QEMU left out (--no-qemu)" : "qemu-system-i386 not found: QEMU rows skipped");
  console.log(`append: ${append}, memory ${memMiB} MiB, initrd ${files.initrd}`);
  const rows: Row[] = [];
  for (const f of flavours) {
    const kernel = kernels[f]!;
    rows.push(bootApexvisor(f, kernel, files.initrd, append, memMiB));
    if (qemu) rows.push(await bootQemu(f, kernel, files.initrd, append, memMiB));
    for (const r of rows.filter((r) => r.flavour === f)) writeFileSync(join(REPO_ROOT, "build", "linux", `boot-time-${f}-${r.who}.log`), r.log, "latin1");
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
