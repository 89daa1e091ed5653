// The full PC of an FV partition and of `apexvisor boot`, built in one place so the two never drift:
// RAM with the firmware's low-memory tables, the vCPU, and every chip wired on the I/O bus, the MMIO
// windows and the interrupt lines. It does not run the CPU or own time: the caller's run loop does.
import { Cpu } from "../cpu/cpu";
import { FV_BLOCK_CACHE_BYTES } from "../cpu/block-cache";
import { CPUID_FEATURES, CPUID_SIGNATURE } from "../cpu/ops-system";
import type { InterruptSource } from "../cpu/io";
import { apicWithPic } from "../devices/apic-pic-source";
import type { CgaText } from "../devices/cga-text";
import type { CmosRtc } from "../devices/cmos-rtc";
import type { DebugConsoleE9 } from "../devices/debug-console-e9";
import type { DebugExit, ExitRequest } from "../devices/debug-exit";
import type { ByteSink } from "../devices/device";
import type { IoApic } from "../devices/io-apic";
import { IoBus } from "../devices/io-bus";
import type { LocalApic } from "../devices/local-apic";
import type { Pic8259Pair } from "../devices/pic8259-pair";
import type { Pit8254 } from "../devices/pit8254";
import type { I8042 } from "../devices/i8042";
import type { ResetControl } from "../devices/reset-control";
import type { ApxServicesLink } from "../devices/apx-services";
import type { SamplingPortLink } from "../devices/sampling-ports";
import type { SystemPortB } from "../devices/system-port-b";
import type { Uart16550 } from "../devices/uart16550";
import { MULTIBOOT_BOOTLOADER_MAGIC, applyMultibootPlan, type MultibootPlan } from "../loader/multiboot";
import type { BlockStore } from "../disk/block-store";
import { LINUX_GDT_ADDR, LINUX_GDT_LIMIT, type LinuxPlan } from "../loader/linux-boot";
import { PhysicalMemory } from "../mem/physical-memory";
import { ioPort, type GuestPhysAddr, type Nanos } from "../mem/types";
import { checkDeviceList, DEFAULT_PC_DEVICES } from "./device-catalog";
import { apicWindow } from "./apic-window";
import { PacedInput, type InputSink, type InputSource } from "./serial-input";
import { buildDevices, PC_IRQ as REGISTRY_PC_IRQ, PC_PORTS, type BuiltDevices, type DeviceUnit, type PlacedDevice } from "./device-registry";
import { writePcFirmware } from "./firmware/pc-firmware";
import { TimerQueue } from "./timer-queue";

/** Port bases of the PC layout (COM1, PICs, PIT, debug ports). */
export const PC_MACHINE_PORTS = { ...PC_PORTS, com1: 0x3f8 } as const;
/** ISA IRQs of the PC devices. */
export const PC_IRQ = REGISTRY_PC_IRQ;
/** ESP at entry: the spec leaves it undefined; a conventional real-mode stack top below the loader's data. */
const ENTRY_ESP = 0x7000;
/** An INTR line that never asserts (a machine without a PIC pair). */
const NO_INTERRUPTS: InterruptSource = { pending: () => false, acknowledge: () => 0xff };

/** What a PC needs from its owner. */
export interface PcMachineOptions {
  /** Guest RAM in bytes (a multiple of 4 KiB, at most 512 MiB). */
  readonly memoryBytes: number;
  /** Virtual time of the machine (the owner's clock, derived from CPU cycles). */
  readonly now: () => Nanos;
  /** COM1 transmit. */
  readonly serialOut: ByteSink;
  /** Port 0xE9 output, or undefined to leave the port unmapped (as QEMU does without -debugcon). */
  readonly debugConsoleOut?: ByteSink;
  /** isa-debug-exit was written (status (v << 1) | 1). */
  readonly requestExit: ExitRequest;
  /** A device armed a timer for `at`: the owner may need to end its run slice sooner. */
  readonly onTimerArmed?: (at: Nanos) => void;
  /** The guest reset the machine (i8042 reset line, port 0xCF9); the owner decides what a reset does. */
  readonly requestReset?: (cause: string) => void;
  /** The devices, as apx:Device names (default: DEFAULT_PC_DEVICES); a bad list is a caller bug (the validator checks XML lists). */
  readonly devices?: readonly string[];
  /** The disk behind the "ata" device (owned by the caller: it outlives reboots of this machine). */
  readonly disk?: BlockStore;
  /** The module's sampling ports of this partition, behind the "sampling_ports" device (FV partitions). */
  readonly samplingPorts?: SamplingPortLink;
  /** Who serves the "apx_services" device's calls (FV partitions of a module). */
  readonly apxServices?: ApxServicesLink;
}

/** One PC: memory, vCPU and chips, wired; built fresh for every (re)boot. */
export class PcMachine {
  readonly memory: PhysicalMemory;
  readonly bus = new IoBus();
  readonly timers: TimerQueue;
  /** The chips of this machine's device list; a chip not listed is undefined (its ports float). */
  readonly chips: BuiltDevices = { uarts: [] };
  /** Every built device in build order: reset, snapshot and restore walk this. */
  readonly placed: readonly PlacedDevice[];
  /** What the vCPU asks at instruction boundaries: local APIC first, then the PICs through ExtINT. */
  readonly interrupts: InterruptSource;
  readonly cpu: Cpu;
  /** Conventional memory in KiB that the firmware reports (the EBDA starts there). */
  readonly baseMemoryKiB: number;

  constructor(opts: PcMachineOptions) {
    const list = checkDeviceList(opts.devices ?? DEFAULT_PC_DEVICES);
    if (!list.ok) throw new Error(`bad device list: ${list.errors.join("; ")}`);
    this.memory = new PhysicalMemory(opts.memoryBytes);
    this.baseMemoryKiB = writePcFirmware((addr, bytes) => this.memory.writeBytes(addr, bytes), {
      comPorts: list.specs.flatMap((s) => (s.type === "uart16550" && s.base !== undefined ? [s.base] : [])),
      mp: { cpuSignature: CPUID_SIGNATURE, cpuFeatures: CPUID_FEATURES },
    });
    this.timers = new TimerQueue(opts.now, opts.onTimerArmed);
    this.placed = buildDevices(
      {
        timers: this.timers,
        memoryBytes: opts.memoryBytes,
        baseMemoryKiB: this.baseMemoryKiB,
        serialOut: opts.serialOut,
        debugConsoleOut: opts.debugConsoleOut,
        requestExit: opts.requestExit,
        requestReset: (cause) => opts.requestReset?.(cause),
        built: this.chips,
        disk: opts.disk,
        samplingPorts: opts.samplingPorts,
        apxServices: opts.apxServices,
      },
      list.specs,
    );
    for (const d of this.placed) {
      for (const p of d.ports) this.bus.register(p.name, p.base, p.count, p.device);
      for (const m of d.mmio) this.memory.mapMmio(m.base, m.size, m.handler);
    }
    const pics = this.chips.pics ?? NO_INTERRUPTS;
    this.interrupts = this.chips.lapic === undefined ? pics : apicWithPic(this.chips.lapic, pics);
    const lapic = this.chips.lapic;
    this.cpu = new Cpu({ memory: this.memory, io: this.bus, interrupts: this.interrupts, blockCacheBytes: FV_BLOCK_CACHE_BYTES, ...(lapic === undefined ? {} : { apicBase: apicWindow(this.memory, lapic) }) });
    // FERR# (x87 errors with CR0.NE = 0) reaches IRQ13 through the PC's coprocessor-error latch.
    this.cpu.x87.ferr = this.chips.fpuError ?? null;
    this.firmwareInit();
  }

  /** Every saveable unit of every device, in build order (stable names, for snapshots). */
  units(): DeviceUnit[] {
    return this.placed.flatMap((d) => d.units);
  }

  /** Drives ISA IRQ line `line` (0..15) to `level` in the 8259A pair and the I/O APIC present (a device served by an I/O partition). */
  setIsaIrq(line: number, level: boolean): void {
    this.chips.pics?.line(line).set(level);
    this.chips.ioapic?.pin(line).set(level);
  }

  /** Raises and drops 8259A line `line` (an edge, as an injected IRQ); returns why it cannot, or null. */
  pulseIrq(line: number): string | null {
    if (!Number.isInteger(line) || line < 0 || line > 15) return `no IRQ line ${line} on the PC's 8259A pair (0..15)`;
    const pics = this.pics;
    if (pics === undefined) return "this PC has no 8259A pair (not in its device list)";
    const l = pics.line(line);
    l.set(true);
    l.set(false);
    return null;
  }

  get pics(): Pic8259Pair | undefined {
    return this.chips.pics;
  }
  get pit(): Pit8254 | undefined {
    return this.chips.pit;
  }
  /** The first UART (COM1 in the default PC). */
  get com1(): Uart16550 | undefined {
    return this.chips.uarts[0];
  }
  get lapic(): LocalApic | undefined {
    return this.chips.lapic;
  }
  get ioapic(): IoApic | undefined {
    return this.chips.ioapic;
  }
  get portB(): SystemPortB | undefined {
    return this.chips.portB;
  }
  get keyboard(): I8042 | undefined {
    return this.chips.keyboard;
  }
  get resetControl(): ResetControl | undefined {
    return this.chips.resetControl;
  }
  get rtc(): CmosRtc | undefined {
    return this.chips.rtc;
  }
  get cga(): CgaText | undefined {
    return this.chips.cga;
  }
  get debugExit(): DebugExit | undefined {
    return this.chips.debugExit;
  }
  get debugConsole(): DebugConsoleE9 | undefined {
    return this.chips.debugConsole;
  }

  /**
   * Programs the chips as a PC BIOS (SeaBIOS under QEMU) leaves them before booting a kernel: PIT
   * channel 0 in mode 2 at 18.2 Hz, then PICs at vectors 0x08 / 0x70 with only the timer and cascade
   * unmasked (ICW1 clears IRR, so the PIT's first edge is not left pending at kernel entry). Writes to
   * a chip that is not in the device list go to the floating bus, as on a PC without it.
   */
  private firmwareInit(): void {
    const out = (port: number, value: number): void => this.bus.write(ioPort(port), 1, value);
    out(0x43, 0x34);
    out(0x40, 0);
    out(0x40, 0);
    for (const [port, v] of [[0x20, 0x11], [0x21, 0x08], [0x21, 0x04], [0x21, 0x01], [0xa0, 0x11], [0xa1, 0x70], [0xa1, 0x02], [0xa1, 0x01]] as const) out(port, v);
    out(0x21, 0xfa);
    out(0xa1, 0xff);
  }

  /** Writes a checked Multiboot plan into RAM and sets the vCPU as Multiboot 3.2 says (EAX magic, EBX info, flat CS 0x08 / data 0x10, paging and interrupts off). */
  loadMultiboot(plan: MultibootPlan): void {
    applyMultibootPlan(plan, this.memory);
    enterMultiboot(this.cpu, plan.entry, plan.infoAddr);
  }

  /** Writes a checked Linux plan into RAM and sets the vCPU as the 32-bit boot protocol says (boot.rst: ESI boot_params, __BOOT_CS 0x10 / __BOOT_DS 0x18 flat, paging and interrupts off). */
  loadLinux(plan: LinuxPlan): void {
    applyMultibootPlan(plan, this.memory);
    const cpu = this.cpu;
    cpu.gdtBase = LINUX_GDT_ADDR;
    cpu.gdtLimit = LINUX_GDT_LIMIT;
    cpu.loadFlat32({ codeSelector: 0x10, dataSelector: 0x18, cpl: 0 });
    cpu.setEflags(0x2);
    // "%ebp, %edi and %ebx must be zero"; ESP is not specified (the decompressor sets its own stack).
    cpu.eax = 0;
    cpu.ebx = 0;
    cpu.ebp = 0;
    cpu.edi = 0;
    cpu.esi = plan.bootParams;
    cpu.esp = ENTRY_ESP;
    cpu.eip = plan.entry;
  }

  /**
   * Starts feeding `source` to this machine's console lines (COM1 and the PS/2 keyboard, whichever the
   * device list has), paced at COM1's character time (115200 8N1 when there is no UART). With
   * `serialOnly`, the keyboard gets nothing: a Linux boot's console is ttyS0, as with QEMU's -serial stdio.
   */
  startConsoleInput(source: InputSource, onQuit: () => void, serialOnly = false): PacedInput {
    const com1 = this.com1;
    const kbd = serialOnly ? undefined : this.keyboard;
    const sinks: InputSink[] = [];
    if (com1 !== undefined) sinks.push({ ready: () => com1.receiverLine().ready, deliver: (b) => com1.receive([b]) });
    if (kbd !== undefined) sinks.push({ ready: () => kbd.keyboardReady(), deliver: (b) => kbd.type(b) });
    const line = () => com1?.receiverLine() ?? { divisor: 1, lineControl: 3 };
    const input = new PacedInput(this.timers, source, line, sinks, onQuit);
    input.start();
    return input;
  }

  /** True when the vCPU would take an interrupt now if EFLAGS.IF allowed it. */
  interruptPending(): boolean {
    return this.interrupts.pending();
  }
}

/** The command line a Multiboot guest sees: "PATH APPEND", as QEMU builds it from -kernel and -append. */
export function multibootCommandLine(kernelPath: string, append: string): string {
  return `${kernelPath} ${append}`;
}

/** Bootloader name in the Multiboot info. */
export const PC_BOOT_LOADER_NAME = "apexvisor";

function enterMultiboot(cpu: Cpu, entry: GuestPhysAddr, info: GuestPhysAddr): void {
  cpu.loadFlat32({ codeSelector: 0x08, dataSelector: 0x10, cpl: 0 });
  cpu.setEflags(0x2);
  cpu.eax = MULTIBOOT_BOOTLOADER_MAGIC;
  cpu.ebx = info;
  cpu.esp = ENTRY_ESP;
  cpu.eip = entry;
}
