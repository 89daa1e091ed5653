// Test helper: assembles small ELF32 i386 executables byte by byte, with overridable header fields, so
// loader tests can build both good files and files broken in exactly one field.

/** One PT_LOAD (or other) program header and the bytes it loads. */
export interface SegmentSpec {
  type?: number;
  vaddr: number;
  paddr?: number;
  data: Uint8Array;
  memSize?: number;
  flags?: number;
  /** Overrides p_offset (default: where the data is placed). */
  offset?: number;
  /** Overrides p_filesz (default: data.length). */
  fileSize?: number;
}

/** Header overrides for malformed-file tests. */
export interface ElfSpec {
  entry: number;
  segments: SegmentSpec[];
  cls?: number;
  data?: number;
  identVersion?: number;
  type?: number;
  machine?: number;
  version?: number;
  ehsize?: number;
  phentsize?: number;
  phnum?: number;
  /** Bytes placed right after the program headers (e.g. a Multiboot header), before segment data. */
  prefix?: Uint8Array;
}

/** Builds the file: ELF header, program headers, prefix, then each segment's data, 4-byte aligned. */
export function makeElf(spec: ElfSpec): Uint8Array {
  const phoff = 52;
  const phnum = spec.segments.length;
  let cursor = phoff + phnum * 32;
  const prefixAt = cursor;
  cursor += spec.prefix?.length ?? 0;
  const offsets = spec.segments.map((s) => {
    cursor = Math.ceil(cursor / 4) * 4;
    const at = cursor;
    cursor += s.data.length;
    return at;
  });
  const out = new Uint8Array(cursor);
  const dv = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, spec.cls ?? 1, spec.data ?? 1, spec.identVersion ?? 1]);
  dv.setUint16(16, spec.type ?? 2, true);
  dv.setUint16(18, spec.machine ?? 3, true);
  dv.setUint32(20, spec.version ?? 1, true);
  dv.setUint32(24, spec.entry, true);
  dv.setUint32(28, phoff, true);
  dv.setUint16(40, spec.ehsize ?? 52, true);
  dv.setUint16(42, spec.phentsize ?? 32, true);
  dv.setUint16(44, spec.phnum ?? phnum, true);
  spec.segments.forEach((s, i) => {
    const at = phoff + i * 32;
    dv.setUint32(at, s.type ?? 1, true);
    dv.setUint32(at + 4, s.offset ?? offsets[i] ?? 0, true);
    dv.setUint32(at + 8, s.vaddr, true);
    dv.setUint32(at + 12, s.paddr ?? s.vaddr, true);
    dv.setUint32(at + 16, s.fileSize ?? s.data.length, true);
    dv.setUint32(at + 20, s.memSize ?? s.data.length, true);
    dv.setUint32(at + 24, s.flags ?? 5, true);
    out.set(s.data, offsets[i] ?? 0);
  });
  if (spec.prefix) out.set(spec.prefix, prefixAt);
  return out;
}

/** A Multiboot v1 header with a correct checksum (and address fields when `kludge` is given). */
export function multibootHeader(flags: number, kludge?: [number, number, number, number, number]): Uint8Array {
  const words = [0x1badb002, flags, (-(0x1badb002 + flags)) >>> 0, ...(kludge ?? [])];
  const out = new Uint8Array(words.length * 4);
  const dv = new DataView(out.buffer);
  words.forEach((w, i) => dv.setUint32(i * 4, w >>> 0, true));
  return out;
}
