// Everything a PC BIOS would have left in low memory for an FV guest booted directly (Multiboot):
// the BDA, a 1 KiB EBDA and, inside it, the MP tables. One call for the machine wiring; the pieces
// stay in their own builders. It does not fill the CMOS (cmos-nvram.ts) or the memory map.
import { DEFAULT_EBDA_BASE, writeBiosDataAreas, type BiosDataAreaConfig } from "./bios-data-area";
import type { PhysWriter } from "./bytes";
import { mpPlacementInEbda, writeMpTables, type MpTablesConfig } from "./mp-tables";

/** The firmware state of one FV PC. */
export interface PcFirmwareConfig extends BiosDataAreaConfig {
  /** MP table contents beyond their placement (CPU signature and features, APIC ids). */
  readonly mp?: Omit<MpTablesConfig, "floatingAddr" | "tableAddr">;
}

/** Writes BDA, EBDA and MP tables; returns the conventional memory size in KiB (for mem_lower). */
export function writePcFirmware(write: PhysWriter, config: PcFirmwareConfig): number {
  const baseMemoryKiB = writeBiosDataAreas(write, config);
  writeMpTables(write, { ...config.mp, ...mpPlacementInEbda(config.ebdaBase ?? DEFAULT_EBDA_BASE) });
  return baseMemoryKiB;
}
