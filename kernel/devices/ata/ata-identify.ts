// The 256-word IDENTIFY DEVICE page of the emulated disk (ATA/ATAPI-6 section 8.15, table 16): strings,
// CHS and LBA28 capacity, PIO-only capabilities, the multiple-sector settings and the integrity word.
import { MAX_MULTIPLE } from "./ata-registers";

/** Default CHS translation of an LBA disk (the BIOS convention for disks over 504 MiB). */
export const DEFAULT_HEADS = 16;
export const DEFAULT_SECTORS_PER_TRACK = 63;
/** Most cylinders IDENTIFY reports (ATA-6 word 1: 16,383 for disks over 8.4 GB). */
const MAX_CYLINDERS = 16383;

export const MODEL = "APEXVISOR ATA DISK";
export const FIRMWARE = "1.0";
export const SERIAL = "APXV0001";

/** Geometry the device uses for CHS addressing. */
export interface Geometry {
  readonly cylinders: number;
  readonly heads: number;
  readonly sectorsPerTrack: number;
}

/** The default geometry of a disk of `sectors` sectors. */
export function defaultGeometry(sectors: number): Geometry {
  const cylinders = Math.max(1, Math.min(MAX_CYLINDERS, Math.floor(sectors / (DEFAULT_HEADS * DEFAULT_SECTORS_PER_TRACK))));
  return { cylinders, heads: DEFAULT_HEADS, sectorsPerTrack: DEFAULT_SECTORS_PER_TRACK };
}

/** Puts an ATA string into words: two characters per word, the first in the high byte, space padded. */
function putString(words: Uint16Array, first: number, count: number, text: string): void {
  const padded = text.padEnd(count * 2, " ");
  for (let i = 0; i < count; i++) words[first + i] = (padded.charCodeAt(2 * i) << 8) | padded.charCodeAt(2 * i + 1);
}

/** The IDENTIFY DEVICE page as 512 bytes (little-endian words) for a disk of `sectors` sectors. */
export function identifyPage(sectors: number, current: Geometry, multipleCount: number): Uint8Array {
  const w = new Uint16Array(256);
  const dflt = defaultGeometry(sectors);
  const lba28 = Math.min(sectors, 0x0fff_ffff);
  w[0] = 0x0040; // bit 15 = 0: ATA device; bit 6: not removable
  w[1] = dflt.cylinders;
  w[3] = dflt.heads;
  w[6] = dflt.sectorsPerTrack;
  putString(w, 10, 10, SERIAL);
  putString(w, 23, 4, FIRMWARE);
  putString(w, 27, 20, MODEL);
  w[47] = 0x8000 | MAX_MULTIPLE; // bits 7-0: most sectors per READ/WRITE MULTIPLE block
  w[49] = 0x0200; // bit 9: LBA supported (no DMA: PIO only)
  w[50] = 0x4000; // bit 14 shall be one
  w[51] = 0x0200; // PIO data transfer cycle timing mode 2 (obsolete field, still read by BIOSes)
  w[53] = 0x0003; // words 54-58 and 64-70 are valid
  const chsSectors = Math.min(sectors, current.cylinders * current.heads * current.sectorsPerTrack);
  w[54] = current.cylinders;
  w[55] = current.heads;
  w[56] = current.sectorsPerTrack;
  w[57] = chsSectors & 0xffff;
  w[58] = chsSectors >>> 16;
  w[59] = multipleCount === 0 ? 0 : 0x0100 | multipleCount; // bit 8: the multiple setting is valid
  w[60] = lba28 & 0xffff;
  w[61] = lba28 >>> 16;
  w[64] = 0x0003; // PIO modes 3 and 4
  w[65] = w[66] = w[67] = w[68] = 120; // cycle times in ns
  w[80] = 0x007e; // major version: ATA-1 through ATA/ATAPI-6
  w[83] = 0x4000; // bit 14 shall be one, bit 15 zero (no 48-bit address feature set)
  w[84] = 0x4000;
  w[87] = 0x4000;
  const bytes = new Uint8Array(512);
  for (let i = 0; i < 256; i++) {
    bytes[2 * i] = w[i]! & 0xff;
    bytes[2 * i + 1] = w[i]! >>> 8;
  }
  // Word 255: signature A5h in bits 7-0, and a checksum in bits 15-8 making all 512 bytes sum to 0 mod 256.
  bytes[510] = 0xa5;
  let sum = 0;
  for (let i = 0; i < 511; i++) sum += bytes[i]!;
  bytes[511] = (256 - (sum & 0xff)) & 0xff;
  return bytes;
}
