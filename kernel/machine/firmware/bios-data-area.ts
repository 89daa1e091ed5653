// The BIOS Data Area at 0x400 and the Extended BIOS Data Area below 640 KiB, as a PC BIOS would leave
// them for an FV guest booted without a BIOS: port bases, equipment word, memory size, video state.
// It does not produce the multiboot memory map; the caller must keep the EBDA out of usable RAM.
import { guestPhys, type GuestPhysAddr } from "../../mem/types";
import { ByteLayout, type PhysWriter } from "./bytes";

/** Physical address of the BDA. */
export const BDA_BASE = guestPhys(0x400);
/** Bytes of the BDA written here (0x400-0x4FF). */
export const BDA_SIZE = 0x100;
/** Default EBDA: the last KiB of conventional memory. */
export const DEFAULT_EBDA_BASE = guestPhys(0x9_fc00);

const BDA_COM_PORTS = 0x00; // COM1-COM4 I/O bases (words)
const BDA_LPT_PORTS = 0x08; // LPT1-LPT3 I/O bases (words)
const BDA_EBDA_SEGMENT = 0x0e; // EBDA segment (word)
const BDA_EQUIPMENT = 0x10; // equipment word (INT 11h)
const BDA_BASE_MEMORY_KIB = 0x13; // conventional memory in KiB (INT 12h)
const BDA_VIDEO_MODE = 0x49; // current video mode
const BDA_VIDEO_COLUMNS = 0x4a; // text columns (word)
const BDA_VIDEO_PAGE_SIZE = 0x4c; // bytes per video page (word)
const BDA_CURSOR_SHAPE = 0x60; // cursor end scan line, start scan line
const BDA_CRTC_PORT = 0x63; // CRTC index port (word)
const BDA_VIDEO_MODE_CONTROL = 0x65; // last value written to 0x3D8
const BDA_VIDEO_ROWS_MINUS_1 = 0x84; // text rows - 1
const BDA_CHAR_HEIGHT = 0x85; // scan lines per character (word)

const EQUIP_FPU = 1 << 1; // equipment bit 1: math coprocessor installed
const EQUIP_VIDEO_80X25_COLOR = 0b10 << 4; // equipment bits 4-5: initial video mode 80x25 colour
const EQUIP_SERIAL_SHIFT = 9; // equipment bits 9-11: number of serial ports
const EQUIP_PARALLEL_SHIFT = 14; // equipment bits 14-15: number of parallel ports

/** What the BDA describes. */
export interface BiosDataAreaConfig {
  /** Serial port I/O bases in COM order (at most 4), e.g. [0x3f8]. */
  readonly comPorts: readonly number[];
  /** Parallel port I/O bases (at most 3). */
  readonly lptPorts?: readonly number[];
  /** EBDA start: KiB-aligned, below 0xA0000; conventional memory ends there. */
  readonly ebdaBase?: GuestPhysAddr;
  /** Whether the vCPU reports an x87 FPU. */
  readonly fpu?: boolean;
}

/** The two areas as bytes with their addresses. */
export interface BiosDataAreas {
  readonly bda: { readonly addr: GuestPhysAddr; readonly bytes: Uint8Array };
  readonly ebda: { readonly addr: GuestPhysAddr; readonly bytes: Uint8Array };
  /** Conventional memory in KiB as reported at 0x413 (the EBDA start). */
  readonly baseMemoryKiB: number;
}

/** Builds the BDA and a 1 KiB EBDA (byte 0: its size in KiB). Bad configuration is a host bug: throws. */
export function buildBiosDataAreas(config: BiosDataAreaConfig): BiosDataAreas {
  const lpt = config.lptPorts ?? [];
  const ebdaBase = config.ebdaBase ?? DEFAULT_EBDA_BASE;
  if (config.comPorts.length > 4 || lpt.length > 3) throw new RangeError("BDA holds at most 4 COM and 3 LPT ports");
  if (ebdaBase % 1024 !== 0 || ebdaBase < 0x8_0000 || ebdaBase + 1024 > 0xa_0000) {
    throw new RangeError(`EBDA must be a KiB-aligned KiB in 512-640 KiB, got 0x${ebdaBase.toString(16)}`);
  }
  const baseMemoryKiB = ebdaBase / 1024;
  const bda = new ByteLayout(BDA_SIZE);
  config.comPorts.forEach((port, i) => bda.u16(BDA_COM_PORTS + 2 * i, port));
  lpt.forEach((port, i) => bda.u16(BDA_LPT_PORTS + 2 * i, port));
  bda.u16(BDA_EBDA_SEGMENT, ebdaBase >>> 4);
  const equipment =
    (config.fpu === true ? EQUIP_FPU : 0) |
    EQUIP_VIDEO_80X25_COLOR |
    (config.comPorts.length << EQUIP_SERIAL_SHIFT) |
    (lpt.length << EQUIP_PARALLEL_SHIFT);
  bda.u16(BDA_EQUIPMENT, equipment);
  bda.u16(BDA_BASE_MEMORY_KIB, baseMemoryKiB);
  bda.u8(BDA_VIDEO_MODE, 0x03).u16(BDA_VIDEO_COLUMNS, 80).u16(BDA_VIDEO_PAGE_SIZE, 0x1000);
  bda.u8(BDA_CURSOR_SHAPE, 0x0e).u8(BDA_CURSOR_SHAPE + 1, 0x0d); // as the CGA device's CRTC 0x0A/0x0B
  bda.u16(BDA_CRTC_PORT, 0x3d4).u8(BDA_VIDEO_MODE_CONTROL, 0x29);
  bda.u8(BDA_VIDEO_ROWS_MINUS_1, 24).u16(BDA_CHAR_HEIGHT, 16);
  const ebda = new ByteLayout(1024).u8(0, 1);
  return { bda: { addr: BDA_BASE, bytes: bda.bytes }, ebda: { addr: ebdaBase, bytes: ebda.bytes }, baseMemoryKiB };
}

/** Writes both areas through `write`; returns the conventional memory size in KiB. */
export function writeBiosDataAreas(write: PhysWriter, config: BiosDataAreaConfig): number {
  const areas = buildBiosDataAreas(config);
  write(areas.bda.addr, areas.bda.bytes);
  write(areas.ebda.addr, areas.ebda.bytes);
  return areas.baseMemoryKiB;
}
