// Boots one Multiboot v1 kernel on a PC machine (memory, CPU, PC devices) and runs it to its end: the
// machine state at entry follows the Multiboot spec (section 3.2); the CPU runs in slices that end at the
// next timer deadline, so a timer interrupt lands on its exact cycle. Argument parsing and printing belong to the CLI.
import { Cpu } from "../cpu/cpu";
import { DEFAULT_CLOCK_HZ } from "../cpu/cost-model";
import { IF } from "../cpu/flags";
import { MULTIBOOT_BOOTLOADER_MAGIC, applyMultibootPlan, planMultibootLoad } from "../loader/multiboot";
import type { BootModule } from "../loader/multiboot-info";
import { PhysicalMemory } from "../mem/physical-memory";
import type { GuestPhysAddr } from "../mem/types";
import { writeBiosDataAreas } from "./firmware/bios-data-area";
import { PC_PORTS, PcDevices, PIT_IRQ } from "./pc-devices";
import { CycleClock } from "./cycle-clock";

/** What to boot and where its console goes. */
export interface BootOptions {
  /** The kernel file's bytes. */
  elf: Uint8Array;
  /** The kernel's path as given: the command line the guest sees is "PATH APPEND", as QEMU builds it. */
  elfPath: string;
  /** Guest RAM in bytes (default 64 MiB). */
  memoryBytes?: number;
  /** Text after the path on the kernel command line (QEMU's -append). */
  commandLine?: string;
  /** Stop after this many instructions (default: no limit). */
  maxInstructions?: number;
  /** COM1 output, flushed after every run slice. */
  stdout: (bytes: Uint8Array) => void;
  /** Bytes queued for COM1's receiver before the kernel starts (deterministic: no host timing). */
  stdin?: Uint8Array;
  /** Port 0xE9 output; without it the port is unmapped, as in QEMU without -debugcon. */
  debugConsole?: (bytes: Uint8Array) => void;
  /** CPU clock of the cost model (default 100 MHz). */
  clockHz?: number;
  /** Multiboot modules (QEMU's -initrd), each with its string (by convention "PATH ARGS"). */
  modules?: readonly BootModule[];
}

/** How a run ended. */
export type BootEnd =
  | { kind: "debugExit"; status: number }
  | { kind: "tripleFault"; eip: number }
  | { kind: "halted"; reason: string }
  | { kind: "instructionLimit" }
  | { kind: "loadError"; message: string };

/** The ending and what it cost. */
export interface BootResult {
  end: BootEnd;
  instructions: number;
  cycles: number;
}

/** Default guest RAM. */
export const DEFAULT_MEMORY_BYTES = 64 * 1024 * 1024;
/** The loader name the guest finds in the Multiboot info. */
export const BOOT_LOADER_NAME = "apexvisor";
/** Longest run slice in cycles when no timer is armed (bounds output latency only, never results). */
const MAX_SLICE = 1_000_000;
/** ESP at entry: the spec leaves it undefined; a conventional real-mode stack top below the loader's data. */
const ENTRY_ESP = 0x7000;

/** Buffers bytes from a device and hands them on in chunks. */
class ChunkedSink {
  private buf: number[] = [];
  constructor(private readonly out: (bytes: Uint8Array) => void) {}
  write(byte: number): void {
    this.buf.push(byte);
  }
  flush(): void {
    if (this.buf.length === 0) return;
    this.out(Uint8Array.from(this.buf));
    this.buf = [];
  }
}

/** Loads `opts.elf` as a Multiboot kernel and runs it until debug-exit, a triple fault, a final halt or the instruction limit. */
export function bootMultiboot(opts: BootOptions): BootResult {
  const memoryBytes = opts.memoryBytes ?? DEFAULT_MEMORY_BYTES;
  const planned = planMultibootLoad(opts.elf, {
    memoryBytes,
    commandLine: `${opts.elfPath} ${opts.commandLine ?? ""}`,
    bootLoaderName: BOOT_LOADER_NAME,
    ...(opts.modules !== undefined ? { modules: opts.modules } : {}),
  });
  if (!planned.ok) return { end: { kind: "loadError", message: planned.error.message }, instructions: 0, cycles: 0 };

  const memory = new PhysicalMemory(memoryBytes);
  // The BIOS data areas first: a kernel loaded over them wins, as it would over a real BIOS's.
  writeBiosDataAreas((addr, bytes) => memory.writeBytes(addr, bytes), { comPorts: [PC_PORTS.com1] });
  applyMultibootPlan(planned.plan, memory);
  let exitStatus: number | null = null;
  const serial = new ChunkedSink(opts.stdout);
  const e9 = opts.debugConsole === undefined ? undefined : new ChunkedSink(opts.debugConsole);
  let cpu: Cpu | undefined;
  /** Machine cycle at which the current run slice ends; a sooner timer armed mid-slice stops the CPU early. */
  let sliceEnd = Number.POSITIVE_INFINITY;
  let resliced = false;
  const clock = new CycleClock(opts.clockHz ?? DEFAULT_CLOCK_HZ, () => cpu?.cycles ?? 0);
  const devices = new PcDevices({
    now: () => clock.now(),
    serialOut: serial,
    ...(e9 !== undefined ? { debugConsoleOut: e9 } : {}),
    requestExit: (status) => {
      exitStatus = status;
      cpu?.requestStop("isa-debug-exit");
    },
    onTimerArmed: (at) => {
      if (cpu === undefined || clock.cycles() + clock.cyclesUntil(at) >= sliceEnd) return;
      resliced = true;
      cpu.requestStop("timer armed inside the slice");
    },
  });
  devices.firmwareInit();
  if (opts.stdin !== undefined && opts.stdin.length > 0) devices.com1.receive(opts.stdin);
  cpu = new Cpu({ memory, io: devices.bus, interrupts: devices.pics });
  enterMultiboot(cpu, planned.plan.entry, planned.plan.infoAddr);

  const flush = (): void => {
    serial.flush();
    e9?.flush();
  };
  const result = (end: BootEnd): BootResult => {
    flush();
    return { end, instructions: cpu?.instructions ?? 0, cycles: clock.cycles() };
  };
  const limit = opts.maxInstructions;
  for (;;) {
    if (exitStatus !== null) return result({ kind: "debugExit", status: exitStatus });
    if (limit !== undefined && cpu.instructions >= limit) return result({ kind: "instructionLimit" });
    const deadline = devices.timers.nextDeadline();
    let budget = deadline === null ? MAX_SLICE : Math.min(MAX_SLICE, Math.max(1, clock.cyclesUntil(deadline)));
    // Every instruction costs at least one cycle, so this budget cannot overshoot the limit.
    if (limit !== undefined) budget = Math.min(budget, limit - cpu.instructions);
    sliceEnd = clock.cycles() + budget;
    const exit = cpu.run(budget);
    sliceEnd = Number.POSITIVE_INFINITY;
    devices.timers.fireDue();
    flush();
    switch (exit.kind) {
      case "budget":
        break;
      case "stop":
        if (exitStatus === null && !resliced) throw new Error(`CPU stopped for no known reason: ${exit.reason}`);
        resliced = false;
        break;
      case "halt": {
        if (exitStatus !== null) break;
        if ((cpu.getEflags() & IF) === 0) return result({ kind: "halted", reason: "cli; hlt" });
        if (devices.pics.pending()) break;
        // Only the PIT can wake a halted CPU later: COM1 input is all queued before the start.
        const next = devices.timers.nextDeadline();
        if (next === null) return result({ kind: "halted", reason: "hlt with interrupts enabled but no timer armed" });
        if (devices.pics.master.isMasked(PIT_IRQ)) return result({ kind: "halted", reason: "hlt with the timer interrupt (IRQ0) masked" });
        clock.idleUntil(next); // nothing runs until the next timer: skip to it
        devices.timers.fireDue();
        break;
      }
      case "tripleFault":
        return result({ kind: "tripleFault", eip: cpu.eip });
      case "fault":
      case "hypercall":
        // Neither is configured for a PC boot (no exceptionsExit, no hypercall vectors).
        throw new Error(`unexpected CPU exit ${exit.kind} in a Multiboot boot`);
      default: {
        const never: never = exit;
        throw new Error(`unknown CPU exit ${JSON.stringify(never)}`);
      }
    }
  }
}

/** Multiboot 3.2 machine state: EAX magic, EBX info, flat 32-bit CS and data segments, paging off, IF=0. */
function enterMultiboot(cpu: Cpu, entry: GuestPhysAddr, info: GuestPhysAddr): void {
  cpu.loadFlat32({ codeSelector: 0x08, dataSelector: 0x10, cpl: 0 });
  cpu.setEflags(0x2);
  cpu.eax = MULTIBOOT_BOOTLOADER_MAGIC;
  cpu.ebx = info;
  cpu.esp = ENTRY_ESP;
  cpu.eip = entry;
}

