// Finds and checks the Multiboot v1 header (Multiboot Specification 0.6.96, section 3.1) in a kernel
// file. Pure: bytes in, the header's fields or a typed error out. Loading lives in multiboot.ts.

/** Multiboot header magic (3.1.2 "magic"). */
export const MULTIBOOT_HEADER_MAGIC = 0x1badb002;
/** The header must lie entirely within the first 8192 bytes, 32-bit aligned (3.1.1). */
export const MULTIBOOT_SEARCH_BYTES = 8192;

/** flags bit 0: align modules on 4 KiB page boundaries. */
export const MB_FLAG_PAGE_ALIGN = 1 << 0;
/** flags bit 1: mem_* (and the memory map) must be passed in the info structure. */
export const MB_FLAG_MEMORY_INFO = 1 << 1;
/** flags bit 2: video mode table wanted (not provided here, like QEMU: no VBE). */
export const MB_FLAG_VIDEO_MODE = 1 << 2;
/** flags bit 16: header_addr .. entry_addr fields are valid (the "a.out kludge"); used instead of ELF headers. */
export const MB_FLAG_AOUT_KLUDGE = 1 << 16;
/** Required-feature bits (0-15) that this loader understands; any other set bit refuses the kernel (3.1.2). */
const KNOWN_REQUIRED_BITS = MB_FLAG_PAGE_ALIGN | MB_FLAG_MEMORY_INFO | MB_FLAG_VIDEO_MODE;

/** Address fields given when flags bit 16 is set (3.1.3). */
export interface AoutKludge {
  readonly headerAddr: number;
  readonly loadAddr: number;
  /** 0 means "to the end of the file". */
  readonly loadEndAddr: number;
  /** 0 means "no bss". */
  readonly bssEndAddr: number;
  readonly entryAddr: number;
}

/** A checked Multiboot header. */
export interface MultibootHeader {
  /** Byte offset of the header in the file. */
  readonly offset: number;
  readonly flags: number;
  /** Present when flags bit 16 is set. */
  readonly kludge?: AoutKludge;
}

/** Why a file is not a loadable Multiboot kernel. */
export type MultibootHeaderError =
  | { readonly kind: "noHeader"; readonly message: string }
  | { readonly kind: "badChecksum"; readonly message: string }
  | { readonly kind: "unsupportedFlags"; readonly message: string }
  | { readonly kind: "truncated"; readonly message: string };

/** Result of findMultibootHeader. */
export type MultibootHeaderResult =
  | { readonly ok: true; readonly header: MultibootHeader }
  | { readonly ok: false; readonly error: MultibootHeaderError };

const hex = (v: number): string => `0x${v.toString(16)}`;

/** Searches the first 8 KiB of `bytes` for the Multiboot v1 header and checks its checksum and flags. */
export function findMultibootHeader(bytes: Uint8Array): MultibootHeaderResult {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const limit = Math.min(bytes.length, MULTIBOOT_SEARCH_BYTES);
  let badSum: number | undefined;
  for (let off = 0; off + 12 <= limit; off += 4) {
    if (dv.getUint32(off, true) !== MULTIBOOT_HEADER_MAGIC) continue;
    const flags = dv.getUint32(off + 4, true);
    const checksum = dv.getUint32(off + 8, true);
    // magic + flags + checksum must be 0 (mod 2^32).
    if (((MULTIBOOT_HEADER_MAGIC + flags + checksum) >>> 0) !== 0) {
      badSum ??= off;
      continue;
    }
    const unknown = flags & 0xffff & ~KNOWN_REQUIRED_BITS;
    if (unknown !== 0) {
      return {
        ok: false,
        error: { kind: "unsupportedFlags", message: `Multiboot header at ${hex(off)} requires features this loader lacks (flags bits ${hex(unknown)})` },
      };
    }
    if ((flags & MB_FLAG_AOUT_KLUDGE) === 0) return { ok: true, header: { offset: off, flags } };
    if (off + 32 > bytes.length) {
      return { ok: false, error: { kind: "truncated", message: `Multiboot header at ${hex(off)} sets flags bit 16 but its address fields run past the end of the file` } };
    }
    const kludge: AoutKludge = {
      headerAddr: dv.getUint32(off + 12, true),
      loadAddr: dv.getUint32(off + 16, true),
      loadEndAddr: dv.getUint32(off + 20, true),
      bssEndAddr: dv.getUint32(off + 24, true),
      entryAddr: dv.getUint32(off + 28, true),
    };
    return { ok: true, header: { offset: off, flags, kludge } };
  }
  if (badSum !== undefined) {
    return { ok: false, error: { kind: "badChecksum", message: `Multiboot magic at ${hex(badSum)} but magic + flags + checksum is not 0` } };
  }
  return { ok: false, error: { kind: "noHeader", message: `no Multiboot v1 header (magic ${hex(MULTIBOOT_HEADER_MAGIC)}) in the first 8 KiB: not a Multiboot kernel` } };
}
