// The full PC of an FV partition and of `apexvisor boot`, built in one place so the two never drift:
// RAM with the firmware's low-memory tables, the vCPU, and every chip wired on the I/O bus, the MMIO
// windows and the interrupt lines. It does not run the CPU or own time: the caller's run loop does.
import { Cpu } from "../cpu/cpu";
import { CPUID_FEATURES, CPUID_SIGNATURE } from "../cpu/ops-system";
import type { InterruptSource } from "../cpu/io";
import { apicWithPic } from "../devices/apic-pic-source";
import { CGA_PORT_BASE, CGA_PORT_COUNT, CGA_TEXT_BASE, CGA_TEXT_SIZE, CgaText } from "../devices/cga-text";
import { CMOS_PORT_BASE, CMOS_PORT_COUNT, CmosRtc, RTC_IRQ } from "../devices/cmos-rtc";
import { DebugConsoleE9 } from "../devices/debug-console-e9";
import { DebugExit, type ExitRequest } from "../devices/debug-exit";
import type { ByteSink } from "../devices/device";
import { IO_APIC_BASE, IO_APIC_SIZE, IoApic } from "../devices/io-apic";
import { IoBus } from "../devices/io-bus";
import { fanOutIrq } from "../devices/irq-fanout";
import { LOCAL_APIC_BASE, LOCAL_APIC_SIZE, LocalApic } from "../devices/local-apic";
import { Pic8259Pair } from "../devices/pic8259-pair";
import { Pit8254 } from "../devices/pit8254";
import { I8042 } from "../devices/i8042";
import { ResetControl } from "../devices/reset-control";
import { SystemPortB } from "../devices/system-port-b";
import { Uart16550 } from "../devices/uart16550";
import { MULTIBOOT_BOOTLOADER_MAGIC, applyMultibootPlan, type MultibootPlan } from "../loader/multiboot";
import { PhysicalMemory } from "../mem/physical-memory";
import { ioPort, type GuestPhysAddr, type Nanos } from "../mem/types";
import { apicWindow } from "./apic-window";
import { writePcFirmware } from "./firmware/pc-firmware";
import { TimerQueue } from "./timer-queue";

/** Port bases of the PC layout (COM1, PICs, PIT, debug ports). */
export const PC_MACHINE_PORTS = { picMaster: 0x20, picSlave: 0xa0, pit: 0x40, com1: 0x3f8, debugExit: 0xf4, debugConsole: 0xe9 } as const;
/** ISA IRQs of the PC devices. */
export const PC_IRQ = { pit: 0, keyboard: 1, com1: 4, rtc: RTC_IRQ } as const;
/** I/O APIC pin of ISA IRQ0 (the MP table's ISA routing: the PIT is on pin 2). */
const PIT_IO_APIC_PIN = 2;
/** ESP at entry: the spec leaves it undefined; a conventional real-mode stack top below the loader's data. */
const ENTRY_ESP = 0x7000;

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
}

/** One PC: memory, vCPU and chips, wired; built fresh for every (re)boot. */
export class PcMachine {
  readonly memory: PhysicalMemory;
  readonly bus = new IoBus();
  readonly timers: TimerQueue;
  readonly pics = new Pic8259Pair();
  readonly pit: Pit8254;
  readonly com1: Uart16550;
  readonly lapic: LocalApic;
  readonly ioapic: IoApic;
  readonly rtc: CmosRtc;
  readonly cga = new CgaText();
  readonly portB: SystemPortB;
  readonly keyboard: I8042;
  readonly resetControl: ResetControl;
  readonly debugExit: DebugExit;
  readonly debugConsole: DebugConsoleE9 | undefined;
  /** What the vCPU asks at instruction boundaries: local APIC first, then the PICs through ExtINT. */
  readonly interrupts: InterruptSource;
  readonly cpu: Cpu;
  /** Conventional memory in KiB that the firmware reports (the EBDA starts there). */
  readonly baseMemoryKiB: number;

  constructor(opts: PcMachineOptions) {
    this.memory = new PhysicalMemory(opts.memoryBytes);
    this.baseMemoryKiB = writePcFirmware((addr, bytes) => this.memory.writeBytes(addr, bytes), {
      comPorts: [PC_MACHINE_PORTS.com1],
      mp: { cpuSignature: CPUID_SIGNATURE, cpuFeatures: CPUID_FEATURES },
    });
    this.timers = new TimerQueue(opts.now, opts.onTimerArmed);
    this.lapic = new LocalApic(this.timers);
    this.ioapic = new IoApic(this.lapic);
    this.lapic.setEoiBroadcast(this.ioapic);
    const isa = (irq: number, pin: number = irq) => fanOutIrq(this.pics.line(irq), this.ioapic.pin(pin));
    this.pit = new Pit8254(isa(PC_IRQ.pit, PIT_IO_APIC_PIN), this.timers);
    this.com1 = new Uart16550(isa(PC_IRQ.com1), opts.serialOut);
    this.rtc = new CmosRtc(isa(PC_IRQ.rtc), this.timers, { ramBytes: opts.memoryBytes, baseMemoryKiB: this.baseMemoryKiB });
    this.portB = new SystemPortB({ now: opts.now, out2: () => this.pit.outputLevel(2) });
    const reset = (cause: string): void => opts.requestReset?.(cause);
    this.keyboard = new I8042(isa(PC_IRQ.keyboard), reset);
    this.resetControl = new ResetControl(reset);
    this.debugExit = new DebugExit(opts.requestExit);
    this.debugConsole = opts.debugConsoleOut === undefined ? undefined : new DebugConsoleE9(opts.debugConsoleOut);
    this.wirePorts();
    this.memory.mapMmio(LOCAL_APIC_BASE, LOCAL_APIC_SIZE, this.lapic);
    this.memory.mapMmio(IO_APIC_BASE, IO_APIC_SIZE, this.ioapic);
    this.memory.mapMmio(CGA_TEXT_BASE, CGA_TEXT_SIZE, this.cga.memory);
    this.interrupts = apicWithPic(this.lapic, this.pics);
    this.cpu = new Cpu({ memory: this.memory, io: this.bus, interrupts: this.interrupts, apicBase: apicWindow(this.memory, this.lapic) });
    this.firmwareInit();
  }

  private wirePorts(): void {
    const p = PC_MACHINE_PORTS;
    this.bus.register("pic8259-master", ioPort(p.picMaster), 2, this.pics.master);
    this.bus.register("pic8259-slave", ioPort(p.picSlave), 2, this.pics.slave);
    this.bus.register("pit8254", ioPort(p.pit), 4, this.pit);
    this.bus.register("cmos-rtc", CMOS_PORT_BASE, CMOS_PORT_COUNT, this.rtc);
    this.bus.register("cga-text", CGA_PORT_BASE, CGA_PORT_COUNT, this.cga);
    this.bus.register("com1", ioPort(p.com1), 8, this.com1);
    this.bus.register("system-port-b", ioPort(0x61), 1, this.portB);
    this.bus.register("i8042-data", ioPort(0x60), 1, this.keyboard);
    const kbd = this.keyboard;
    this.bus.register("i8042-command", ioPort(0x64), 1, { read: () => kbd.read(4), write: (_o, size, v) => kbd.write(4, size, v) });
    this.bus.register("reset-control", ioPort(0xcf9), 1, this.resetControl);
    this.bus.register("isa-debug-exit", ioPort(p.debugExit), 4, this.debugExit);
    if (this.debugConsole !== undefined) this.bus.register("debug-console-e9", ioPort(p.debugConsole), 1, this.debugConsole);
  }

  /**
   * Programs the chips as a PC BIOS (SeaBIOS under QEMU) leaves them before booting a kernel: PIT
   * channel 0 in mode 2 at 18.2 Hz, then PICs at vectors 0x08 / 0x70 with only the timer and cascade
   * unmasked (ICW1 clears IRR, so the PIT's first edge is not left pending at kernel entry).
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
