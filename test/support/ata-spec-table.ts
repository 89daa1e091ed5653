// The ATA register-level cases (ATA/ATAPI-6), as data: port writes, expected reads, interrupt levels
// and disk contents, on the primary channel (0x1F0-0x1F7, 0x3F6). Any placement of the controller (the
// in-kernel model, a partition-served one) runs the same table through an AtaPorts harness.

/** Sectors of the disk every case starts from (more than 256, so a count of 0 fits). */
export const ATA_TABLE_DISK_SECTORS = 300;

/** Byte `i` of sector `lba` of the starting disk: the LBA in the first four bytes, then a pattern. */
export function patternByte(lba: number, i: number, seed = 0): number {
  if (i < 4) return (lba >>> (8 * i)) & 0xff;
  return (lba * 7 + i * 13 + seed * 101) & 0xff;
}

/** Sector `lba` of the pattern (seed 0 is the starting disk; cases write other seeds). */
export function patternSector(lba: number, seed = 0): Uint8Array {
  const s = new Uint8Array(512);
  for (let i = 0; i < 512; i++) s[i] = patternByte(lba, i, seed);
  return s;
}

/** The starting disk image of every case. */
export function patternDisk(sectors = ATA_TABLE_DISK_SECTORS): Uint8Array {
  const d = new Uint8Array(sectors * 512);
  for (let k = 0; k < sectors; k++) d.set(patternSector(k), k * 512);
  return d;
}

/** One step of a case. */
export type AtaStep =
  /** OUT of a byte to `port`. */
  | { readonly op: "out"; readonly port: number; readonly value: number }
  /** IN of `size` bytes (1 unless given) from `port`, compared with `expect`. */
  | { readonly op: "in"; readonly port: number; readonly expect: number; readonly size?: 2 | 4 }
  /** Let the device finish whatever it is busy with (virtual time passes; no port is touched). */
  | { readonly op: "settle" }
  /** The controller's interrupt request line (IRQ14) is at `expect`. */
  | { readonly op: "irq"; readonly expect: boolean }
  /** Reads `sectors` x 256 words from the Data port (32-bit accesses with `wide`) and compares with pattern sectors from `lba` (seed `seed`). */
  | { readonly op: "readData"; readonly lba: number; readonly sectors: number; readonly seed?: number; readonly wide?: boolean }
  /** Writes pattern sectors (seed `seed`, stamped for `lba` on) through the Data port. */
  | { readonly op: "writeData"; readonly lba: number; readonly sectors: number; readonly seed: number }
  /** Reads the 256 IDENTIFY words and checks the listed ones and the integrity word. */
  | { readonly op: "identify"; readonly words: Readonly<Record<number, number>> }
  /** The disk's sector `lba` now holds pattern seed `seed`. */
  | { readonly op: "disk"; readonly lba: number; readonly seed: number };

/** One case: a name with the spec section it checks, and its steps from power-on. */
export interface AtaCase {
  readonly name: string;
  readonly steps: readonly AtaStep[];
}

/** What a placement of the controller offers the table. */
export interface AtaPorts {
  in(port: number, size: 1 | 2 | 4): number;
  out(port: number, size: 1 | 2 | 4, value: number): void;
  settle(): void;
  irq(): boolean;
  sector(lba: number): Uint8Array;
}

const CMD_PORT = 0x1f7;
const ALT = 0x3f6;
const out = (port: number, value: number): AtaStep => ({ op: "out", port, value });
const inb = (port: number, expect: number): AtaStep => ({ op: "in", port, expect });
const settle: AtaStep = { op: "settle" };
const irq = (expect: boolean): AtaStep => ({ op: "irq", expect });

/** Task file for an LBA28 command on device 0, then the command. */
function lbaCommand(cmd: number, lba: number, count: number): AtaStep[] {
  return [out(0x1f6, 0xe0 | ((lba >>> 24) & 0x0f)), out(0x1f2, count & 0xff), out(0x1f3, lba & 0xff), out(0x1f4, (lba >>> 8) & 0xff), out(0x1f5, (lba >>> 16) & 0xff), out(CMD_PORT, cmd)];
}

/** PIO data-in, block by block: interrupt, DRQ, the block, and BSY or the end (ATA-6 9.7). */
function dataIn(lba: number, sectors: number, block: number, wide = false): AtaStep[] {
  const steps: AtaStep[] = [];
  for (let done = 0; done < sectors; done += block) {
    const n = Math.min(block, sectors - done);
    steps.push(settle, irq(true), inb(ALT, 0x58), irq(true), inb(CMD_PORT, 0x58), irq(false), { op: "readData", lba: lba + done, sectors: n, wide });
    steps.push(inb(ALT, done + n < sectors ? 0x80 : 0x50));
  }
  return [...steps, irq(false)];
}

/** PIO data-out: DRQ without an interrupt for the first block, an interrupt after each block (ATA-6 9.8). */
function dataOut(lba: number, sectors: number, block: number, seed: number): AtaStep[] {
  const steps: AtaStep[] = [settle, irq(false)];
  for (let done = 0; done < sectors; done += block) {
    const n = Math.min(block, sectors - done);
    steps.push(inb(CMD_PORT, 0x58), { op: "writeData", lba: lba + done, sectors: n, seed }, inb(ALT, 0x80), settle, irq(true));
  }
  steps.push(inb(CMD_PORT, 0x50), irq(false));
  for (let k = 0; k < sectors; k++) steps.push({ op: "disk", lba: lba + k, seed });
  return steps;
}

/** Error completion: ERR with `error`, an interrupt (ATA-6 9.10 non-data, 6.2 error outputs). */
function errorEnd(error: number): AtaStep[] {
  return [settle, irq(true), inb(CMD_PORT, 0x51), irq(false), inb(0x1f1, error)];
}

const SIGNATURE: AtaStep[] = [inb(0x1f2, 0x01), inb(0x1f3, 0x01), inb(0x1f4, 0x00), inb(0x1f5, 0x00), inb(0x1f1, 0x01)];

/** The cases. */
export const ATA_SPEC_TABLE: readonly AtaCase[] = [
  { name: "power-on: DRDY|DSC, ATA signature, diagnostic code 01h (9.12)", steps: [inb(CMD_PORT, 0x50), ...SIGNATURE, irq(false)] },
  {
    name: "IDENTIFY DEVICE: BSY, then DRQ with an interrupt; Alternate Status does not acknowledge it (8.15, 9.7)",
    steps: [
      out(0x1f6, 0xa0), out(CMD_PORT, 0xec), inb(ALT, 0x80), irq(false), inb(0x1f2, 0x80), settle, irq(true), inb(ALT, 0x58), irq(true), inb(CMD_PORT, 0x58), irq(false),
      { op: "identify", words: { 0: 0x0040, 1: 1, 3: 16, 6: 63, 10: 0x4150, 27: 0x4150, 28: 0x4558, 47: 0x8010, 49: 0x0200, 53: 0x0003, 59: 0, 60: ATA_TABLE_DISK_SECTORS, 61: 0, 80: 0x007e, 83: 0x4000 } },
      inb(CMD_PORT, 0x50), irq(false),
    ],
  },
  {
    name: "READ SECTORS, one sector, LBA28: data, then the registers name the last sector (8.27)",
    steps: [...lbaCommand(0x20, 5, 1), ...dataIn(5, 1, 1), inb(0x1f3, 5), inb(0x1f4, 0), inb(0x1f2, 0)],
  },
  { name: "READ SECTORS, three sectors: an interrupt per sector, BSY between them", steps: [...lbaCommand(0x20, 40, 3), ...dataIn(40, 3, 1), inb(0x1f3, 42)] },
  { name: "READ SECTORS with count 0 transfers 256 sectors", steps: [...lbaCommand(0x20, 10, 0), ...dataIn(10, 256, 1), inb(0x1f3, (10 + 255) & 0xff), inb(0x1f4, 1)] },
  { name: "READ SECTORS through 32-bit Data accesses (two words each)", steps: [...lbaCommand(0x21, 7, 2), ...dataIn(7, 2, 1, true)] },
  { name: "READ SECTORS with CHS addressing: C0/H1/S1 is LBA 63 with 16 heads and 63 sectors (6.2.1)", steps: [out(0x1f6, 0xa1), out(0x1f2, 1), out(0x1f3, 1), out(0x1f4, 0), out(0x1f5, 0), out(CMD_PORT, 0x20), ...dataIn(63, 1, 1)] },
  { name: "READ SECTORS with CHS sector 0 fails with IDNF", steps: [out(0x1f6, 0xa0), out(0x1f2, 1), out(0x1f3, 0), out(CMD_PORT, 0x20), ...errorEnd(0x10)] },
  { name: "WRITE SECTORS, two sectors: DRQ without interrupt, then one per block (8.45, 9.8)", steps: [...lbaCommand(0x30, 20, 2), ...dataOut(20, 2, 1, 3), { op: "disk", lba: 22, seed: 0 }] },
  {
    name: "SET MULTIPLE MODE 4, READ MULTIPLE 6 sectors: blocks of 4 and 2; IDENTIFY word 59 shows the setting (8.39, 8.24)",
    steps: [
      out(0x1f6, 0xe0), out(0x1f2, 4), out(CMD_PORT, 0xc6), settle, irq(true), inb(CMD_PORT, 0x50), irq(false),
      ...lbaCommand(0xc4, 100, 6), ...dataIn(100, 6, 4),
      out(CMD_PORT, 0xec), settle, inb(CMD_PORT, 0x58), { op: "identify", words: { 59: 0x0104 } },
    ],
  },
  { name: "WRITE MULTIPLE 5 sectors in blocks of 2 (8.47)", steps: [out(0x1f6, 0xe0), out(0x1f2, 2), out(CMD_PORT, 0xc6), settle, inb(CMD_PORT, 0x50), ...lbaCommand(0xc5, 200, 5), ...dataOut(200, 5, 2, 9)] },
  { name: "READ MULTIPLE before SET MULTIPLE MODE is aborted", steps: [...lbaCommand(0xc4, 0, 1), ...errorEnd(0x04)] },
  { name: "SET MULTIPLE MODE 3 (not a power of two) is aborted", steps: [out(0x1f6, 0xe0), out(0x1f2, 3), out(CMD_PORT, 0xc6), ...errorEnd(0x04)] },
  { name: "READ past the last sector fails with IDNF before any data; the address names the first sector outside", steps: [...lbaCommand(0x20, ATA_TABLE_DISK_SECTORS - 1, 2), ...errorEnd(0x10), inb(0x1f3, ATA_TABLE_DISK_SECTORS & 0xff), inb(0x1f4, ATA_TABLE_DISK_SECTORS >>> 8)] },
  { name: "WRITE past the last sector fails with IDNF and changes nothing", steps: [...lbaCommand(0x30, ATA_TABLE_DISK_SECTORS, 1), ...errorEnd(0x10), { op: "disk", lba: ATA_TABLE_DISK_SECTORS - 1, seed: 0 }] },
  { name: "unsupported commands (NOP 00h, READ DMA C8h, IDENTIFY PACKET A1h) are aborted", steps: [out(CMD_PORT, 0x00), ...errorEnd(0x04), out(CMD_PORT, 0xc8), ...errorEnd(0x04), out(CMD_PORT, 0xa1), ...errorEnd(0x04)] },
  {
    name: "nIEN releases INTRQ; the interrupt stays pending and shows when nIEN is cleared (7.8)",
    steps: [out(ALT, 0x02), ...lbaCommand(0x20, 1, 1), settle, irq(false), inb(ALT, 0x58), out(ALT, 0x00), irq(true), inb(CMD_PORT, 0x58), irq(false), { op: "readData", lba: 1, sectors: 1 }],
  },
  {
    name: "SRST: BSY while set and after it is cleared, then the signature, no interrupt; a transfer in progress is dropped (9.2)",
    steps: [...lbaCommand(0x20, 1, 1), settle, out(ALT, 0x04), inb(ALT, 0x80), irq(false), out(ALT, 0x00), inb(ALT, 0x80), settle, inb(CMD_PORT, 0x50), irq(false), ...SIGNATURE, { op: "in", port: 0x1f0, size: 2, expect: 0xffff }],
  },
  {
    name: "device 1 absent: Status reads 00h, its commands are ignored, device 0 keeps INTRQ released while device 1 is selected (9.16.1)",
    steps: [
      out(0x1f6, 0xb0), inb(CMD_PORT, 0x00), inb(ALT, 0x00), out(CMD_PORT, 0xec), settle, irq(false), out(0x1f6, 0xa0), inb(CMD_PORT, 0x50), irq(false),
      ...lbaCommand(0x20, 2, 1), settle, irq(true), out(0x1f6, 0xf0), irq(false), out(0x1f6, 0xe0), irq(true), inb(CMD_PORT, 0x58), { op: "readData", lba: 2, sectors: 1 },
    ],
  },
  { name: "EXECUTE DEVICE DIAGNOSTIC: signature, code 01h, an interrupt (8.11)", steps: [out(0x1f3, 0x55), out(CMD_PORT, 0x90), settle, irq(true), inb(CMD_PORT, 0x50), ...SIGNATURE] },
  { name: "Data port without DRQ reads all-ones", steps: [{ op: "in", port: 0x1f0, size: 2, expect: 0xffff }, inb(CMD_PORT, 0x50)] },
];

/** Runs one case against a placement; returns the mismatches (empty = pass). */
export function runAtaCase(c: AtaCase, h: AtaPorts): string[] {
  const bad: string[] = [];
  c.steps.forEach((s, i) => {
    const at = `step ${i} (${s.op})`;
    switch (s.op) {
      case "out":
        h.out(s.port, 1, s.value);
        return;
      case "in": {
        const v = h.in(s.port, s.size ?? 1);
        if (v !== s.expect) bad.push(`${at}: in 0x${s.port.toString(16)} = 0x${v.toString(16)}, expected 0x${s.expect.toString(16)}`);
        return;
      }
      case "settle":
        h.settle();
        return;
      case "irq":
        if (h.irq() !== s.expect) bad.push(`${at}: IRQ ${!s.expect}, expected ${s.expect}`);
        return;
      case "readData":
        for (let k = 0; k < s.sectors; k++) {
          const want = patternSector(s.lba + k, s.seed ?? 0);
          const got = new Uint8Array(512);
          for (let w = 0; w < 256; w += s.wide === true ? 2 : 1) {
            const v = h.in(0x1f0, s.wide === true ? 4 : 2);
            for (let b = 0; b < (s.wide === true ? 4 : 2); b++) got[2 * w + b] = (v >>> (8 * b)) & 0xff;
          }
          const diff = got.findIndex((b, j) => b !== want[j]);
          if (diff >= 0) bad.push(`${at}: sector ${s.lba + k} byte ${diff} = ${got[diff]}, expected ${want[diff]}`);
        }
        return;
      case "writeData":
        for (let k = 0; k < s.sectors; k++) {
          const data = patternSector(s.lba + k, s.seed);
          for (let w = 0; w < 256; w++) h.out(0x1f0, 2, data[2 * w]! | (data[2 * w + 1]! << 8));
        }
        return;
      case "identify": {
        const words: number[] = [];
        let sum = 0;
        for (let w = 0; w < 256; w++) {
          const v = h.in(0x1f0, 2);
          words.push(v);
          sum += (v & 0xff) + (v >>> 8);
        }
        for (const [k, want] of Object.entries(s.words)) if (words[Number(k)] !== want) bad.push(`${at}: word ${k} = 0x${(words[Number(k)] ?? -1).toString(16)}, expected 0x${want.toString(16)}`);
        if ((words[255]! & 0xff) !== 0xa5 || (sum & 0xff) !== 0) bad.push(`${at}: integrity word 0x${words[255]!.toString(16)} (signature A5h, byte sum ${sum & 0xff}, expected 0)`);
        return;
      }
      case "disk": {
        const got = h.sector(s.lba);
        const want = patternSector(s.lba, s.seed);
        if (got.some((b, j) => b !== want[j])) bad.push(`${at}: disk sector ${s.lba} does not hold pattern seed ${s.seed}`);
        return;
      }
      default: {
        const never: never = s;
        throw new Error(`unknown step ${JSON.stringify(never)}`);
      }
    }
  });
  return bad;
}
