// ELF32 ET_CORE EM_386 files: the container of a snapshot. Writes and reads a PT_NOTE segment (named
// notes) and PT_LOAD segments (guest RAM); knows nothing of what the notes mean (snapshot-file.ts).
// Reading is checked field by field: a bad file gives one reason, never a throw.
import { latin1Bytes, latin1String } from "./bytes";

/** One ELF note: owner name, type and descriptor bytes. */
export interface CoreNote {
  readonly owner: string;
  readonly type: number;
  readonly desc: Uint8Array;
}

/** One PT_LOAD: guest RAM at `paddr` (`vaddr` where a debugger should see it). Bytes past `data` up to `memSize` are zero. */
export interface CoreLoad {
  readonly vaddr: number;
  readonly paddr: number;
  readonly memSize: number;
  readonly data: Uint8Array;
}

/** A parsed core file. */
export interface CoreFile {
  readonly notes: readonly CoreNote[];
  readonly loads: readonly CoreLoad[];
}

/** A core file, or the one reason it cannot be read. */
export type CoreResult = { readonly ok: true; readonly core: CoreFile } | { readonly ok: false; readonly error: string };

const EHDR_SIZE = 52; // sizeof(Elf32_Ehdr)
const PHDR_SIZE = 32; // sizeof(Elf32_Phdr)
const ET_CORE = 4;
const EM_386 = 3;
const PT_LOAD = 1;
const PT_NOTE = 4;
const PF_RWX = 7;
/** Segment data starts on a page boundary (as Linux cores do), so RAM can be mapped straight from the file. */
const PAGE = 4096;

const align4 = (n: number): number => (n + 3) & ~3;

function noteBytes(n: CoreNote): number {
  return 12 + align4(n.owner.length + 1) + align4(n.desc.length);
}

/** Lays out a core file: ELF header, program headers (PT_NOTE then one PT_LOAD per load), notes, RAM. */
export function writeCore(file: CoreFile): Uint8Array {
  const phnum = 1 + file.loads.length;
  const notesOff = EHDR_SIZE + PHDR_SIZE * phnum;
  const notesSize = file.notes.reduce((s, n) => s + noteBytes(n), 0);
  let off = Math.ceil((notesOff + notesSize) / PAGE) * PAGE;
  const loadOffs = file.loads.map((l) => {
    const at = off;
    off = Math.ceil((off + l.data.length) / PAGE) * PAGE;
    return at;
  });
  const total = file.loads.length === 0 ? notesOff + notesSize : (loadOffs[loadOffs.length - 1] ?? 0) + (file.loads[file.loads.length - 1]?.data.length ?? 0);
  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1, 0]); // \x7fELF, ELFCLASS32, ELFDATA2LSB, EV_CURRENT, ELFOSABI_NONE
  v.setUint16(16, ET_CORE, true);
  v.setUint16(18, EM_386, true);
  v.setUint32(20, 1, true); // e_version
  v.setUint32(28, EHDR_SIZE, true); // e_phoff
  v.setUint16(40, EHDR_SIZE, true); // e_ehsize
  v.setUint16(42, PHDR_SIZE, true); // e_phentsize
  v.setUint16(44, phnum, true);
  const phdr = (i: number, type: number, offset: number, vaddr: number, paddr: number, filesz: number, memsz: number, align: number): void => {
    const p = EHDR_SIZE + i * PHDR_SIZE;
    for (const [k, x] of [type, offset, vaddr, paddr, filesz, memsz, type === PT_LOAD ? PF_RWX : 4, align].entries()) v.setUint32(p + 4 * k, x >>> 0, true);
  };
  phdr(0, PT_NOTE, notesOff, 0, 0, notesSize, 0, 4);
  file.loads.forEach((l, i) => {
    phdr(1 + i, PT_LOAD, loadOffs[i] ?? 0, l.vaddr, l.paddr, l.data.length, l.memSize, PAGE);
    out.set(l.data, loadOffs[i] ?? 0);
  });
  let p = notesOff;
  for (const n of file.notes) {
    const name = latin1Bytes(n.owner);
    v.setUint32(p, name.length + 1, true);
    v.setUint32(p + 4, n.desc.length, true);
    v.setUint32(p + 8, n.type >>> 0, true);
    out.set(name, p + 12);
    p += 12 + align4(name.length + 1);
    out.set(n.desc, p);
    p += align4(n.desc.length);
  }
  return out;
}

/** Reads a core file written by writeCore (or any ELF32 i386 core with the same shape). */
export function readCore(bytes: Uint8Array): CoreResult {
  const fail = (error: string): CoreResult => ({ ok: false, error });
  if (bytes.length < EHDR_SIZE) return fail(`truncated: ${bytes.length} bytes is shorter than an ELF header`);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (v.getUint32(0, false) !== 0x7f454c46) return fail("ELF header: bad magic (not an ELF file)");
  if (bytes[4] !== 1 || bytes[5] !== 1) return fail("ELF header: not ELF32 little-endian");
  if (v.getUint16(16, true) !== ET_CORE) return fail(`ELF header: e_type ${v.getUint16(16, true)} is not ET_CORE`);
  if (v.getUint16(18, true) !== EM_386) return fail(`ELF header: e_machine ${v.getUint16(18, true)} is not EM_386`);
  const phoff = v.getUint32(28, true);
  const phnum = v.getUint16(44, true);
  if (v.getUint16(42, true) !== PHDR_SIZE || phoff + phnum * PHDR_SIZE > bytes.length) return fail("program headers: truncated or malformed");
  const notes: CoreNote[] = [];
  const loads: CoreLoad[] = [];
  for (let i = 0; i < phnum; i++) {
    const q = phoff + i * PHDR_SIZE;
    const [type = 0, offset = 0, vaddr = 0, paddr = 0, filesz = 0, memsz = 0] = [0, 1, 2, 3, 4, 5].map((k) => v.getUint32(q + 4 * k, true));
    if (offset + filesz > bytes.length) return fail(`program header ${i}: segment runs past the end of the file (truncated)`);
    if (type === PT_LOAD) {
      if (filesz > memsz) return fail(`program header ${i}: p_filesz > p_memsz`);
      loads.push({ vaddr, paddr, memSize: memsz, data: bytes.subarray(offset, offset + filesz) });
    } else if (type === PT_NOTE) {
      const r = readNotes(bytes.subarray(offset, offset + filesz), notes);
      if (r !== undefined) return fail(`PT_NOTE: ${r}`);
    }
  }
  return { ok: true, core: { notes, loads } };
}

function readNotes(seg: Uint8Array, into: CoreNote[]): string | undefined {
  const v = new DataView(seg.buffer, seg.byteOffset, seg.byteLength);
  let p = 0;
  while (p < seg.length) {
    if (p + 12 > seg.length) return `note ${into.length}: truncated header`;
    const namesz = v.getUint32(p, true);
    const descsz = v.getUint32(p + 4, true);
    const type = v.getUint32(p + 8, true);
    // Sizes are guest-file data up to 2^32 - 1: bound them before any arithmetic (align4 works in 32 bits).
    if (namesz > seg.length || descsz > seg.length) return `note ${into.length}: sizes run past the segment`;
    const nameEnd = p + 12 + align4(namesz);
    const descEnd = nameEnd + align4(descsz);
    if (namesz === 0 || descEnd > seg.length || nameEnd < p) return `note ${into.length}: sizes run past the segment`;
    if (seg[p + 12 + namesz - 1] !== 0) return `note ${into.length}: owner name not NUL-terminated`;
    const owner = latin1String(seg.subarray(p + 12, p + 12 + namesz - 1));
    into.push({ owner, type, desc: seg.subarray(nameEnd, nameEnd + descsz) });
    p = descEnd;
  }
  return undefined;
}
