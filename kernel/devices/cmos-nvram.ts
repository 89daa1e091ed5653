// The power-on contents of the PC's 128-byte CMOS RAM that firmware would have left there: memory
// sizes (IBM PC/AT layout, as SeaBIOS-era BIOSes and OS probes read them) and the standard checksum.
// It does not cover the RTC registers 0x00-0x0D, which the cmos-rtc device computes.

/** CMOS RAM size on a PC/AT (two 64-byte banks behind ports 0x70/0x71). */
export const CMOS_SIZE = 128;

const CMOS_BASE_MEMORY = 0x15; // base memory in KiB, low byte (0x16 high)
const CMOS_EXT_MEMORY = 0x17; // memory above 1 MiB in KiB, low byte (0x18 high), capped at 0xFFFF
const CMOS_CHECKSUM_HIGH = 0x2e; // checksum of 0x10-0x2D, high byte (0x2F low)
const CMOS_EXT_MEMORY_POST = 0x30; // memory above 1 MiB found by POST, low byte (0x31 high)
const CMOS_HIGH_MEMORY = 0x34; // memory above 16 MiB in 64 KiB units, low byte (0x35 high)
const CHECKSUM_FIRST = 0x10;
const CHECKSUM_LAST = 0x2d;

const MIB = 1024 * 1024;

/** What the CMOS RAM describes. */
export interface NvramLayout {
  /** Guest RAM size in bytes. */
  readonly ramBytes: number;
  /** Conventional memory below 640 KiB in KiB; 640 when absent. */
  readonly baseMemoryKiB?: number;
}

function putWord(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value & 0xff;
  bytes[at + 1] = (value >>> 8) & 0xff;
}

/** Sum of bytes 0x10-0x2D as stored big-endian at 0x2E/0x2F. */
export function cmosChecksum(bytes: Uint8Array): number {
  let sum = 0;
  for (let i = CHECKSUM_FIRST; i <= CHECKSUM_LAST; i++) sum += bytes[i] ?? 0;
  return sum & 0xffff;
}

/** A fresh 128-byte CMOS image for `layout`, checksum included. */
export function initialNvram(layout: NvramLayout): Uint8Array {
  if (!Number.isSafeInteger(layout.ramBytes) || layout.ramBytes < 0) throw new RangeError(`bad RAM size ${layout.ramBytes}`);
  const bytes = new Uint8Array(CMOS_SIZE);
  putWord(bytes, CMOS_BASE_MEMORY, layout.baseMemoryKiB ?? 640);
  const extKiB = Math.min(0xffff, Math.max(0, Math.floor((layout.ramBytes - MIB) / 1024)));
  putWord(bytes, CMOS_EXT_MEMORY, extKiB);
  putWord(bytes, CMOS_EXT_MEMORY_POST, extKiB);
  const highUnits = Math.min(0xffff, Math.max(0, Math.floor((layout.ramBytes - 16 * MIB) / (64 * 1024))));
  putWord(bytes, CMOS_HIGH_MEMORY, highUnits);
  const sum = cmosChecksum(bytes);
  bytes[CMOS_CHECKSUM_HIGH] = sum >>> 8;
  bytes[CMOS_CHECKSUM_HIGH + 1] = sum & 0xff;
  return bytes;
}
