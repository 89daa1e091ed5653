// Reads the section headers and the symbol table of an ELF32 little-endian file whose ELF header
// parseElf32 has already checked. Pure and bounds-checked: malformed tables are a typed error.
// Not responsible for loading segments (elf32.ts) or for what a section means (pv-image.ts).

/** One section header with its resolved name. */
export interface ElfSectionHeader {
  readonly name: string;
  readonly type: number;
  readonly flags: number;
  readonly addr: number;
  readonly offset: number;
  readonly size: number;
}

/** Sections and symbols of a checked file. */
export interface ElfTables {
  readonly sections: readonly ElfSectionHeader[];
  /** Symbol name -> value (first definition wins); empty when the file has no .symtab. */
  readonly symbols: ReadonlyMap<string, number>;
}

/** Result of readElfTables. */
export type ElfTablesResult = { readonly ok: true; readonly tables: ElfTables } | { readonly ok: false; readonly message: string };

/** sh_type of a section that occupies no file bytes (.bss). */
export const SHT_NOBITS = 8;
const SHT_SYMTAB = 2;
const SHDR_SIZE = 40; // sizeof(Elf32_Shdr)
const SYM_SIZE = 16; // sizeof(Elf32_Sym)
const MAX_NAME = 256;

function cstr(bytes: Uint8Array, at: number, end: number): string | undefined {
  let s = "";
  for (let i = at; i < end && i < at + MAX_NAME; i++) {
    const b = bytes[i]!;
    if (b === 0) return s;
    s += String.fromCharCode(b);
  }
  return undefined;
}

/** Section headers (names resolved through e_shstrndx) and symbols of `bytes`. */
export function readElfTables(bytes: Uint8Array): ElfTablesResult {
  const fail = (message: string): ElfTablesResult => ({ ok: false, message });
  if (bytes.length < 52) return fail("file shorter than the ELF32 header");
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shoff = dv.getUint32(32, true);
  const shentsize = dv.getUint16(46, true);
  const shnum = dv.getUint16(48, true);
  const shstrndx = dv.getUint16(50, true);
  if (shnum === 0) return { ok: true, tables: { sections: [], symbols: new Map() } };
  if (shentsize !== SHDR_SIZE) return fail(`e_shentsize ${shentsize} is not sizeof(Elf32_Shdr) (40)`);
  if (shoff + shnum * SHDR_SIZE > bytes.length) return fail(`section headers at 0x${shoff.toString(16)} run past the end of the file`);
  if (shstrndx >= shnum) return fail(`e_shstrndx ${shstrndx} names no section`);
  const raw = Array.from({ length: shnum }, (_, i) => {
    const at = shoff + i * SHDR_SIZE;
    return {
      nameOff: dv.getUint32(at, true),
      type: dv.getUint32(at + 4, true),
      flags: dv.getUint32(at + 8, true),
      addr: dv.getUint32(at + 12, true),
      offset: dv.getUint32(at + 16, true),
      size: dv.getUint32(at + 20, true),
      link: dv.getUint32(at + 24, true),
    };
  });
  for (const [i, s] of raw.entries()) {
    if (s.type !== SHT_NOBITS && s.offset + s.size > bytes.length) return fail(`section ${i} (offset 0x${s.offset.toString(16)}, size 0x${s.size.toString(16)}) runs past the end of the file`);
  }
  const strtab = raw[shstrndx]!;
  const sections: ElfSectionHeader[] = [];
  for (const [i, s] of raw.entries()) {
    const name = s.nameOff < strtab.size ? cstr(bytes, strtab.offset + s.nameOff, strtab.offset + strtab.size) : undefined;
    if (name === undefined) return fail(`section ${i} has a bad name offset 0x${s.nameOff.toString(16)}`);
    sections.push({ name, type: s.type, flags: s.flags, addr: s.addr, offset: s.offset, size: s.size });
  }
  const symbols = new Map<string, number>();
  const symtab = raw.find((s) => s.type === SHT_SYMTAB);
  if (symtab !== undefined) {
    const names = raw[symtab.link];
    if (names === undefined) return fail(".symtab links to no string table");
    for (let at = symtab.offset; at + SYM_SIZE <= symtab.offset + symtab.size; at += SYM_SIZE) {
      const nameOff = dv.getUint32(at, true);
      if (nameOff === 0) continue;
      const name = nameOff < names.size ? cstr(bytes, names.offset + nameOff, names.offset + names.size) : undefined;
      if (name === undefined) return fail(`symbol at file offset 0x${at.toString(16)} has a bad name`);
      if (!symbols.has(name)) symbols.set(name, dv.getUint32(at + 4, true));
    }
  }
  return { ok: true, tables: { sections, symbols } };
}

/** File bytes of virtual range [addr, addr+len) when one PROGBITS section holds all of them. */
export function bytesAt(bytes: Uint8Array, tables: ElfTables, addr: number, len: number): Uint8Array | undefined {
  for (const s of tables.sections) {
    if (s.addr === 0 || s.type === SHT_NOBITS) continue;
    if (addr >= s.addr && addr + len <= s.addr + s.size) return bytes.subarray(s.offset + (addr - s.addr), s.offset + (addr - s.addr) + len);
  }
  return undefined;
}
