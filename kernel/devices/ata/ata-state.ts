// The saved state of the ATA controller (named fields, JSON-safe) and its checked parser. The unflushed
// sectors of the disk travel with it, so a copy-on-write disk resumes with what the guest wrote.
import type { ParseResult } from "../device";
import { parseStateWith, type StateReader } from "../state-reader";
import { MAX_MULTIPLE } from "./ata-registers";

/** What the device is doing: waiting for a command, busy (a timer will act), or moving a data block. */
export type AtaPhase = "idle" | "busy" | "dataIn" | "dataOut";
export const ATA_PHASES: readonly AtaPhase[] = ["idle", "busy", "dataIn", "dataOut"];

/** What happens when the busy time ends. */
export type AtaAction = "none" | "readBlock" | "identify" | "writeReady" | "writeBlock" | "complete" | "resetDone" | "diagnosed";
export const ATA_ACTIONS: readonly AtaAction[] = ["none", "readBlock", "identify", "writeReady", "writeBlock", "complete", "resetDone", "diagnosed"];

/** Saved state of the ATA primary channel with one disk (device 0). */
export interface AtaState {
  readonly features: number;
  readonly sectorCount: number;
  readonly lbaLow: number;
  readonly lbaMid: number;
  readonly lbaHigh: number;
  readonly device: number;
  readonly status: number;
  readonly error: number;
  readonly deviceControl: number;
  /** The device's interrupt is pending (the line shows it unless nIEN is set or device 1 is selected). */
  readonly interruptPending: boolean;
  /** Sectors per READ/WRITE MULTIPLE block; 0 = multiple mode disabled. */
  readonly multipleCount: number;
  readonly heads: number;
  readonly sectorsPerTrack: number;
  readonly phase: AtaPhase;
  readonly command: number;
  /** Next sector of the command to read or write, and how many are left after the current block. */
  readonly nextLba: number;
  readonly sectorsLeft: number;
  /** The data block being moved, as hex; `bufferPos` bytes of it are done. */
  readonly buffer: string;
  readonly bufferPos: number;
  readonly action: AtaAction;
  /** Nanoseconds from now until the busy time ends, as a decimal string; null = no timer armed. */
  readonly busyDueInNs: string | null;
  /** Sectors written and not flushed, in LBA order, each as 1024 hex digits. */
  readonly written: readonly { readonly lba: number; readonly data: string }[];
}

const HEX = /^(?:[0-9a-f]{2})*$/;

function hexBytes(r: StateReader, name: string, text: unknown, maxBytes: number): string {
  if (typeof text !== "string" || !HEX.test(text) || text.length > maxBytes * 2) throw r.fail(`${name}: expected at most ${maxBytes} bytes of lower-case hex`);
  return text;
}

/** Checks a saved ATA state against a disk of `sectors` sectors. */
export function parseAtaState(raw: unknown, sectors: number): ParseResult<AtaState> {
  return parseStateWith(raw, "ata", (r) => {
    const blockBytes = MAX_MULTIPLE * 512;
    const buffer = hexBytes(r, "buffer", r.raw("buffer"), blockBytes);
    const bufferPos = r.uint("bufferPos", buffer.length / 2);
    const writtenRaw = r.raw("written");
    if (!Array.isArray(writtenRaw) || writtenRaw.length > sectors) throw r.fail(`written: expected a list of at most ${sectors} sectors`);
    let last = -1;
    const written = writtenRaw.map((e: unknown, i: number) => {
      const er = r.at(e, `written[${i}]`);
      const lba = er.uint("lba", sectors - 1);
      if (lba <= last) throw er.fail("lba: sectors must be in increasing LBA order");
      last = lba;
      const data = hexBytes(er, "data", er.raw("data"), 512);
      if (data.length !== 1024) throw er.fail("data: expected 512 bytes");
      return { lba, data };
    });
    const busyDueInNs = r.decimalOrNull("busyDueInNs");
    const action = r.oneOf("action", ATA_ACTIONS);
    if ((busyDueInNs === null) !== (action === "none")) throw r.fail("busyDueInNs and action: a timer is armed exactly when an action waits");
    return {
      features: r.uint("features", 0xff),
      sectorCount: r.uint("sectorCount", 0xff),
      lbaLow: r.uint("lbaLow", 0xff),
      lbaMid: r.uint("lbaMid", 0xff),
      lbaHigh: r.uint("lbaHigh", 0xff),
      device: r.uint("device", 0xff),
      status: r.uint("status", 0xff),
      error: r.uint("error", 0xff),
      deviceControl: r.uint("deviceControl", 0xff),
      interruptPending: r.bool("interruptPending"),
      multipleCount: r.uintIn("multipleCount", [0, 1, 2, 4, 8, 16]),
      heads: r.uint("heads", 16),
      sectorsPerTrack: r.uint("sectorsPerTrack", 255),
      phase: r.oneOf("phase", ATA_PHASES),
      command: r.uint("command", 0xff),
      nextLba: r.uint("nextLba", sectors),
      sectorsLeft: r.uint("sectorsLeft", 256),
      buffer,
      bufferPos,
      action,
      busyDueInNs,
      written,
    };
  });
}
