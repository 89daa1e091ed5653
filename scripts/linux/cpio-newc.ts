// Writes a cpio archive in the "newc" format (070701) that the Linux kernel unpacks as its initramfs
// (Documentation/driver-api/early-userspace/buffer-format.rst). Deterministic: inode numbers count up from 1,
// owner root, mtime 0, so the same entries give the same bytes. Compression is the caller's choice.

/** One archive member. Paths are relative ("bin/sh"), without a leading slash. */
export type CpioEntry =
  | { readonly kind: "dir"; readonly path: string; readonly mode?: number }
  | { readonly kind: "file"; readonly path: string; readonly data: Uint8Array; readonly mode?: number }
  | { readonly kind: "symlink"; readonly path: string; readonly target: string }
  | { readonly kind: "chardev"; readonly path: string; readonly major: number; readonly minor: number; readonly mode?: number };

/** File type bits of st_mode. */
const S_IFDIR = 0o040000, S_IFREG = 0o100000, S_IFLNK = 0o120000, S_IFCHR = 0o020000;
const MAGIC = "070701";
const TRAILER = "TRAILER!!!";
const HEADER_SIZE = 110;

const enc = new TextEncoder();

function pad4(n: number): number {
  return (4 - (n % 4)) % 4;
}

function hex8(v: number): string {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new RangeError(`cpio field out of range: ${v}`);
  return v.toString(16).padStart(8, "0");
}

interface Member {
  readonly name: Uint8Array;
  readonly mode: number;
  readonly data: Uint8Array;
  readonly nlink: number;
  readonly rdev: readonly [number, number];
}

function member(e: CpioEntry): Member {
  if (e.path.startsWith("/") || e.path.length === 0) throw new RangeError(`cpio path must be relative and non-empty: ${JSON.stringify(e.path)}`);
  const name = enc.encode(e.path);
  switch (e.kind) {
    case "dir":
      return { name, mode: S_IFDIR | (e.mode ?? 0o755), data: new Uint8Array(0), nlink: 2, rdev: [0, 0] };
    case "file":
      return { name, mode: S_IFREG | (e.mode ?? 0o644), data: e.data, nlink: 1, rdev: [0, 0] };
    case "symlink":
      return { name, mode: S_IFLNK | 0o777, data: enc.encode(e.target), nlink: 1, rdev: [0, 0] };
    case "chardev":
      return { name, mode: S_IFCHR | (e.mode ?? 0o600), data: new Uint8Array(0), nlink: 1, rdev: [e.major, e.minor] };
    default: {
      const never: never = e;
      throw new Error(`unknown cpio entry ${JSON.stringify(never)}`);
    }
  }
}

function header(ino: number, m: Member): Uint8Array {
  // c_ino c_mode c_uid c_gid c_nlink c_mtime c_filesize c_devmajor c_devminor c_rdevmajor c_rdevminor c_namesize c_check
  const fields = [ino, m.mode, 0, 0, m.nlink, 0, m.data.length, 0, 0, m.rdev[0], m.rdev[1], m.name.length + 1, 0];
  return enc.encode(MAGIC + fields.map(hex8).join(""));
}

/** The archive: every entry in order, then the trailer. */
export function writeCpioNewc(entries: readonly CpioEntry[]): Uint8Array {
  const parts: Uint8Array[] = [];
  let size = 0;
  const push = (b: Uint8Array): void => {
    parts.push(b);
    size += b.length;
  };
  const members = [...entries.map(member), { name: enc.encode(TRAILER), mode: 0, data: new Uint8Array(0), nlink: 1, rdev: [0, 0] as const }];
  members.forEach((m, i) => {
    push(header(m.name === members[members.length - 1]?.name ? 0 : i + 1, m));
    push(m.name);
    push(new Uint8Array(1 + pad4(HEADER_SIZE + m.name.length + 1)));
    push(m.data);
    push(new Uint8Array(pad4(m.data.length)));
  });
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
