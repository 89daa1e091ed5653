// The validated module configuration: what kernel/config produces from ARINC 653 XML and what every
// other part of the kernel consumes. Plain deep-readonly data; no parsing or checking here.
import type { Nanos, PartitionId } from "../mem/types";

/** Where a configured item came from, for messages that point the user at the XML. */
export interface SourcePos {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export type Criticality = "LEVEL_A" | "LEVEL_B" | "LEVEL_C" | "LEVEL_D" | "LEVEL_E";
export type PortDirection = "SOURCE" | "DESTINATION";
export type QueuingDiscipline = "FIFO" | "PRIORITY";

/** Guest kind (apexvisor extension): paravirtualized RTOS in ring 3, or full-virtualized PC in ring 0. */
export type GuestKind = "PV" | "FV";
/** How an FV guest's kernel file boots: by its header (a Linux bzImage, else Multiboot v1), or as named. */
export type KernelFormat = "auto" | "multiboot" | "linux";
/** How a PV guest reaches the paravirt ABI (apexvisor extension). */
export type AbiBinding = "trap" | "jumptable" | "jumptable-eager" | "linked";

export interface SamplingPortConfig {
  readonly kind: "sampling";
  readonly name: string;
  readonly maxMessageSize: number;
  readonly direction: PortDirection;
  readonly refreshPeriod: Nanos;
  readonly pos: SourcePos;
}

export interface QueuingPortConfig {
  readonly kind: "queuing";
  readonly name: string;
  readonly maxMessageSize: number;
  readonly direction: PortDirection;
  readonly maxNbMessages: number;
  readonly discipline: QueuingDiscipline;
  readonly pos: SourcePos;
}

export type PortConfig = SamplingPortConfig | QueuingPortConfig;

export interface ProcessConfig {
  readonly name: string | undefined;
  readonly stackSize: number | undefined;
}

export type MemoryType = "CODE" | "DATA" | "INPUT_OUTPUT" | string;
export type MemoryAccess = "READ_ONLY" | "READ_WRITE" | string;

export interface MemoryRegionConfig {
  readonly name: string | undefined;
  readonly type: MemoryType;
  readonly sizeBytes: number;
  readonly physicalAddress: number | undefined;
  readonly access: MemoryAccess;
  /** Name of a region shared with other partitions (extension), if any. */
  readonly shared: string | undefined;
  readonly pos: SourcePos;
}

/** apexvisor's own settings for a partition (extension namespace). */
export interface PartitionGuestConfig {
  readonly kind: GuestKind;
  /** Path of the guest image, resolved against the XML file's folder. */
  readonly image: string | undefined;
  readonly binding: AbiBinding;
  /** FV devices by name (e.g. "uart16550@0x3f8"). */
  readonly devices: readonly string[];
  readonly commandLine: string;
  /** FV: the kernel format (apx:Guest Format; default "auto", detected by header as QEMU's -kernel does). */
  readonly format?: KernelFormat;
  /** FV Linux: the initial RAM disk (apx:Guest Initrd), resolved against the XML file's folder. */
  readonly initrd?: string;
  /** Multiboot modules (FV), paths resolved against the XML file's folder. */
  readonly modules: readonly string[];
  readonly pos: SourcePos | undefined;
  /** The disk of the "ata" device (apx:Device Image, resolved against the XML's folder; Persist). */
  readonly drive?: { readonly path: string; readonly persist: boolean };
  /** FV devices served by an I/O partition (apx:Device with Server): not built in the kernel. */
  readonly served?: readonly ServedDeviceConfig[];
  /** PV: kernel-emulated devices assigned to this partition (apx:Device Assign="true"; kernel/pv/assigned-devices.ts). */
  readonly assigned?: readonly AssignedDeviceConfig[];
  /** An I/O server: its own windows in a row without a completion, with requests waiting, before it counts as hung (kernel/ioreq/server-watch.ts). */
  readonly serverDeadlineWindows?: number;
  /** FV: the ISA line of the apx_services device's HM upcall (apx:Device Name="apx_services" Irq); absent: no upcall. */
  readonly apxIrq?: number;
}

/** An apx:Device entry of a PV partition with Assign="true": its ports are the partition's, its IRQ a virq. */
export interface AssignedDeviceConfig {
  /** Device name as written ("uart16550@0x2f8"). */
  readonly name: string;
  readonly pos: SourcePos;
}

/** An apx:Device entry with a Server attribute: the device's ports are forwarded to that PV partition. */
export interface ServedDeviceConfig {
  /** Device name as written ("uart16550@0x3f8", "ata"). */
  readonly name: string;
  /** Name of the serving partition. */
  readonly server: string;
  /** Mmio="true": the @base of the name is a guest-physical MMIO window, not a port (kernel/ioreq/served-devices.ts). */
  readonly mmio?: boolean;
  /** Irq: the ISA line of a device in an MMIO window. */
  readonly irq?: number;
  readonly pos: SourcePos;
}

export interface PartitionConfig {
  readonly id: PartitionId;
  readonly name: string;
  readonly criticality: Criticality;
  readonly systemPartition: boolean;
  readonly entryPoint: string | undefined;
  readonly ports: readonly PortConfig[];
  readonly processes: readonly ProcessConfig[];
  readonly memory: readonly MemoryRegionConfig[];
  readonly guest: PartitionGuestConfig;
  readonly pos: SourcePos;
}

export interface WindowConfig {
  readonly id: number;
  readonly partition: PartitionId;
  /** Offset of the window start from the major frame start. */
  readonly start: Nanos;
  readonly duration: Nanos;
  readonly partitionPeriodStart: boolean;
  readonly pos: SourcePos;
}

export type PartitionAction = "IGNORE" | "IDLE" | "WARM_START" | "COLD_START";

export interface PartitionScheduleConfig {
  readonly partition: PartitionId;
  readonly period: Nanos;
  readonly periodDuration: Nanos;
  /** Part 2: this partition may call SET_MODULE_SCHEDULE. */
  readonly setModuleSchedule: boolean;
  /** Part 2: applied to the partition when the module schedule changes. */
  readonly scheduleChangeAction: PartitionAction;
  readonly pos: SourcePos;
}

export interface ModuleScheduleConfig {
  readonly id: number;
  readonly name: string;
  readonly initial: boolean;
  readonly majorFrame: Nanos;
  readonly minorFrame: Nanos | undefined;
  readonly partitions: readonly PartitionScheduleConfig[];
  /** Every window of the frame, sorted by start. */
  readonly windows: readonly WindowConfig[];
  readonly pos: SourcePos;
}

export type ErrorLevel = "MODULE" | "PARTITION" | "PROCESS";
export type ErrorCode =
  | "DEADLINE_MISSED"
  | "APPLICATION_ERROR"
  | "NUMERIC_ERROR"
  | "ILLEGAL_REQUEST"
  | "STACK_OVERFLOW"
  | "MEMORY_VIOLATION"
  | "HARDWARE_FAULT"
  | "POWER_FAILURE";
export type ModuleAction = "IGNORE" | "SHUTDOWN" | "RESET";

export interface SystemHmEntry {
  readonly systemState: number;
  readonly errorId: number;
  readonly level: ErrorLevel;
  readonly errorCode: ErrorCode | undefined;
  readonly pos: SourcePos;
}

export interface ModuleHmEntry {
  readonly systemState: number;
  readonly errorId: number;
  readonly action: ModuleAction;
  readonly pos: SourcePos;
}

export interface PartitionHmEntry {
  readonly systemState: number;
  readonly errorId: number;
  readonly action: PartitionAction;
  readonly pos: SourcePos;
}

export interface PartitionHmTable {
  readonly partition: PartitionId;
  readonly callback: string | undefined;
  readonly entries: readonly PartitionHmEntry[];
}

export type ChannelEndpoint =
  | { readonly kind: "partition"; readonly partition: PartitionId; readonly port: string; readonly pos: SourcePos }
  | { readonly kind: "pseudo"; readonly name: string | undefined; readonly pos: SourcePos };

export interface ChannelConfig {
  readonly id: number;
  readonly name: string | undefined;
  readonly source: ChannelEndpoint;
  readonly destinations: readonly ChannelEndpoint[];
  readonly pos: SourcePos;
}

/** One cost-model override (extension namespace): the named cost, in cycles, replaces the default. */
export interface CostOverride {
  readonly name: string;
  readonly cycles: number;
  readonly pos: SourcePos;
}

/** One LogBook of the Part 2 LogbookSystem. */
export interface LogbookConfig {
  readonly name: string;
  /** The partition that may create, write and read it (OwnerPartitionName). */
  readonly owner: PartitionId;
  readonly maxNbLogged: number;
  readonly maxNbInProgress: number;
  readonly pos: SourcePos;
}

/** Module-wide apexvisor settings (extension namespace). */
export interface ModuleExtConfig {
  /** CPU clock of the cost model, in Hz (default 100 MHz). */
  readonly clockHz: number;
  /** Cost-model overrides in document order (names are checked by the cost model, not here). */
  readonly costOverrides?: readonly CostOverride[];
  /** Simulated errors in the kernel's own system states (apx:InjectError), in time order. */
  readonly injectedErrors?: readonly InjectedError[];
}

/**
 * An error the kernel raises itself in system state 1, 2 or 3 (apx:InjectError): the simulated source
 * of errors outside partition code (a power failure during module init, a hardware fault while the
 * kernel switches partitions). When it fires is the module runner's rule (module-runner.ts).
 */
export interface InjectedError {
  readonly systemState: 1 | 2 | 3;
  readonly errorCode: ErrorCode;
  /** Module time from which it may fire (0 for state 1, which fires before the first window). */
  readonly at: Nanos;
  readonly pos: SourcePos;
}

/** A whole validated module. Invariant: every reference in it names an existing partition or port. */
export interface SystemConfig {
  readonly file: string;
  readonly moduleName: string | undefined;
  readonly partitions: readonly PartitionConfig[];
  readonly schedules: readonly ModuleScheduleConfig[];
  readonly channels: readonly ChannelConfig[];
  /** Logbooks of the Part 2 LogbookSystem (empty without one). */
  readonly logbooks: readonly LogbookConfig[];
  readonly systemHm: readonly SystemHmEntry[];
  readonly moduleHm: readonly ModuleHmEntry[];
  /** The Module_HM_Table's ModuleCallback: a function of a system partition's image (kernel/module/module-runner.ts). */
  readonly moduleCallback?: string;
  readonly partitionHm: readonly PartitionHmTable[];
  readonly ext: ModuleExtConfig;
}
