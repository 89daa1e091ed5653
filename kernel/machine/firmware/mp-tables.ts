// Intel MultiProcessor Specification 1.4 tables for the one-CPU FV PC: the "_MP_" floating pointer and
// the "PCMP" configuration table (processor, ISA bus, I/O APIC, ISA interrupt and local interrupt
// entries), checksummed. Layouts: MP spec 1.4 ch. 4 (tables 4-1, 4-2 and 4-3..4-8). No extended entries.
import { DEFAULT_IO_APIC_ID, IO_APIC_BASE, IO_APIC_VERSION } from "../../devices/io-apic";
import { LOCAL_APIC_BASE, LOCAL_APIC_VERSION } from "../../devices/local-apic";
import { guestPhys, type GuestPhysAddr } from "../../mem/types";
import { ByteLayout, type PhysWriter } from "./bytes";

const MP_SPEC_REV_1_4 = 0x04; // SPEC_REV: version 1.4
const FLOATING_LENGTH = 16; // floating pointer: one paragraph
const HEADER_LENGTH = 44; // configuration table header (table 4-2)
const ENTRY_PROCESSOR = 0; // Processor entry, 20 bytes
const ENTRY_BUS = 1; // Bus entry, 8 bytes
const ENTRY_IO_APIC = 2; // I/O APIC entry, 8 bytes
const ENTRY_IO_INTERRUPT = 3; // I/O Interrupt Assignment entry, 8 bytes
const ENTRY_LOCAL_INTERRUPT = 4; // Local Interrupt Assignment entry, 8 bytes
const PROCESSOR_ENTRY_LENGTH = 20;
const SHORT_ENTRY_LENGTH = 8;
const CPU_FLAG_EN = 0x01; // CPU FLAGS: EN (usable)
const CPU_FLAG_BP = 0x02; // CPU FLAGS: BP (bootstrap processor)
const IO_APIC_FLAG_EN = 0x01; // I/O APIC FLAGS: EN
const INT_TYPE_INT = 0; // interrupt type: vectored, from the APIC redirection entry
const INT_TYPE_NMI = 1; // interrupt type: NMI
const INT_TYPE_EXTINT = 3; // interrupt type: ExtINT (8259A-compatible)
const INT_FLAGS_CONFORMS = 0; // PO = 00, EL = 00: conforms to the bus's specification
const ISA_BUS_ID = 0;
const ALL_LOCAL_APICS = 0xff; // DESTINATION LOCAL APIC ID: every local APIC

/** Where the tables go and what they say about the machine. */
export interface MpTablesConfig {
  /** Address of the floating pointer: 16-byte aligned, in the EBDA's first KiB or 0xF0000-0xFFFFF. */
  readonly floatingAddr: GuestPhysAddr;
  /** Address of the configuration table (4-byte aligned). */
  readonly tableAddr: GuestPhysAddr;
  readonly localApicAddr?: GuestPhysAddr;
  readonly bspApicId?: number;
  readonly localApicVersion?: number;
  readonly ioApicId?: number;
  readonly ioApicVersion?: number;
  readonly ioApicAddr?: GuestPhysAddr;
  /** CPUID.1 EAX stepping/model/family as the processor entry's CPU SIGNATURE. */
  readonly cpuSignature?: number;
  /** CPUID.1 EDX as the processor entry's FEATURE FLAGS. */
  readonly cpuFeatures?: number;
}

/** The two structures as bytes, ready to be written at their addresses. */
export interface MpTables {
  readonly floating: Uint8Array;
  readonly table: Uint8Array;
}

/** Default placement inside a 1 KiB EBDA whose byte 0 holds its size: pointer at +0x10, table at +0x20. */
export function mpPlacementInEbda(ebdaBase: GuestPhysAddr): Pick<MpTablesConfig, "floatingAddr" | "tableAddr"> {
  return { floatingAddr: guestPhys(ebdaBase + 0x10), tableAddr: guestPhys(ebdaBase + 0x20) };
}

/** ISA IRQ -> I/O APIC pin as wired on PCs: the PIT's IRQ0 on pin 2, IRQ2 (cascade) absent, others 1:1. */
export function isaIrqRoutes(): ReadonlyArray<{ readonly irq: number; readonly pin: number }> {
  const routes: Array<{ irq: number; pin: number }> = [{ irq: 0, pin: 2 }];
  for (let irq = 1; irq < 16; irq++) if (irq !== 2) routes.push({ irq, pin: irq });
  return routes;
}

/** Builds both structures. A misplaced table is a host bug: throws. */
export function buildMpTables(config: MpTablesConfig): MpTables {
  if (config.floatingAddr % 16 !== 0) throw new RangeError("MP floating pointer must be 16-byte aligned");
  if (config.tableAddr % 4 !== 0) throw new RangeError("MP configuration table must be 4-byte aligned");
  const ioApicId = config.ioApicId ?? DEFAULT_IO_APIC_ID;
  const routes = isaIrqRoutes();
  const entryCount = 3 + routes.length + 2;
  const length = HEADER_LENGTH + PROCESSOR_ENTRY_LENGTH + (entryCount - 1) * SHORT_ENTRY_LENGTH;
  if (config.tableAddr < config.floatingAddr + FLOATING_LENGTH && config.floatingAddr < config.tableAddr + length) {
    throw new RangeError("MP floating pointer and configuration table overlap");
  }
  const t = new ByteLayout(length);

  t.ascii(0, "PCMP", 4).u16(4, length).u8(6, MP_SPEC_REV_1_4);
  t.ascii(8, "APEXVSR", 8).ascii(16, "FV-PC", 12);
  t.u32(28, 0).u16(32, 0).u16(34, entryCount); // no OEM table
  t.u32(36, config.localApicAddr ?? LOCAL_APIC_BASE).u16(40, 0).u8(42, 0); // no extended table

  let at = HEADER_LENGTH;
  t.u8(at, ENTRY_PROCESSOR).u8(at + 1, config.bspApicId ?? 0).u8(at + 2, config.localApicVersion ?? (LOCAL_APIC_VERSION & 0xff));
  t.u8(at + 3, CPU_FLAG_EN | CPU_FLAG_BP).u32(at + 4, config.cpuSignature ?? 0x0000_0600).u32(at + 8, config.cpuFeatures ?? 0x0000_0200);
  at += PROCESSOR_ENTRY_LENGTH;
  t.u8(at, ENTRY_BUS).u8(at + 1, ISA_BUS_ID).ascii(at + 2, "ISA", 6);
  at += SHORT_ENTRY_LENGTH;
  t.u8(at, ENTRY_IO_APIC).u8(at + 1, ioApicId).u8(at + 2, config.ioApicVersion ?? (IO_APIC_VERSION & 0xff)).u8(at + 3, IO_APIC_FLAG_EN);
  t.u32(at + 4, config.ioApicAddr ?? IO_APIC_BASE);
  at += SHORT_ENTRY_LENGTH;
  for (const { irq, pin } of routes) {
    t.u8(at, ENTRY_IO_INTERRUPT).u8(at + 1, INT_TYPE_INT).u16(at + 2, INT_FLAGS_CONFORMS);
    t.u8(at + 4, ISA_BUS_ID).u8(at + 5, irq).u8(at + 6, ioApicId).u8(at + 7, pin);
    at += SHORT_ENTRY_LENGTH;
  }
  for (const [type, lint] of [[INT_TYPE_EXTINT, 0], [INT_TYPE_NMI, 1]] as const) {
    t.u8(at, ENTRY_LOCAL_INTERRUPT).u8(at + 1, type).u16(at + 2, INT_FLAGS_CONFORMS);
    t.u8(at + 4, ISA_BUS_ID).u8(at + 5, 0).u8(at + 6, ALL_LOCAL_APICS).u8(at + 7, lint);
    at += SHORT_ENTRY_LENGTH;
  }
  t.checksum(7);

  const f = new ByteLayout(FLOATING_LENGTH);
  f.ascii(0, "_MP_", 4).u32(4, config.tableAddr).u8(8, 1).u8(9, MP_SPEC_REV_1_4);
  f.u8(11, 0); // feature byte 1: a configuration table is present
  f.u8(12, 0); // feature byte 2: IMCRP = 0, virtual wire mode
  f.checksum(10);
  return { floating: f.bytes, table: t.bytes };
}

/** Writes both structures through `write`. */
export function writeMpTables(write: PhysWriter, config: MpTablesConfig): void {
  const tables = buildMpTables(config);
  write(config.floatingAddr, tables.floating);
  write(config.tableAddr, tables.table);
}
