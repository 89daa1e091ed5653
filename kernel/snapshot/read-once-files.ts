// The files of a run that saves or resumes a snapshot, each read from the host once: the module XML and
// the guest images are both hashed (a snapshot records, and a resume checks, their SHA-256) and loaded.
// A file read to be hashed is held until the loader reads it, then dropped; its hash is kept. Not
// responsible for what the hashes are compared with (run-module.ts).
import type { FileRead, HostFiles } from "../host/files";
import { sha256Hex } from "./sha256";

/** HostFiles over `files` that reads each path once and remembers its SHA-256. */
export class ReadOnceFiles implements HostFiles {
  /** Bytes read for a hash and not yet taken by a read(). */
  private readonly held = new Map<string, Uint8Array>();
  private readonly hashes = new Map<string, string>();

  constructor(private readonly files: HostFiles) {}

  read(path: string, limit?: number): FileRead {
    const held = this.held.get(path);
    this.held.delete(path);
    // A held file over this read's limit is read again, so that the host words the refusal.
    if (held !== undefined && (limit === undefined || held.length <= limit)) return { ok: true, bytes: held };
    const r = this.files.read(path, limit);
    if (r.ok) this.hashes.set(path, sha256Hex(r.bytes));
    return r;
  }

  absolute(path: string): string {
    return this.files.absolute(path);
  }

  /** SHA-256 of the file at `path` ("missing" when it cannot be read): of the bytes read already, or read now and held for the next read(). */
  hash(path: string): string {
    const known = this.hashes.get(path);
    if (known !== undefined) return known;
    const r = this.files.read(path);
    if (!r.ok) return "missing";
    const h = sha256Hex(r.bytes);
    this.held.set(path, r.bytes);
    this.hashes.set(path, h);
    return h;
  }
}
