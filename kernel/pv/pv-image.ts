// Parses and checks a paravirtualized partition image: ELF32 segments inside partition RAM, the
// `.pvabi` note (magic, ABI version, features) and the `.pvext` import tables. Pure: bytes in, a
// checked PvImage or a typed error out. Mapping it into a partition is kernel/pv/pv-machine.ts.
import { Features, PV_ABI_MAGIC, PV_ABI_MAJOR, PV_ABI_MINOR } from "../hypercall/generated/abi-generated";
import { ABI_NOTE_LAYOUT, PV_CONSTANTS } from "../hypercall/generated/abi-layout";
import { parseElf32, type ElfSegment } from "../loader/elf32";
import { bytesAt, readElfTables } from "../loader/elf32-sections";

/** The features this kernel offers (abi_features returns the same bits). */
export const KERNEL_FEATURES = Features.LAZY_BIND | Features.EAGER_BIND | Features.ONESHOT_TIMER | Features.PORTS;

/** A half-open guest-virtual range [start, end). */
export interface VirtRange {
  readonly start: number;
  readonly end: number;
}

/** One jump-table import: its name, its `.pvext.sym` word and its `.pvext.jmp` slot. */
export interface PvImport {
  readonly name: string;
  readonly sym: number;
  readonly slot: number;
}

/** A checked PV image. */
export interface PvImage {
  readonly bytes: Uint8Array;
  readonly entry: number;
  readonly segments: readonly ElfSegment[];
  /** First page-aligned address after every segment. */
  readonly imageEnd: number;
  readonly guestName: string;
  readonly abiMinor: number;
  /** PV_NOTE_* bits. */
  readonly noteFlags: number;
  readonly pvext: { readonly str: VirtRange; readonly sym: VirtRange; readonly jmp: VirtRange };
  /** Imports in `.pvext.sym` order (index k = slot k). */
  readonly imports: readonly PvImport[];
  /** Symbol name -> value from `.symtab` (empty for a stripped image); names the PartitionCallback. */
  readonly symbols: ReadonlyMap<string, number>;
}

/** Why an image is refused. */
export type PvImageErrorKind = "elf" | "outsideRam" | "noNote" | "badNote" | "abiMajor" | "abiMinor" | "features" | "badPvext";

/** A refused PV image, with a sentence saying why. */
export interface PvImageError {
  readonly kind: PvImageErrorKind;
  readonly message: string;
}

/** Result of parsePvImage. */
export type PvImageResult = { readonly ok: true; readonly image: PvImage } | { readonly ok: false; readonly error: PvImageError };

const NAME_RE = /^[A-Za-z0-9_]+$/;
const hex = (v: number): string => `0x${v.toString(16)}`;
const fail = (kind: PvImageErrorKind, message: string): PvImageResult => ({ ok: false, error: { kind, message } });

function u32(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

function u16(b: Uint8Array, at: number): number {
  return b[at]! | (b[at + 1]! << 8);
}

/** The 80-byte note: from the `.pvabi` section, or found by its magic in a read-only segment. */
function findNote(bytes: Uint8Array, segments: readonly ElfSegment[], section: Uint8Array | undefined): Uint8Array | undefined {
  if (section !== undefined) return section.length >= ABI_NOTE_LAYOUT.size ? section : undefined;
  for (const s of segments) {
    if ((s.flags & 2) !== 0) continue;
    for (let at = s.fileOffset; at + ABI_NOTE_LAYOUT.size <= s.fileOffset + s.fileSize; at += 4) {
      if (u32(bytes, at) === PV_ABI_MAGIC && u32(bytes, at + 8) === ABI_NOTE_LAYOUT.size) return bytes.subarray(at, at + ABI_NOTE_LAYOUT.size);
    }
  }
  return undefined;
}

/** Parses `bytes` as a PV image for a partition with `ramBytes` of RAM at PV_IMAGE_BASE. */
export function parsePvImage(bytes: Uint8Array, ramBytes: number): PvImageResult {
  const elf = parseElf32(bytes);
  if (!elf.ok) return fail("elf", elf.error.message);
  const ramBase = PV_CONSTANTS.IMAGE_BASE;
  let imageEnd: number = ramBase;
  for (const s of elf.image.segments) {
    if (s.vaddr < ramBase || s.vaddr + s.memSize > ramBase + ramBytes) {
      return fail("outsideRam", `segment ${hex(s.vaddr)}+${hex(s.memSize)} lies outside partition RAM ${hex(ramBase)}..${hex(ramBase + ramBytes)} (link with linkcmds/pv-partition.ld, or configure more memory)`);
    }
    imageEnd = Math.max(imageEnd, Math.ceil((s.vaddr + s.memSize) / PV_CONSTANTS.PAGE_SIZE) * PV_CONSTANTS.PAGE_SIZE);
  }
  const tablesResult = readElfTables(bytes);
  if (!tablesResult.ok) return fail("elf", tablesResult.message);
  const tables = tablesResult.tables;
  const noteSection = tables.sections.find((s) => s.name === ".pvabi");
  const note = findNote(bytes, elf.image.segments, noteSection === undefined ? undefined : bytes.subarray(noteSection.offset, noteSection.offset + noteSection.size));
  if (note === undefined) return fail("noNote", "no .pvabi note: not a paravirtualized image (stamp it with PV_ABI_NOTE from paravirt-abi/include/pv_note.h)");
  const f = ABI_NOTE_LAYOUT.fields;
  const magic = u32(note, f.magic.offset);
  if (magic !== PV_ABI_MAGIC) return fail("badNote", `.pvabi magic ${hex(magic)} is not ${hex(PV_ABI_MAGIC)}`);
  const major = u16(note, f.abi_major.offset);
  const minor = u16(note, f.abi_minor.offset);
  if (major !== PV_ABI_MAJOR) {
    return fail("abiMajor", `image built for paravirt ABI ${major}.${minor}, this kernel serves ABI ${PV_ABI_MAJOR}.${PV_ABI_MINOR}: the major versions differ`);
  }
  if (minor > PV_ABI_MINOR) return fail("abiMinor", `image needs paravirt ABI ${major}.${minor}, newer than this kernel's ${PV_ABI_MAJOR}.${PV_ABI_MINOR}`);
  const headerSize = u32(note, f.header_size.offset);
  if (headerSize < ABI_NOTE_LAYOUT.size) return fail("badNote", `.pvabi header_size ${headerSize} is below ${ABI_NOTE_LAYOUT.size}`);
  const features = u32(note, f.features.offset);
  if ((features & ~KERNEL_FEATURES) !== 0) return fail("features", `image requires feature bits ${hex(features & ~KERNEL_FEATURES)} this kernel lacks`);
  const range = (s: keyof typeof f, e: keyof typeof f): VirtRange => ({ start: u32(note, f[s].offset), end: u32(note, f[e].offset) });
  const pvext = { str: range("pvext_str_start", "pvext_str_end"), sym: range("pvext_sym_start", "pvext_sym_end"), jmp: range("pvext_jmp_start", "pvext_jmp_end") };
  const nameBytes = note.subarray(f.guest_name.offset, f.guest_name.offset + f.guest_name.size);
  const nul = nameBytes.indexOf(0);
  const guestName = String.fromCharCode(...nameBytes.subarray(0, nul < 0 ? nameBytes.length : nul));
  const imports = readImports(bytes, tables, elf.image.segments, pvext);
  if (typeof imports === "string") return fail("badPvext", imports);
  return {
    ok: true,
    image: { bytes, entry: elf.image.entry, segments: elf.image.segments, imageEnd, guestName, abiMinor: minor, noteFlags: u32(note, f.flags.offset), pvext, imports, symbols: tables.symbols },
  };
}

/** Checks the `.pvext` bounds and reads every import; a string is the reason they are malformed. */
function readImports(
  bytes: Uint8Array,
  tables: Parameters<typeof bytesAt>[1],
  segments: readonly ElfSegment[],
  pvext: PvImage["pvext"],
): PvImport[] | string {
  const { str, sym, jmp } = pvext;
  for (const [name, r] of [["str", str], ["sym", sym], ["jmp", jmp]] as const) {
    if (r.end < r.start) return `.pvext.${name} bounds ${hex(r.start)}..${hex(r.end)} are reversed`;
    if (r.end === r.start) continue;
    if (!segments.some((s) => r.start >= s.vaddr && r.end <= s.vaddr + s.memSize)) return `.pvext.${name} ${hex(r.start)}..${hex(r.end)} is not inside one loaded segment`;
  }
  if (sym.end - sym.start !== jmp.end - jmp.start) return `.pvext.sym holds ${(sym.end - sym.start) / 4} words but .pvext.jmp ${(jmp.end - jmp.start) / 4} slots`;
  if (sym.start % 4 !== 0 || jmp.start % 4 !== 0 || (sym.end - sym.start) % 4 !== 0) return ".pvext.sym / .pvext.jmp are not 4-byte aligned word arrays";
  if (sym.end === sym.start) return [];
  const symBytes = bytesAt(bytes, tables, sym.start, sym.end - sym.start);
  const strBytes = bytesAt(bytes, tables, str.start, str.end - str.start);
  if (symBytes === undefined || strBytes === undefined) return ".pvext.sym / .pvext.str have no file bytes";
  const out: PvImport[] = [];
  for (let k = 0; k < symBytes.length / 4; k++) {
    const at = u32(symBytes, 4 * k);
    if (at < str.start || at >= str.end) return `.pvext.sym word ${k} (${hex(at)}) points outside .pvext.str`;
    const off = at - str.start;
    const end = strBytes.subarray(off, off + PV_CONSTANTS.EXT_NAME_MAX).indexOf(0);
    if (end < 0) return `import name ${k} at ${hex(at)} is not NUL-terminated within ${PV_CONSTANTS.EXT_NAME_MAX} bytes inside .pvext.str`;
    const name = String.fromCharCode(...strBytes.subarray(off, off + end));
    if (!NAME_RE.test(name)) return `import name ${k} at ${hex(at)} is not an identifier ([A-Za-z0-9_]+)`;
    out.push({ name, sym: sym.start + 4 * k, slot: jmp.start + 4 * k });
  }
  return out;
}
