// Where a machine's console input stands, for a snapshot: how many bytes the guest's line has taken from
// the source (with their SHA-256, so that a resume can check it is fed the same input) and the pacing
// (serial-input.ts). Also the resume side: replaying the same input up to that position. Bytes already
// in the UART (its FIFO and host queue) are the UART's own state, saved with it.
import { IDLE_POLL_NS, type InputPoll, type InputSource, type PacingState } from "../machine/serial-input";
import { Fields } from "./json-fields";
import { Sha256 } from "./sha256";
import type { Json } from "./snapshot-file";

/** A source that counts and hashes the bytes it hands out: its position in the input. */
export class CountedInput implements InputSource {
  private count = 0;
  private readonly hash = new Sha256();

  constructor(private readonly source: InputSource) {}

  get interactive(): boolean {
    return this.source.interactive;
  }

  poll(): InputPoll {
    const p = this.source.poll();
    if (p.kind === "byte") {
      this.count++;
      this.hash.update(Uint8Array.of(p.byte));
    }
    return p;
  }

  /** Bytes handed out so far. */
  get consumed(): number {
    return this.count;
  }

  /** SHA-256 of the bytes handed out so far (the count goes on). */
  digest(): string {
    return this.hash.clone().hex();
  }
}

/** `source` counted (once: an already counted source is kept, so that its count outlives a machine reset). */
export function countedInput(source: InputSource): CountedInput {
  return source instanceof CountedInput ? source : new CountedInput(source);
}

/** A machine's console input in a snapshot. */
export interface InputPosition {
  readonly consumed: number;
  readonly consumedSha256: string;
  /** The source was a terminal: its bytes cannot be given again, a resume reads new keys. */
  readonly interactive: boolean;
  readonly pacing: PacingState;
}

/** The position of `input` paced as `pacing` says. */
export function inputPosition(input: CountedInput, pacing: PacingState): InputPosition {
  return { consumed: input.consumed, consumedSha256: input.digest(), interactive: input.interactive, pacing };
}

/** InputPosition (or none) -> JSON. */
export function encodeInputPosition(p: InputPosition | undefined): Json {
  if (p === undefined) return null;
  const g = p.pacing;
  return { consumed: p.consumed, consumedSha256: p.consumedSha256, interactive: p.interactive, dueInNs: g.dueInNs === null ? null : g.dueInNs.toString(), waitingForGuest: g.waitingForGuest, finished: g.finished };
}

/** The `input` field of a machine note's extra (null or absent: the machine had no console input); throws FieldError naming the field. */
export function readInputPosition(f: Fields, name: string): InputPosition | undefined {
  const o = f.isAbsent(name) ? undefined : f.objOrNull(name);
  if (o === undefined) return undefined;
  const sha = o.hex("consumedSha256", 32);
  if (sha.length !== 32) o.list("consumedSha256", -1); // throws naming the field
  const due = o.nanosOrNull("dueInNs");
  return {
    consumed: o.int("consumed", 0, Number.MAX_SAFE_INTEGER),
    consumedSha256: [...sha].map((b) => b.toString(16).padStart(2, "0")).join(""),
    interactive: o.bool("interactive"),
    pacing: { dueInNs: due === undefined ? null : BigInt(due), waitingForGuest: o.bool("waitingForGuest"), finished: o.bool("finished") },
  };
}

/**
 * How a resume feeds `input` (not read from yet) to a machine saved at `saved`. The same input (the default): its first
 * `consumed` bytes are read again and must hash to what the saved run took, and an input that had ended
 * must end there too; then the guest's line goes on from that position. `fresh` (or a terminal on either
 * side, whose keys cannot be given twice): `input` is new input from the restored instant on.
 */
export function replayInput(input: CountedInput, saved: InputPosition, fresh: boolean): { ok: true; pacing: PacingState } | { ok: false; error: string } {
  if (input.consumed !== 0) throw new Error("replayInput: the input has been read from already");
  if (fresh || saved.interactive || input.interactive) {
    // New input on a line whose old input had ended: the line is looked at again, as by a fresh start.
    const pacing = saved.pacing.finished ? { dueInNs: IDLE_POLL_NS, waitingForGuest: false, finished: false } : saved.pacing;
    return { ok: true, pacing };
  }
  for (let i = 0; i < saved.consumed; i++) {
    const p = input.poll();
    if (p.kind !== "byte") return { ok: false, error: `input: ended after ${i} bytes, but the saved run had read ${saved.consumed} (give it the same input again, or --fresh-input for new input)` };
  }
  if (input.digest() !== saved.consumedSha256) return { ok: false, error: `input: its first ${saved.consumed} bytes are not those the saved run read (give it the same input again, or --fresh-input for new input)` };
  if (saved.pacing.finished) {
    const p = input.poll();
    if (p.kind === "byte") return { ok: false, error: `input: goes on after byte ${saved.consumed}, where the saved run's input ended (--fresh-input feeds it as new input)` };
  }
  return { ok: true, pacing: saved.pacing };
}
