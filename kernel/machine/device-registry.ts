// The device registry of a PC machine (Jailhouse's for_each_unit): each device type has a constructor
// from the machine's collaborators and its place (ports, MMIO, IRQ); a machine is built from a checked
// device list, and reset, snapshot, restore and I/O wiring all walk the units it returns.
import type { Device, ByteSink, IrqLine, TimerService } from "../devices/device";
import { CGA_PORT_BASE, CGA_PORT_COUNT, CGA_TEXT_BASE, CGA_TEXT_SIZE, CgaText } from "../devices/cga-text";
import { AtaController } from "../devices/ata/ata-controller";
import { ATA_PRIMARY, CONTROL_OFFSET } from "../devices/ata/ata-registers";
import type { BlockStore } from "../disk/block-store";
import { CMOS_PORT_BASE, CMOS_PORT_COUNT, CmosRtc, RTC_IRQ } from "../devices/cmos-rtc";
import { DebugConsoleE9 } from "../devices/debug-console-e9";
import { DebugExit, type ExitRequest } from "../devices/debug-exit";
import { IO_APIC_BASE, IO_APIC_SIZE, IoApic } from "../devices/io-apic";
import { I8042 } from "../devices/i8042";
import type { PortDevice } from "../devices/io-bus";
import { fanOutIrq } from "../devices/irq-fanout";
import { FPU_ERROR_IRQ, FPU_ERROR_PORT, FpuError } from "../devices/fpu-error";
import { LOCAL_APIC_BASE, LOCAL_APIC_SIZE, LocalApic } from "../devices/local-apic";
import { PCI_CONFIG_ADDRESS_PORT, PCI_CONFIG_DATA_PORT, PciHostBridge } from "../devices/pci-host-bridge";
import { Pic8259Pair } from "../devices/pic8259-pair";
import { Pit8254 } from "../devices/pit8254";
import { ResetControl } from "../devices/reset-control";
import { SAMPLING_PORTS_BASE, SAMPLING_PORTS_COUNT, SamplingPorts, type SamplingPortLink } from "../devices/sampling-ports";
import { SystemPortB } from "../devices/system-port-b";
import { APX_SERVICES_BASE, APX_SERVICES_COUNT, ApxServices, type ApxServicesLink } from "../devices/apx-services";
import { Uart16550 } from "../devices/uart16550";
import type { MmioHandler } from "../mem/physical-memory";
import { guestPhys, ioPort, type GuestPhysAddr, type IoPort } from "../mem/types";
import { UART_BASES, type DeviceSpec, type DeviceTypeName } from "./device-catalog";

/** Version of every device's state layout in snapshots; a change of any state's fields bumps it. */
export const DEVICE_STATE_VERSION = 1;
/** Port bases of the fixed PC devices. */
export const PC_PORTS = {
  picMaster: 0x20,
  picSlave: 0xa0,
  pit: 0x40,
  i8042Data: 0x60,
  systemPortB: 0x61,
  i8042Command: 0x64,
  resetControl: 0xcf9,
  debugExit: 0xf4,
  debugConsole: 0xe9,
} as const;
/** ISA IRQs of the PC devices. */
export const PC_IRQ = { pit: 0, keyboard: 1, com1: 4, rtc: RTC_IRQ, aux: 12 } as const;
/** I/O APIC pin of ISA IRQ0 (the MP table's ISA routing: the PIT is on pin 2). */
const PIT_IO_APIC_PIN = 2;

/** What a device constructor may use: the machine's collaborators and the controllers built so far. */
export interface DeviceContext {
  readonly timers: TimerService;
  readonly memoryBytes: number;
  readonly baseMemoryKiB: number;
  readonly serialOut: ByteSink;
  readonly debugConsoleOut: ByteSink | undefined;
  readonly requestExit: ExitRequest;
  /** The guest reset the machine (i8042 reset line, port 0xCF9): the owner decides what a reset does. */
  readonly requestReset: (cause: string) => void;
  readonly built: BuiltDevices;
  /** The disk of the ATA primary master (apx:Device Image, boot --drive); undefined = no disk. */
  readonly disk: BlockStore | undefined;
  /** The partition's sampling ports in the module (FV partitions of a module); undefined = none (`boot`). */
  readonly samplingPorts?: SamplingPortLink | undefined;
  /** The owner that serves calls of the "apx_services" device (FV partitions of a module); undefined = none (`boot`). */
  readonly apxServices?: ApxServicesLink | undefined;
  /** Where a device's ISA IRQ goes instead of the PC's controllers (a device assigned to a PV partition: a virq). */
  readonly isaLine?: (irq: number) => IrqLine;
}

/** One saveable unit: a chip with its stable snapshot name. */
export interface DeviceUnit {
  readonly name: string;
  readonly device: Device<object>;
}

/** The typed chips of a machine (absent when not in its device list). */
export interface BuiltDevices {
  pics?: Pic8259Pair;
  lapic?: LocalApic;
  ioapic?: IoApic;
  pit?: Pit8254;
  portB?: SystemPortB;
  keyboard?: I8042;
  resetControl?: ResetControl;
  fpuError?: FpuError;
  rtc?: CmosRtc;
  cga?: CgaText;
  readonly uarts: Uart16550[];
  debugExit?: DebugExit;
  debugConsole?: DebugConsoleE9;
  ata?: AtaController;
  pciHost?: PciHostBridge;
  samplingPorts?: SamplingPorts;
  apxServices?: ApxServices;
}

/** Where one built device sits and what it saves. */
export interface PlacedDevice {
  readonly spec: DeviceSpec;
  readonly units: readonly DeviceUnit[];
  readonly ports: readonly { readonly name: string; readonly base: IoPort; readonly count: number; readonly device: PortDevice }[];
  readonly mmio: readonly { readonly base: GuestPhysAddr; readonly size: number; readonly handler: MmioHandler }[];
}

type Factory = (ctx: DeviceContext, spec: DeviceSpec) => Omit<PlacedDevice, "spec">;

/** An ISA IRQ line into every interrupt controller present (PIC pair, I/O APIC pin). */
function isaIrq(built: BuiltDevices, irq: number, pin: number = irq): IrqLine {
  const lines: IrqLine[] = [];
  if (built.pics !== undefined) lines.push(built.pics.line(irq));
  if (built.ioapic !== undefined) lines.push(built.ioapic.pin(pin));
  return fanOutIrq(...lines);
}

const one = (name: string, device: Device<object>, base: number, count: number): Omit<PlacedDevice, "spec"> => ({
  units: [{ name, device }],
  ports: [{ name, base: ioPort(base), count, device }],
  mmio: [],
});

/** name -> constructor. Exhaustive over DeviceTypeName: a new type without a factory does not compile. */
const FACTORIES: Record<DeviceTypeName, Factory> = {
  pic8259: ({ built }) => {
    const pics = (built.pics = new Pic8259Pair());
    return {
      units: [{ name: "pic8259-master", device: pics.master }, { name: "pic8259-slave", device: pics.slave }],
      ports: [
        { name: "pic8259-master", base: ioPort(PC_PORTS.picMaster), count: 2, device: pics.master },
        { name: "pic8259-slave", base: ioPort(PC_PORTS.picSlave), count: 2, device: pics.slave },
      ],
      mmio: [],
    };
  },
  local_apic: ({ built, timers }) => {
    const lapic = (built.lapic = new LocalApic(timers));
    return { units: [{ name: "local-apic", device: lapic }], ports: [], mmio: [{ base: guestPhys(LOCAL_APIC_BASE), size: LOCAL_APIC_SIZE, handler: lapic }] };
  },
  io_apic: ({ built }) => {
    const lapic = built.lapic;
    if (lapic === undefined) throw new Error("io_apic built before local_apic (device-catalog orders and checks this)");
    const ioapic = (built.ioapic = new IoApic(lapic));
    lapic.setEoiBroadcast(ioapic);
    return { units: [{ name: "io-apic", device: ioapic }], ports: [], mmio: [{ base: guestPhys(IO_APIC_BASE), size: IO_APIC_SIZE, handler: ioapic }] };
  },
  pit8254: ({ built, timers }) => one("pit8254", (built.pit = new Pit8254(isaIrq(built, PC_IRQ.pit, PIT_IO_APIC_PIN), timers)), PC_PORTS.pit, 4),
  system_port_b: ({ built, timers }) => {
    // OUT2 follows PIT channel 2 when the machine has a PIT; without one the line floats low.
    const portB = (built.portB = new SystemPortB({ now: () => timers.now(), out2: () => built.pit?.outputLevel(2) ?? false }));
    return one("system-port-b", portB, PC_PORTS.systemPortB, 1);
  },
  i8042: ({ built, requestReset }) => {
    const kbd = (built.keyboard = new I8042(isaIrq(built, PC_IRQ.keyboard), requestReset, isaIrq(built, PC_IRQ.aux)));
    // One chip on two ports (0x60 data, 0x64 status/command): the command port forwards with offset 4.
    const command: PortDevice = { read: () => kbd.read(4), write: (_o, size, v) => kbd.write(4, size, v) };
    return {
      units: [{ name: "i8042", device: kbd }],
      ports: [
        { name: "i8042-data", base: ioPort(PC_PORTS.i8042Data), count: 1, device: kbd },
        { name: "i8042-command", base: ioPort(PC_PORTS.i8042Command), count: 1, device: command },
      ],
      mmio: [],
    };
  },
  reset_control: ({ built, requestReset }) => one("reset-control", (built.resetControl = new ResetControl(requestReset)), PC_PORTS.resetControl, 1),
  fpu_error: ({ built }) => one("fpu-error", (built.fpuError = new FpuError(isaIrq(built, FPU_ERROR_IRQ))), FPU_ERROR_PORT, 1),
  cmos_rtc: ({ built, timers, memoryBytes, baseMemoryKiB }) =>
    one("cmos-rtc", (built.rtc = new CmosRtc(isaIrq(built, PC_IRQ.rtc), timers, { ramBytes: memoryBytes, baseMemoryKiB })), CMOS_PORT_BASE, CMOS_PORT_COUNT),
  cga_text: ({ built }) => {
    const cga = (built.cga = new CgaText());
    return { ...one("cga-text", cga, CGA_PORT_BASE, CGA_PORT_COUNT), mmio: [{ base: guestPhys(CGA_TEXT_BASE), size: CGA_TEXT_SIZE, handler: cga.memory }] };
  },
  uart16550: ({ built, serialOut, isaLine }, spec) => {
    const base = spec.base ?? 0x3f8;
    const irq = UART_BASES.get(base);
    if (irq === undefined) throw new Error(`uart16550 at 0x${base.toString(16)} passed the catalog check`);
    const uart = new Uart16550(isaLine?.(irq) ?? isaIrq(built, irq), serialOut);
    built.uarts.push(uart);
    return one(spec.instance, uart, base, 8);
  },
  isa_debug_exit: ({ built, requestExit }) => one("isa-debug-exit", (built.debugExit = new DebugExit(requestExit)), PC_PORTS.debugExit, 4),
  debug_console_e9: ({ built, debugConsoleOut }) => {
    // Without a sink the port stays unmapped, as QEMU does without -debugcon.
    if (debugConsoleOut === undefined) return { units: [], ports: [], mmio: [] };
    return one("debug-console-e9", (built.debugConsole = new DebugConsoleE9(debugConsoleOut)), PC_PORTS.debugConsole, 1);
  },
  ata: ({ built, timers, disk }) => {
    // Without a disk the channel stays unmapped: the ports float (0xFF), as on a PC with no drive attached.
    if (disk === undefined) return { units: [], ports: [], mmio: [] };
    const ata = (built.ata = new AtaController(isaIrq(built, ATA_PRIMARY.irq), timers, disk));
    // One controller on two ranges: the control block port 0x3F6 forwards with offset CONTROL_OFFSET.
    const control: PortDevice = { read: (_o, size) => ata.read(CONTROL_OFFSET, size), write: (_o, size, v) => ata.write(CONTROL_OFFSET, size, v) };
    return {
      units: [{ name: "ata", device: ata }],
      ports: [
        { name: "ata-command", base: ioPort(ATA_PRIMARY.commandBase), count: ATA_PRIMARY.commandCount, device: ata },
        { name: "ata-control", base: ioPort(ATA_PRIMARY.controlPort), count: 1, device: control },
      ],
      mmio: [],
    };
  },
  pci_host_bridge: ({ built }) => {
    const pci = (built.pciHost = new PciHostBridge());
    // CONFIG_ADDRESS is one port wide on the bus (dword accesses start at 0xCF8), so 0xCF9 stays the reset register.
    return {
      units: [{ name: "pci-host-bridge", device: pci }],
      ports: [
        { name: "pci-config-address", base: ioPort(PCI_CONFIG_ADDRESS_PORT), count: 1, device: pci },
        { name: "pci-config-data", base: ioPort(PCI_CONFIG_DATA_PORT), count: 4, device: pci.data },
      ],
      mmio: [],
    };
  },
  sampling_ports: ({ built, samplingPorts }) => {
    // Without a module behind it (`boot`) the range stays unmapped: the ports float (0xFF).
    if (samplingPorts === undefined) return { units: [], ports: [], mmio: [] };
    return one("sampling-ports", (built.samplingPorts = new SamplingPorts(samplingPorts)), SAMPLING_PORTS_BASE, SAMPLING_PORTS_COUNT);
  },
  apx_services: ({ built, apxServices }) => {
    // Without a module to serve the calls (`boot`) the range stays unmapped: ID floats (0xFF), the guest answers locally.
    if (apxServices === undefined) return { units: [], ports: [], mmio: [] };
    const irq = apxServices.irq === undefined ? undefined : { line: isaIrq(built, apxServices.irq), number: apxServices.irq };
    return one("apx-services", (built.apxServices = new ApxServices(apxServices, irq)), APX_SERVICES_BASE, APX_SERVICES_COUNT);
  },
};

/** Builds every device of `specs` (already in build order) into `ctx.built`. */
export function buildDevices(ctx: DeviceContext, specs: readonly DeviceSpec[]): PlacedDevice[] {
  return specs.map((spec) => ({ spec, ...FACTORIES[spec.type](ctx, spec) }));
}
