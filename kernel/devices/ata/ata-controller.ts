// ATA (IDE) PIO controller, primary channel, one disk as device 0 (ATA/ATAPI-6, T13/1410D): the task
// file registers, PIO data-in / data-out / non-data protocols (section 9), IDENTIFY DEVICE, READ/WRITE
// SECTORS and MULTIPLE (LBA28 and CHS), SET MULTIPLE MODE, soft reset with the signature, nIEN, and
// device 1 absent. Not modelled: DMA, 48-bit commands, PACKET devices, power management, write cache.
//
// Timing (virtual time, deterministic): a command is BSY for COMMAND_NS before its first block (or its
// completion); each data block of n sectors takes n x SECTOR_NS of media time: before DRQ for reads,
// after the host's last word for writes. Soft reset holds BSY for RESET_NS after SRST is cleared.
// A read whose range leaves the disk fails with IDNF before any data moves (the address registers name
// the first sector outside the disk).
import type { Device, IrqLine, ParseResult, TimerService } from "../device";
import { lba as toLba, SECTOR_BYTES, type BlockStore } from "../../disk/block-store";
import { nanos } from "../../mem/types";
import { DEFAULT_HEADS, DEFAULT_SECTORS_PER_TRACK, defaultGeometry, identifyPage } from "./ata-identify";
import {
  CMD, CONTROL_OFFSET, DC_NIEN, DC_SRST, DEV_DEV, DEV_LBA, DIAG_PASSED, ER_ABRT, ER_IDNF, MAX_MULTIPLE, REG_DATA, REG_DEVICE, REG_ERROR_FEATURES,
  REG_LBA_HIGH, REG_LBA_LOW, REG_LBA_MID, REG_SECTOR_COUNT, REG_STATUS_COMMAND, ST_BSY, ST_DRDY, ST_DRQ, ST_DSC, ST_ERR,
} from "./ata-registers";
import { parseAtaState, type AtaAction, type AtaPhase, type AtaState } from "./ata-state";

/** Busy time from a command to its first block or its completion. */
export const COMMAND_NS = 1_000n;
/** Media time per sector of a data block (about 250 MB/s). */
export const SECTOR_NS = 2_000n;
/** Busy time after SRST is cleared until the signature is in place. */
export const RESET_NS = 10_000n;

const TIMER_ID = "ata.primary";
const IDLE_STATUS = ST_DRDY | ST_DSC;

/** Access counters (host-side statistics, not guest state). */
export interface AtaCounters {
  /** Data-register accesses with no transfer in progress (read all-ones, writes dropped). */
  strayData: number;
  /** Commands aborted (unsupported code or bad parameters). */
  aborted: number;
}

/** The primary ATA channel: offsets 0-7 are 0x1F0-0x1F7, offset 8 is 0x3F6 (Alternate Status / Device Control). */
export class AtaController implements Device<AtaState> {
  readonly name = "ata";
  readonly counters: AtaCounters = { strayData: 0, aborted: 0 };
  private features = 0;
  private count = 0;
  private lbaLow = 0;
  private lbaMid = 0;
  private lbaHigh = 0;
  private device = 0;
  private status = IDLE_STATUS;
  private error = DIAG_PASSED;
  private control = 0;
  private pending = false;
  private multiple = 0;
  private heads = DEFAULT_HEADS;
  private spt = DEFAULT_SECTORS_PER_TRACK;
  private phase: AtaPhase = "idle";
  private command = 0;
  private nextLba = 0;
  private left = 0;
  private buffer: Uint8Array = new Uint8Array(0);
  private pos = 0;
  private action: AtaAction = "none";
  private lineLevel = false;
  /** Virtual time at which the armed action runs (kept here: the TimerService does not tell deadlines). */
  private dueAt = 0n;

  constructor(
    private readonly irq: IrqLine,
    private readonly timers: TimerService,
    readonly disk: BlockStore,
  ) {
    this.reset();
  }

  reset(): void {
    this.timers.cancel(TIMER_ID);
    this.features = this.control = this.command = this.nextLba = this.left = this.pos = 0;
    this.multiple = 0;
    this.heads = DEFAULT_HEADS;
    this.spt = DEFAULT_SECTORS_PER_TRACK;
    this.phase = "idle";
    this.action = "none";
    this.buffer = new Uint8Array(0);
    this.pending = false;
    this.signature();
    this.update();
  }

  read(offset: number, size: 1 | 2 | 4): number {
    if (offset === REG_DATA) return this.readData(size);
    if (offset === CONTROL_OFFSET) return this.statusSeen();
    if (offset === REG_STATUS_COMMAND) {
      const s = this.statusSeen();
      if (!this.device1()) {
        this.pending = false; // reading Status acknowledges the interrupt (ATA-6 5.2.9)
        this.update();
      }
      return s;
    }
    // While BSY the task file belongs to the device: every register reads as Status (ATA-1 behaviour).
    if ((this.status & ST_BSY) !== 0 && !this.device1()) return this.status;
    switch (offset) {
      case REG_ERROR_FEATURES:
        return this.error;
      case REG_SECTOR_COUNT:
        return this.count;
      case REG_LBA_LOW:
        return this.lbaLow;
      case REG_LBA_MID:
        return this.lbaMid;
      case REG_LBA_HIGH:
        return this.lbaHigh;
      case REG_DEVICE:
        return this.device;
      default:
        return 0xff;
    }
  }

  write(offset: number, size: 1 | 2 | 4, value: number): void {
    if (offset === REG_DATA) return this.writeData(size, value);
    const v = value & 0xff;
    if (offset === CONTROL_OFFSET) return this.writeControl(v);
    if ((this.status & ST_BSY) !== 0) return; // the host shall not write the task file while BSY: ignored
    switch (offset) {
      case REG_ERROR_FEATURES:
        this.features = v;
        return;
      case REG_SECTOR_COUNT:
        this.count = v;
        return;
      case REG_LBA_LOW:
        this.lbaLow = v;
        return;
      case REG_LBA_MID:
        this.lbaMid = v;
        return;
      case REG_LBA_HIGH:
        this.lbaHigh = v;
        return;
      case REG_DEVICE:
        this.device = v;
        this.update(); // INTRQ follows the selected device
        return;
      case REG_STATUS_COMMAND:
        return this.startCommand(v);
      default:
        return;
    }
  }

  /** The interrupt line as the controller drives it now (tests, the VM tree). */
  get interruptLine(): boolean {
    return this.lineLevel;
  }

  saveState(): AtaState {
    const due = this.action === "none" ? undefined : this.dueIn();
    return {
      features: this.features,
      sectorCount: this.count,
      lbaLow: this.lbaLow,
      lbaMid: this.lbaMid,
      lbaHigh: this.lbaHigh,
      device: this.device,
      status: this.status,
      error: this.error,
      deviceControl: this.control,
      interruptPending: this.pending,
      multipleCount: this.multiple,
      heads: this.heads,
      sectorsPerTrack: this.spt,
      phase: this.phase,
      command: this.command,
      nextLba: this.nextLba,
      sectorsLeft: this.left,
      buffer: toHex(this.buffer),
      bufferPos: this.pos,
      action: this.action,
      busyDueInNs: due === undefined ? null : due.toString(),
      written: this.disk.written().map((s) => ({ lba: s.lba, data: toHex(s.bytes) })),
    };
  }

  parseState(raw: unknown): ParseResult<AtaState> {
    return parseAtaState(raw, this.disk.sectors);
  }

  restoreState(s: AtaState): void {
    this.features = s.features;
    this.count = s.sectorCount;
    this.lbaLow = s.lbaLow;
    this.lbaMid = s.lbaMid;
    this.lbaHigh = s.lbaHigh;
    this.device = s.device;
    this.status = s.status;
    this.error = s.error;
    this.control = s.deviceControl;
    this.pending = s.interruptPending;
    this.multiple = s.multipleCount;
    this.heads = s.heads;
    this.spt = s.sectorsPerTrack;
    this.phase = s.phase;
    this.command = s.command;
    this.nextLba = s.nextLba;
    this.left = s.sectorsLeft;
    this.buffer = fromHex(s.buffer);
    this.pos = s.bufferPos;
    this.disk.replaceWritten(s.written.map((w) => ({ lba: w.lba, bytes: fromHex(w.data) })));
    this.timers.cancel(TIMER_ID);
    this.action = "none";
    if (s.action !== "none" && s.busyDueInNs !== null) this.busyFor(BigInt(s.busyDueInNs), s.action);
    // Drive the line to its restored level whatever the fresh controller drove before.
    this.lineLevel = this.pending && (this.control & DC_NIEN) === 0 && !this.device1();
    this.irq.set(this.lineLevel);
  }

  // ---- registers -------------------------------------------------------------------------------

  private device1(): boolean {
    return (this.device & DEV_DEV) !== 0;
  }

  /** Status as the host sees it: device 1 is absent, so with DEV=1 the channel reads 00h (ATA-6 9.16.1). */
  private statusSeen(): number {
    return this.device1() ? 0 : this.status;
  }

  private update(): void {
    const level = this.pending && (this.control & DC_NIEN) === 0 && !this.device1();
    if (level === this.lineLevel) return;
    this.lineLevel = level;
    this.irq.set(level);
  }

  private interrupt(): void {
    this.pending = true;
    this.update();
  }

  /** Power-on / reset / diagnostic signature of an ATA device (ATA-6 9.12): count 1, LBA 1, 0, 0. */
  private signature(): void {
    this.count = 1;
    this.lbaLow = 1;
    this.lbaMid = 0;
    this.lbaHigh = 0;
    this.device = 0;
    this.error = DIAG_PASSED;
    this.status = IDLE_STATUS;
  }

  private writeControl(v: number): void {
    const wasReset = (this.control & DC_SRST) !== 0;
    this.control = v;
    const reset = (v & DC_SRST) !== 0;
    if (reset && !wasReset) {
      // SRST set: both devices stop what they do and stay BSY until it is cleared (ATA-6 9.2).
      this.timers.cancel(TIMER_ID);
      this.action = "none";
      this.phase = "busy";
      this.status = ST_BSY;
      this.pending = false;
    } else if (!reset && wasReset) {
      this.busyFor(RESET_NS, "resetDone");
    }
    this.update();
  }

  // ---- data register ---------------------------------------------------------------------------

  private readData(size: 1 | 2 | 4): number {
    if (this.phase !== "dataIn" || this.device1()) {
      this.counters.strayData++;
      return size === 4 ? 0xffff_ffff : size === 2 ? 0xffff : 0xff;
    }
    const lo = this.takeWord();
    if (size === 1) return lo & 0xff; // an 8-bit read moves one word and returns its low byte
    if (size === 2 || this.phase !== "dataIn") return lo;
    return (lo | (this.takeWord() << 16)) >>> 0;
  }

  private writeData(size: 1 | 2 | 4, value: number): void {
    if (this.phase !== "dataOut" || this.device1()) {
      this.counters.strayData++;
      return;
    }
    this.putWord(size === 1 ? value & 0xff : value & 0xffff);
    if (size === 4 && this.phase === "dataOut") this.putWord(value >>> 16);
  }

  private takeWord(): number {
    const w = this.buffer[this.pos]! | (this.buffer[this.pos + 1]! << 8);
    this.pos += 2;
    if (this.pos >= this.buffer.length) this.endOfBlockIn();
    return w;
  }

  private putWord(w: number): void {
    this.buffer[this.pos] = w & 0xff;
    this.buffer[this.pos + 1] = w >>> 8;
    this.pos += 2;
    if (this.pos >= this.buffer.length) {
      // The block is complete: the device writes it to the medium while BSY (PIO data-out, ATA-6 9.8).
      this.status = ST_BSY;
      this.phase = "busy";
      this.busyFor(SECTOR_NS * BigInt(this.buffer.length / SECTOR_BYTES), "writeBlock");
    }
  }

  /** The host took the last word of a data-in block: the next block, or the end (no interrupt at the end of data-in). */
  private endOfBlockIn(): void {
    if (this.command === CMD.identifyDevice || this.left === 0) {
      this.phase = "idle";
      this.status = IDLE_STATUS;
      return;
    }
    this.status = ST_BSY;
    this.phase = "busy";
    this.busyFor(SECTOR_NS * BigInt(this.blockSectors()), "readBlock");
  }

  // ---- commands --------------------------------------------------------------------------------

  private startCommand(code: number): void {
    // Device 1 is absent: device 0 runs only EXECUTE DEVICE DIAGNOSTIC for it (ATA-6 9.16.1).
    if (this.device1() && code !== CMD.executeDeviceDiagnostic) return;
    this.timers.cancel(TIMER_ID);
    this.command = code;
    this.pending = false;
    this.error = 0;
    this.phase = "busy";
    this.status = ST_BSY;
    this.update();
    switch (code) {
      case CMD.readSectors:
      case CMD.readSectorsNoRetry:
      case CMD.readMultiple:
        return this.startTransfer(code === CMD.readMultiple, COMMAND_NS + SECTOR_NS * BigInt(this.blockSectorsFor(code)), "readBlock");
      case CMD.writeSectors:
      case CMD.writeSectorsNoRetry:
      case CMD.writeMultiple:
        return this.startTransfer(code === CMD.writeMultiple, COMMAND_NS, "writeReady");
      case CMD.readVerifySectors:
      case CMD.readVerifySectorsNoRetry:
        return this.startTransfer(false, COMMAND_NS + SECTOR_NS * BigInt(this.sectorsAsked()), "complete");
      case CMD.identifyDevice:
        return this.busyFor(COMMAND_NS, "identify");
      case CMD.executeDeviceDiagnostic:
        return this.busyFor(COMMAND_NS, "diagnosed");
      case CMD.setMultipleMode: {
        const n = this.count;
        if (n > MAX_MULTIPLE || (n & (n - 1)) !== 0) return this.abort();
        this.multiple = n; // 0 disables multiple mode
        return this.busyFor(COMMAND_NS, "complete");
      }
      case CMD.initializeDeviceParameters:
        if (this.count === 0) return this.abort();
        this.heads = (this.device & 0x0f) + 1;
        this.spt = this.count;
        return this.busyFor(COMMAND_NS, "complete");
      case CMD.flushCache:
        // No write cache: every sector is in the disk's store when its block completes.
        return this.busyFor(COMMAND_NS, "complete");
      default:
        return this.abort();
    }
  }

  private sectorsAsked(): number {
    return this.count === 0 ? 256 : this.count;
  }

  private blockSectorsFor(code: number): number {
    const block = code === CMD.readMultiple || code === CMD.writeMultiple ? Math.max(1, this.multiple) : 1;
    return Math.min(block, this.sectorsAsked());
  }

  /** Sectors in the next block of the running command. */
  private blockSectors(): number {
    const multi = this.command === CMD.readMultiple || this.command === CMD.writeMultiple;
    return Math.min(multi ? this.multiple : 1, this.left);
  }

  /** Checks the address range of a read/write/verify and arms its first step; IDNF or ABRT otherwise. */
  private startTransfer(multiple: boolean, delay: bigint, first: AtaAction): void {
    if (multiple && this.multiple === 0) return this.abort(); // READ/WRITE MULTIPLE need SET MULTIPLE MODE first
    const start = this.startLba();
    const n = this.sectorsAsked();
    if (start === null) return this.fail(ER_IDNF, COMMAND_NS);
    if (start + n > this.disk.sectors) {
      this.setAddress(Math.max(start, this.disk.sectors));
      return this.fail(ER_IDNF, COMMAND_NS);
    }
    this.nextLba = start;
    this.left = n;
    this.busyFor(delay, first);
  }

  /** The command's first sector from the address registers (LBA or CHS), or null for a CHS address outside the geometry. */
  private startLba(): number | null {
    if ((this.device & DEV_LBA) !== 0) return ((this.device & 0x0f) << 24) | (this.lbaHigh << 16) | (this.lbaMid << 8) | this.lbaLow;
    const cyl = (this.lbaHigh << 8) | this.lbaMid;
    const head = this.device & 0x0f;
    const sector = this.lbaLow;
    if (sector === 0 || sector > this.spt || head >= this.heads) return null;
    return (cyl * this.heads + head) * this.spt + sector - 1;
  }

  /** Puts sector `at` in the address registers in the addressing the command used. */
  private setAddress(at: number): void {
    if ((this.device & DEV_LBA) !== 0) {
      this.lbaLow = at & 0xff;
      this.lbaMid = (at >>> 8) & 0xff;
      this.lbaHigh = (at >>> 16) & 0xff;
      this.device = (this.device & 0xf0) | ((at >>> 24) & 0x0f);
      return;
    }
    const perCyl = this.heads * this.spt;
    const cyl = Math.floor(at / perCyl);
    const rest = at % perCyl;
    this.lbaMid = cyl & 0xff;
    this.lbaHigh = (cyl >>> 8) & 0xff;
    this.device = (this.device & 0xf0) | Math.floor(rest / this.spt);
    this.lbaLow = (rest % this.spt) + 1;
  }

  private abort(): void {
    this.counters.aborted++;
    this.fail(ER_ABRT, COMMAND_NS);
  }

  /** Ends the command with ERR and `error` after `delay` (the interrupt comes with it). */
  private fail(error: number, delay: bigint): void {
    this.error = error;
    this.busyFor(delay, "complete");
  }

  private busyFor(delay: bigint, action: AtaAction): void {
    this.action = action;
    this.phase = "busy";
    this.status = ST_BSY;
    this.dueAt = this.timers.now() + delay;
    this.timers.arm(TIMER_ID, nanos(this.dueAt), () => this.act());
  }

  /** Nanoseconds from now to the armed deadline (0 when it is already due). */
  private dueIn(): bigint {
    const d = this.dueAt - this.timers.now();
    return d > 0n ? d : 0n;
  }

  /** The busy time is over: do what was waiting. */
  private act(): void {
    const a = this.action;
    this.action = "none";
    switch (a) {
      case "none":
        return;
      case "identify":
        return this.dataIn(identifyPage(this.disk.sectors, { cylinders: defaultGeometry(this.disk.sectors).cylinders, heads: this.heads, sectorsPerTrack: this.spt }, this.multiple));
      case "readBlock": {
        const n = this.blockSectors();
        const buf = new Uint8Array(n * SECTOR_BYTES);
        for (let i = 0; i < n; i++) {
          const refused = this.disk.read(toLba(this.nextLba + i), buf, i * SECTOR_BYTES);
          if (refused !== null) throw new Error(`ATA read past the range checked at command time: ${JSON.stringify(refused)}`);
        }
        this.advance(n);
        return this.dataIn(buf);
      }
      case "writeReady":
        return this.dataOut(false);
      case "writeBlock": {
        const n = this.buffer.length / SECTOR_BYTES;
        for (let i = 0; i < n; i++) {
          const refused = this.disk.write(toLba(this.nextLba + i), this.buffer, i * SECTOR_BYTES);
          if (refused !== null) throw new Error(`ATA write past the range checked at command time: ${JSON.stringify(refused)}`);
        }
        this.advance(n);
        if (this.left > 0) return this.dataOut(true);
        return this.complete();
      }
      case "complete":
        return this.complete();
      case "resetDone":
        this.phase = "idle";
        this.signature(); // no interrupt after a soft reset (ATA-6 9.2)
        return this.update();
      case "diagnosed":
        this.signature();
        this.phase = "idle";
        return this.interrupt();
      default: {
        const never: never = a;
        throw new Error(`unknown ATA action ${String(never)}`);
      }
    }
  }

  /** `n` sectors moved: the address registers name the last one, the count what is left. */
  private advance(n: number): void {
    this.setAddress(this.nextLba + n - 1);
    this.nextLba += n;
    this.left -= n;
    this.count = this.left & 0xff;
  }

  private dataIn(block: Uint8Array): void {
    this.buffer = block;
    this.pos = 0;
    this.phase = "dataIn";
    this.status = IDLE_STATUS | ST_DRQ;
    this.interrupt(); // PIO data-in: an interrupt for every block (ATA-6 9.7)
  }

  private dataOut(withInterrupt: boolean): void {
    this.buffer = new Uint8Array(this.blockSectors() * SECTOR_BYTES);
    this.pos = 0;
    this.phase = "dataOut";
    this.status = IDLE_STATUS | ST_DRQ;
    if (withInterrupt) this.interrupt(); // PIO data-out: none before the first block (ATA-6 9.8)
  }

  private complete(): void {
    this.phase = "idle";
    this.buffer = new Uint8Array(0);
    this.pos = 0;
    this.status = IDLE_STATUS | (this.error !== 0 ? ST_ERR : 0);
    this.interrupt();
  }
}

function toHex(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
}

function fromHex(text: string): Uint8Array {
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}
