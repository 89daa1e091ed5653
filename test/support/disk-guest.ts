// The disk guest (partitions/io/disk-guest) for tests and benchmarks: its image path, a disk laid out as
// it expects (an "APXDISK1" header sector, a text file from sector 1, a result sector after it) and
// the line it must print for a text, computed here independently of the guest.
import { existsSync, readFileSync } from "fs";
import { join } from "path";
import { REPO_ROOT } from "../kernel/machine/boot-test-image";

/** The disk guest, built at -O2 by npm run build:guests. */
export const DISK_GUEST_ELF = join(REPO_ROOT, "build", "guests", "partitions", "io", "disk-guest", "disk-guest-O2.elf");

/** Reads the disk guest or throws with the fix. */
export function diskGuestImage(): Uint8Array {
  if (!existsSync(DISK_GUEST_ELF)) throw new Error(`${DISK_GUEST_ELF} is missing: run \`npm run build:guests\``);
  return new Uint8Array(readFileSync(DISK_GUEST_ELF));
}

/** A disk holding `text`: header, file, the result sector (returned) and `spare` empty sectors. */
export function textDisk(text: string, spare = 8): { image: Uint8Array; resultLba: number } {
  const file = Buffer.from(text, "latin1");
  const resultLba = 1 + Math.ceil(file.length / 512);
  const image = new Uint8Array((resultLba + 1 + spare) * 512);
  image.set(Buffer.from("APXDISK1", "latin1"), 0);
  new DataView(image.buffer).setUint32(8, file.length, true);
  new DataView(image.buffer).setUint32(12, resultLba, true);
  image.set(file, 512);
  return { image, resultLba };
}

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return (c ^ 0xffffffff) >>> 0;
}

/** The result line the guest prints and writes for `text` ("lines=.. words=.. bytes=.. crc32=..\n"). */
export function expectedResult(text: string): string {
  const bytes = Buffer.from(text, "latin1");
  const lines = text.split("\n").length - 1;
  const words = text.split(/[ \n\t\r]+/).filter((w) => w.length > 0).length;
  return `lines=${lines} words=${words} bytes=${bytes.length} crc32=${crc32(bytes).toString(16).padStart(8, "0")}\n`;
}

/** A sample text of a few KiB (several multiple-sector blocks). */
export function sampleText(): string {
  const lines: string[] = [];
  for (let i = 0; i < 120; i++) lines.push(`line ${i}: partition ${i % 3} window ${(i * 7) % 11}\tdisk sector ${i * 13}`);
  return `${lines.join("\n")}\n`;
}
