// `apexvisor boot --kernel FILE.elf`: boots one Multiboot v1 kernel on an emulated PC, as
// `qemu-system-i386 -kernel FILE -serial stdio -device isa-debug-exit,iobase=0xf4,iosize=4` would.
// Parses options, reads the files, calls bootMultiboot, prints the ending; the machine lives in kernel/machine.
import { INPUT_LIMITS, readFailure, readLimited } from "../../host/node/read-limited";
import { stdinSource } from "../console-input";
import type { Argv } from "yargs";
import type { BootModule } from "../../loader/multiboot-info";
import { ByteSanitizer } from "../../module/console-sanitize";
import { STDOUT_CLOSED_EXIT, stopIfStdoutClosed } from "../stdout-closed";
import { parseGdbAddress } from "../../host/node/gdb-server";
import { serveBoot } from "../../introspect/boot-driver";
import { bootMultiboot, BootSession, resumeBoot, type BootEnd, type BootMachineParams, type BootOptions, type BootResult } from "../../machine/pc-boot";
import { readSnapshotFile, writeSnapshotFile } from "../../host/node/snapshot-io";
import { NODE_FILES } from "../../host/node/node-files";
import { nodeDiskWriteBack } from "../../host/node/node-disk-writer";
import { openDisk } from "../../disk/disk-image";
import type { Json, SnapshotBase } from "../../snapshot/snapshot-file";
import { dumpBlocksToStderr } from "../dump-blocks";

/** Largest and smallest RAM `--memory` accepts. */
export const MAX_MEMORY_BYTES = 512 * 1024 * 1024;
export const MIN_MEMORY_BYTES = 2 * 1024 * 1024;
const DEFAULT_MEMORY = "64M";

/**
 * Exit statuses of `apexvisor boot` other than the guest's own. All even, so they never collide with an
 * isa-debug-exit status, which is always odd ((v << 1) | 1).
 */
export const BOOT_EXIT = { usage: 2, loadError: 4, tripleFault: 6, halted: 8, instructionLimit: 10, snapshot: 12, reset: 14 } as const;

/** Result of parsing a `--memory` value. */
export type MemorySizeResult = { readonly ok: true; readonly bytes: number } | { readonly ok: false; readonly message: string };

const UNIT: Record<string, number> = { "": 1024 * 1024, K: 1024, M: 1024 * 1024, G: 1024 * 1024 * 1024 };

/** Parses "64M", "512M", "1G", "65536K" or a bare number of MiB (as QEMU's -m does). */
export function parseMemorySize(text: string): MemorySizeResult {
  const m = /^\s*(\d+)\s*([KMG]?)(?:i?B)?\s*$/i.exec(text);
  if (m === null) return { ok: false, message: `--memory ${JSON.stringify(text)}: expected a size such as 64M, 512M or 1G` };
  const bytes = Number(m[1]) * (UNIT[(m[2] ?? "").toUpperCase()] ?? 0);
  if (bytes > MAX_MEMORY_BYTES) return { ok: false, message: `--memory ${text}: at most 512M of guest RAM is supported` };
  if (bytes < MIN_MEMORY_BYTES) return { ok: false, message: `--memory ${text}: at least 2M of guest RAM is needed (the kernel loads at 1 MiB)` };
  if (bytes % 4096 !== 0) return { ok: false, message: `--memory ${text}: must be a whole number of 4 KiB pages` };
  return { ok: true, bytes };
}

/** One `--initrd` entry: the file to read and the module string the guest sees. */
export interface InitrdEntry {
  readonly path: string;
  readonly string: string;
}

/** Splits `--initrd "FILE ARGS,FILE2"` as QEMU does for Multiboot: the module string is the whole entry. */
export function parseInitrd(text: string): InitrdEntry[] {
  return text
    .split(",")
    .map((e) => e.trim())
    .filter((e) => e.length > 0)
    .map((e) => ({ path: e.split(/\s+/)[0] ?? e, string: e }));
}

/** The process exit status for a run's ending (a debug-exit status is truncated to 8 bits, as by exit(3)). */
export function exitStatusOf(end: BootEnd): number {
  switch (end.kind) {
    case "debugExit":
      return end.status & 0xff;
    case "loadError":
      return BOOT_EXIT.loadError;
    case "tripleFault":
      return BOOT_EXIT.tripleFault;
    case "halted":
      return BOOT_EXIT.halted;
    case "instructionLimit":
      return BOOT_EXIT.instructionLimit;
    case "reset":
      return BOOT_EXIT.reset;
    case "userQuit":
      return 0;
    default: {
      const never: never = end;
      throw new Error(`unknown ending ${JSON.stringify(never)}`);
    }
  }
}

/** The one line for stderr that explains an ending, or null when the guest chose it (debug-exit). */
export function describeEnd(r: BootResult, kernel: string): string | null {
  const end = r.end;
  switch (end.kind) {
    case "debugExit":
      return null;
    case "loadError":
      return `apexvisor boot: ${kernel}: ${end.message}`;
    case "tripleFault":
      return `apexvisor boot: machine reset: triple fault at eip 0x${end.eip.toString(16)} after ${r.instructions} instructions (--reboot boots again)`;
    case "reset":
      return `apexvisor boot: machine reset: ${end.cause} after ${r.instructions} instructions (--reboot boots again)`;
    case "userQuit":
      return "apexvisor boot: terminated by Ctrl-A x";
    case "halted":
      return `apexvisor boot: guest halted: ${end.reason} after ${r.instructions} instructions`;
    case "instructionLimit":
      return `apexvisor boot: stopped at the instruction limit (${r.instructions} instructions)`;
    default: {
      const never: never = end;
      throw new Error(`unknown ending ${JSON.stringify(never)}`);
    }
  }
}

const EPILOG = [
  "Machine: i386 PC with RAM from --memory, COM1 16550A at 0x3f8 (IRQ4) to stdout, 8259A PICs at 0x20/0xa0, 8254 PIT at 0x40 (IRQ0), isa-debug-exit at 0xf4 (iosize 4).",
  "",
  'Entry state per the Multiboot spec: EAX=0x2BADB002, EBX=Multiboot info (memory sizes and map, command line "KERNEL APPEND", loader name), flat 32-bit segments, paging off, interrupts off.',
  "",
  "A Linux bzImage (\"HdrS\" at 0x202, as QEMU decides) boots by the Linux 32-bit boot protocol instead: protected-mode kernel at 0x100000, boot_params",
  "(E820 map from --memory, command line = --append alone, initrd = the --initrd files concatenated, placed high) at 0x10000 in ESI,",
  "GDT with flat __BOOT_CS 0x10 / __BOOT_DS 0x18, paging and interrupts off. Example: --kernel vmlinuz --initrd initrd.gz --memory 128M --append \"console=ttyS0\"",
  "(npm run fetch:linux fetches Debian's kernels and builds that initrd under build/linux/).",
  "",
  "Time is virtual (one instruction = one cycle at 100 MHz): the same kernel and input give the same output on any machine.",
  "",
  "The module list is empty unless --initrd names files.",
  "",
  "Disk: --drive FILE adds an ATA (IDE) PIO controller, primary channel (0x1f0-0x1f7, 0x3f6, IRQ14), with FILE as its master disk (LBA28, READ/WRITE SECTORS and MULTIPLE, IDENTIFY). Writes stay in memory (the file is never changed) unless --persist, which writes them back when the run ends, whatever the ending.",
  "",
  "Input: stdin goes to COM1's receiver and to the PS/2 keyboard (i8042 at 0x60/0x64, IRQ1, scan code set 1) as a serial line delivers it:",
  "one byte per character time of COM1's baud rate and frame format, in virtual time, while the guest asserts DTR and RTS and,",
  "once it used the receive interrupt, keeps that on (the keyboard: once the guest used the controller). A pipe or file is read as a stream and keeps runs",
  "deterministic; a terminal is put in raw mode (the one non-deterministic input; Ctrl-A x quits, Ctrl-A a sends Ctrl-A).",
  "A Linux bzImage reads its console from COM1 (console=ttyS0) and gets no keys on the keyboard, as with QEMU -serial stdio.",
  "A snapshot records how many bytes of stdin the guest had read (with their SHA-256) and where the line's pacing stood.",
  "--restore takes stdin to be the same input given again from its start (the same file, or the same command piped in):",
  "it skips the bytes the saved run read, after checking them, and goes on from there, so a cut never changes what the",
  "guest receives; a different input is refused (exit 12). --fresh-input feeds stdin as new input from the restored",
  "instant instead (type at a shell saved at its prompt); a terminal is always new input.",
  "",
  "Resets (triple fault, i8042 reset line, port 0xCF9) end the run with a line on stderr, as QEMU -no-reboot; --reboot boots again.",
  "--reboot is refused with --gdb or --control: a reboot builds a new machine (vCPU, RAM, devices) while the gdb stub, its",
  "breakpoints and the VM tree stay bound to the first one, so a debugger would silently watch a dead machine. Debug a",
  "reset without --reboot: the run stops at the reset (gdb sees the process exit) with the cause on stderr.",
  "",
  "Exit status:",
  "  (v << 1) | 1  the guest wrote v to port 0xf4 (low 8 bits, as QEMU; always odd)",
  `  ${BOOT_EXIT.usage}             bad command-line options`,
  `  ${BOOT_EXIT.loadError}             kernel file unreadable, not an i386 ELF/Multiboot kernel or bzImage, or too big for RAM`,
  `  ${BOOT_EXIT.tripleFault}             triple fault (without --reboot)`,
  `  ${BOOT_EXIT.reset}            the guest reset the machine through the i8042 or port 0xCF9 (without --reboot)`,
  "  0             Ctrl-A x typed on the terminal",
  `  ${BOOT_EXIT.halted}             the CPU halted for good (cli; hlt, or hlt with no interrupt source left)`,
  `  ${BOOT_EXIT.instructionLimit}            --max-instructions reached`,
  `  ${BOOT_EXIT.snapshot}            --restore: the snapshot is unreadable, corrupt, of another version or edited; --save: cannot write it, or the guest ended before --save-at-instructions`,
  `  ${STDOUT_CLOSED_EXIT}           stdout's reader went away (e.g. | head): the boot stops there`,
  "",
  "Suspend and resume: --save-at-instructions N --save FILE stops after N instructions and writes the whole machine",
  "(RAM, vCPU, every device) to FILE, an ELF32 core (gdb KERNEL FILE shows its registers and memory); exit status 0.",
  "--restore FILE continues it in a fresh process; --max-instructions then counts from the original boot.",
  "--restore FILE --save-at-instructions M --save FILE2 saves again; add --incremental to store only the RAM pages",
  "written since FILE (a delta naming FILE by its checksum; --restore FILE2 then needs FILE next to it).",
  "Every ending but debug-exit prints one line on stderr.",
  "",
  "Debugging: --gdb 127.0.0.1:1234 waits for `gdb -ex 'target remote :1234' KERNEL` before the first instruction",
  "(as qemu-system-i386 -gdb tcp::1234 -S); --control m.sock serves the VM tree to `apexvisor ctl m.sock ...`.",
].join("\n");

interface BootArgs {
  kernel: string | undefined;
  "save-at-instructions": number | undefined;
  save: string | undefined;
  restore: string | undefined;
  incremental: boolean;
  initrd: string | undefined;
  memory: string;
  append: string;
  "max-instructions": number | undefined;
  e9: string;
  "raw-console": boolean;
  reboot: boolean;
  gdb: string | undefined;
  control: string | undefined;
  paused: boolean;
  drive: string | undefined;
  persist: boolean;
  "dump-blocks": boolean;
  "fresh-input": boolean;
}

/**
 * The guest's serial output on stdout: on a terminal rendered safely (escape sequences visible), on a
 * pipe raw, as QEMU gives it. When the pipe's reader goes away the boot ends there, quietly, after
 * `cleanup` (a terminal in raw mode is restored).
 */
function serialToStdout(args: BootArgs, cleanup: () => void): (bytes: Uint8Array) => void {
  const safe = process.stdout.isTTY === true && !args["raw-console"] ? new ByteSanitizer() : undefined;
  return (bytes) => {
    process.stdout.write(safe === undefined ? bytes : safe.filter(bytes));
    stopIfStdoutClosed(cleanup);
  };
}

function run(args: BootArgs, setExit: (code: number) => void): void | Promise<void> {
  if (args["dump-blocks"]) dumpBlocksToStderr();
  const gdb = args.gdb === undefined ? undefined : parseGdbAddress(args.gdb);
  if (gdb !== undefined && !gdb.ok) {
    process.stderr.write(`apexvisor boot: ${gdb.message}\n`);
    setExit(BOOT_EXIT.usage);
    return;
  }
  const mem = parseMemorySize(args.memory);
  if (!mem.ok) {
    process.stderr.write(`apexvisor boot: ${mem.message}\n`);
    setExit(BOOT_EXIT.usage);
    return;
  }
  const max = args["max-instructions"];
  if (max !== undefined && (!Number.isSafeInteger(max) || max <= 0)) {
    process.stderr.write(`apexvisor boot: --max-instructions must be a positive integer, got ${max}\n`);
    setExit(BOOT_EXIT.usage);
    return;
  }
  if (args.incremental && (args.restore === undefined || args.save === undefined)) {
    process.stderr.write("apexvisor boot: --incremental needs --restore FILE and --save FILE2 (a delta on the restored snapshot)\n");
    setExit(BOOT_EXIT.usage);
    return;
  }
  if (args.restore !== undefined) {
    restore(args, args.restore, max, setExit);
    return;
  }
  const saveAt = args["save-at-instructions"];
  if ((saveAt === undefined) !== (args.save === undefined) || (saveAt !== undefined && (!Number.isSafeInteger(saveAt) || saveAt <= 0))) {
    process.stderr.write("apexvisor boot: --save-at-instructions N (a positive integer) and --save FILE go together\n");
    setExit(BOOT_EXIT.usage);
    return;
  }
  if (args.kernel === undefined) {
    process.stderr.write("apexvisor boot: --kernel FILE is required (or --restore FILE)\n");
    setExit(BOOT_EXIT.usage);
    return;
  }
  const kernel = args.kernel;
  let elf: Uint8Array;
  try {
    elf = new Uint8Array(readLimited(args.kernel, INPUT_LIMITS.image));
  } catch (e) {
    process.stderr.write(`apexvisor boot: cannot read ${args.kernel}: ${readFailure(e)}\n`);
    setExit(BOOT_EXIT.loadError);
    return;
  }
  const modules: BootModule[] = [];
  for (const m of parseInitrd(args.initrd ?? "")) {
    try {
      modules.push({ data: new Uint8Array(readLimited(m.path, INPUT_LIMITS.image)), string: m.string });
    } catch (e) {
      process.stderr.write(`apexvisor boot: cannot read module ${m.path}: ${readFailure(e)}\n`);
      setExit(BOOT_EXIT.loadError);
      return;
    }
  }
  if (args.persist && args.drive === undefined) {
    process.stderr.write("apexvisor boot: --persist needs --drive FILE\n");
    setExit(BOOT_EXIT.usage);
    return;
  }
  if (args.drive !== undefined && saveAt !== undefined) {
    process.stderr.write("apexvisor boot: --drive cannot be combined with --save (a boot snapshot does not record the disk image)\n");
    setExit(BOOT_EXIT.usage);
    return;
  }
  const drive = args.drive === undefined ? undefined : openDisk(NODE_FILES, { path: args.drive, persist: args.persist }, nodeDiskWriteBack);
  if (drive !== undefined && !drive.ok) {
    process.stderr.write(`apexvisor boot: ${drive.message}\n`);
    setExit(BOOT_EXIT.loadError);
    return;
  }
  const disk = drive?.store;
  const input = stdinSource();
  const e9 = args.e9 === "stdout" ? process.stdout : args.e9 === "stderr" ? process.stderr : undefined;
  const opts: BootOptions = {
    elf,
    elfPath: args.kernel,
    memoryBytes: mem.bytes,
    commandLine: args.append,
    stdout: serialToStdout(args, () => input.close()),
    input,
    reboot: args.reboot,
    onReset: (cause) => process.stderr.write(`apexvisor boot: machine reset: ${cause}; booting again\n`),
    modules,
    ...(saveAt !== undefined ? { maxInstructions: saveAt, keepState: true } : max !== undefined ? { maxInstructions: max } : {}),
    ...(e9 !== undefined ? { debugConsole: (bytes: Uint8Array) => e9.write(bytes) } : {}),
    ...(disk !== undefined ? { disk } : {}),
  };
  const finish = (result: BootResult): void => {
    input.close(); // a terminal leaves raw mode before the last line
    const line = describeEnd(result, kernel);
    if (line !== null) process.stderr.write(`${line}\n`);
    setExit(exitStatusOf(result.end));
    // Every ending (debug-exit, halt, reset, Ctrl-A x, a gdb or ctl stop) writes a --persist disk back.
    const flushed = disk?.flush();
    if (flushed !== undefined && !flushed.ok) {
      process.stderr.write(`apexvisor boot: disk image ${args.drive}: ${flushed.message}\n`);
      setExit(BOOT_EXIT.loadError);
    }
  };
  const usage = (message: string): void => {
    input.close();
    process.stderr.write(`apexvisor boot: ${message}\n`);
    setExit(BOOT_EXIT.usage);
  };
  if (args.paused && args.control === undefined && gdb === undefined) return usage("--paused needs --control or --gdb (nothing could let the CPU go)");
  if (args.reboot && (gdb !== undefined || args.control !== undefined)) return usage("--reboot cannot be combined with --gdb or --control (the debugger holds the first machine's vCPU)");
  if (saveAt !== undefined && args.save !== undefined) {
    if (gdb !== undefined || args.control !== undefined) return usage("--save cannot be combined with --gdb or --control");
    let result: BootResult;
    try {
      result = bootMultiboot(opts);
    } finally {
      input.close();
    }
    save(result, args.save, { kernel: args.kernel, append: args.append }, setExit);
    return;
  }
  if (gdb === undefined && args.control === undefined) {
    let result: BootResult;
    try {
      result = bootMultiboot(opts);
    } catch (e) {
      input.close();
      throw e;
    }
    finish(result);
    return;
  }
  const created = BootSession.create(opts);
  if (!created.ok) {
    finish({ end: { kind: "loadError", message: created.message }, instructions: 0, cycles: 0 });
    return;
  }
  const serve = {
    ...(gdb !== undefined ? { gdbPort: gdb.port } : {}),
    ...(args.control !== undefined ? { controlPath: args.control } : {}),
    startPaused: args.paused,
    onListening: (what: string) => process.stderr.write(`apexvisor boot: ${what}\n`),
  };
  return serveBoot(created.session, serve).then(finish, (e: unknown) => {
    input.close();
    if (!(e instanceof Error) || !("code" in e)) throw e;
    // A socket that cannot be opened (port in use, bad path) is a usage problem, reported in one line.
    process.stderr.write(`apexvisor boot: cannot listen: ${e.message}\n`);
    setExit(BOOT_EXIT.usage);
  });
}

/** Writes the machine at the instruction limit to `file`; any other ending saves nothing. */
function save(result: BootResult, file: string, extra: { [key: string]: Json }, setExit: (code: number) => void, base?: SnapshotBase): void {
  if (result.end.kind !== "instructionLimit" || result.snapshot === undefined || result.params === undefined) {
    const line = describeEnd(result, String(extra["kernel"]));
    if (line !== null) process.stderr.write(`${line}\n`);
    process.stderr.write(`apexvisor boot: the guest ended before --save-at-instructions; nothing saved\n`);
    setExit(BOOT_EXIT.snapshot);
    return;
  }
  const serial = result.params.serialConsole === true ? { serialConsole: true } : {};
  const params: { [key: string]: Json } = { ...extra, memoryBytes: result.params.memoryBytes, clockHz: result.params.clockHz, debugConsole: result.params.debugConsole, ...serial, instructions: result.instructions };
  const w = writeSnapshotFile(file, { kind: "boot", params, machines: [result.snapshot()], kernel: null, ...(base !== undefined ? { base } : {}) });
  if (!w.ok) {
    process.stderr.write(`apexvisor boot: ${file}: ${w.error}\n`);
    setExit(BOOT_EXIT.snapshot);
    return;
  }
  process.stderr.write(`apexvisor boot: saved ${file}${base === undefined ? "" : ` (a delta on ${base.file})`} at ${result.instructions} instructions (${w.bytes} bytes)\n`);
  setExit(0);
}

/** `--restore FILE`: checks the snapshot whole, then continues the machine. */
function restore(args: BootArgs, file: string, max: number | undefined, setExit: (code: number) => void): void {
  const refuse = (why: string): void => {
    process.stderr.write(`apexvisor boot: ${file}: ${why}\n`);
    setExit(BOOT_EXIT.snapshot);
  };
  if (args.drive !== undefined) {
    process.stderr.write("apexvisor boot: --restore cannot be combined with --drive (a boot snapshot does not record the disk image)\n");
    setExit(BOOT_EXIT.usage);
    return;
  }
  const saveAt = args["save-at-instructions"];
  if ((saveAt === undefined) !== (args.save === undefined) || (saveAt !== undefined && (!Number.isSafeInteger(saveAt) || saveAt <= 0))) {
    process.stderr.write("apexvisor boot: --save-at-instructions N (a positive integer) and --save FILE go together\n");
    setExit(BOOT_EXIT.usage);
    return;
  }
  const read = readSnapshotFile(file);
  if (!read.ok) return refuse(read.error);
  const c = read.content;
  if (c.kind === "module") return refuse("a module snapshot: continue it with `apexvisor resume`");
  if (c.kind === "partition") return refuse("one partition extracted for gdb (`snapshot extract`), not restorable; restore the snapshot it came from");
  const machine = c.machines[0];
  if (machine === undefined || c.machines.length !== 1) return refuse("header note: a boot snapshot holds exactly one machine");
  const p = c.params;
  const num = (k: string): number | undefined => (typeof p[k] === "number" && Number.isSafeInteger(p[k]) && (p[k] as number) > 0 ? (p[k] as number) : undefined);
  const memoryBytes = num("memoryBytes");
  const clockHz = num("clockHz");
  if (memoryBytes === undefined || clockHz === undefined || typeof p["debugConsole"] !== "boolean") return refuse("header note: field params: memoryBytes, clockHz, debugConsole expected");
  const params: BootMachineParams = { memoryBytes, clockHz, debugConsole: p["debugConsole"], ...(p["serialConsole"] === true ? { serialConsole: true } : {}) };
  const e9 = args.e9 === "stdout" ? process.stdout : args.e9 === "stderr" ? process.stderr : undefined;
  // The restored machine reads stdin (a pipe, a file or the terminal): the saved run's input again, or with --fresh-input new input.
  const input = stdinSource();
  let result: BootResult;
  try {
    result = resumeBoot({
      params,
      machine,
      input,
      freshInput: args["fresh-input"],
      stdout: serialToStdout(args, () => input.close()),
      ...(saveAt !== undefined ? { maxInstructions: saveAt, keepState: true } : max !== undefined ? { maxInstructions: max } : {}),
      ...(e9 !== undefined ? { debugConsole: (bytes: Uint8Array) => e9.write(bytes) } : {}),
    });
  } finally {
    input.close();
  }
  if (result.end.kind === "loadError") return refuse(result.end.message);
  if (args.save !== undefined) {
    const base = args.incremental && c.checksum !== undefined ? { file, checksum: c.checksum } : undefined;
    save(result, args.save, { kernel: p["kernel"] ?? null, append: p["append"] ?? null }, setExit, base);
    return;
  }
  const line = describeEnd(result, String(p["kernel"]));
  if (line !== null) process.stderr.write(`${line}\n`);
  setExit(exitStatusOf(result.end));
}

/** Registers `boot` on the CLI. */
export function register(cli: Argv, setExit: (code: number) => void): void {
  cli.command(
    "boot",
    "Boot a Multiboot v1 or Linux bzImage i386 kernel on an emulated PC (like qemu-system-i386 -kernel)",
    (y) =>
      y
        .option("kernel", { type: "string", describe: "Multiboot v1 kernel (i386 ELF, or any file with the a.out-kludge header), or a Linux bzImage (protocol 2.04 or later)" })
        .option("memory", { type: "string", default: DEFAULT_MEMORY, describe: "guest RAM, e.g. 64M, 512M (max), 1024K; a bare number is MiB" })
        .option("append", { type: "string", default: "", describe: 'kernel command line; a Multiboot guest sees "KERNEL APPEND", Linux sees APPEND, as with QEMU' })
        .option("initrd", { type: "string", describe: 'Multiboot modules "FILE ARGS,FILE2 ...", loaded after the kernel; each module string is its whole entry (as QEMU -initrd). For Linux: the initrd (several files are concatenated)' })
        .option("max-instructions", { type: "number", describe: "stop after this many instructions (default: no limit)" })
        .option("raw-console", { type: "boolean", default: false, describe: "on a terminal, print guest serial bytes unchanged (default: control and escape characters shown as ^[)" })
        .option("reboot", { type: "boolean", default: false, describe: "boot again after a reset (triple fault, i8042, port 0xCF9) instead of ending, as QEMU without -no-reboot" })
        .option("save-at-instructions", { type: "number", describe: "with --save: stop after this many instructions and save the machine" })
        .option("save", { type: "string", describe: "snapshot file (ELF32 core) written at --save-at-instructions" })
        .option("restore", { type: "string", describe: "continue the machine saved in this snapshot file (no --kernel needed)" })
        .option("incremental", { type: "boolean", default: false, describe: "with --restore and --save: write a delta holding only the RAM pages written since the restored snapshot (which it names)" })
        .option("fresh-input", { type: "boolean", default: false, describe: "with --restore: stdin is new input from the restored instant (default: the saved run's input again, its consumed bytes skipped)" })
        .option("gdb", { type: "string", describe: "serve the gdb remote protocol on 127.0.0.1:PORT (HOST:PORT, :PORT or tcp::PORT); the CPU waits for gdb before its first instruction" })
        .option("control", { type: "string", describe: "serve the VM tree on this Unix-domain socket (JSON lines; see `apexvisor ctl`)" })
        .option("paused", { type: "boolean", default: false, describe: "with --control: hold the CPU before its first instruction until `ctl SOCKET write /module continue` (as qemu -S)" })
        .option("drive", { type: "string", describe: "disk image for the ATA primary master (ports 0x1f0-0x1f7, 0x3f6, IRQ14); a whole number of 512-byte sectors, at most 256 MiB; copy-on-write unless --persist" })
        .option("persist", { type: "boolean", default: false, describe: "with --drive: write the guest's disk writes back to the image file when the run ends (any ending)" })
        .option("dump-blocks", { type: "boolean", default: false, describe: "print every block the vCPU compiles to stderr: guest listing and generated JavaScript (for developers; APEXVISOR_DUMP_BLOCKS=1 does it for any command)" })
        .option("e9", { choices: ["none", "stdout", "stderr"], default: "none", describe: "where port 0xE9 debug-console bytes go (none: port unmapped, as QEMU without -debugcon)" })
        .epilog(EPILOG),
    (argv) => run(argv as unknown as BootArgs, setExit),
  );
}
