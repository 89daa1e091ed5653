// Test helper: reads just enough of an ELF32 little-endian i386 file (section headers, symbols, bytes
// at a virtual address) to check the paravirt ABI's sections. Not the kernel's loader.
import { expect } from "chai";

/** One section header with its resolved name. */
export interface ElfSection {
  readonly name: string;
  readonly type: number;
  readonly flags: number;
  readonly addr: number;
  readonly offset: number;
  readonly size: number;
}

/** One symbol-table entry with its resolved name. */
export interface ElfSymbol {
  readonly name: string;
  readonly value: number;
  readonly size: number;
  readonly bind: number;
  readonly type: number;
  readonly shndx: number;
}

/** SHT_NOBITS: the section occupies no file bytes (.bss). */
export const SHT_NOBITS = 8;
/** SHF_WRITE */
export const SHF_WRITE = 1;
/** SHF_EXECINSTR */
export const SHF_EXECINSTR = 4;

function cstr(buf: Buffer, at: number): string {
  const end = buf.indexOf(0, at);
  return buf.toString("latin1", at, end < 0 ? buf.length : end);
}

/** A parsed image: entry point, sections, symbols and a reader by virtual address. */
export class Elf32 {
  readonly entry: number;
  readonly sections: readonly ElfSection[];
  readonly symbols: readonly ElfSymbol[];

  constructor(private readonly buf: Buffer) {
    expect(buf.readUInt32BE(0)).to.equal(0x7f454c46, "ELF magic");
    expect(buf[4]).to.equal(1, "ELFCLASS32");
    expect(buf[5]).to.equal(1, "little-endian");
    expect(buf.readUInt16LE(18)).to.equal(3, "EM_386");
    this.entry = buf.readUInt32LE(24);
    const shoff = buf.readUInt32LE(32);
    const shentsize = buf.readUInt16LE(46);
    const shnum = buf.readUInt16LE(48);
    const shstrndx = buf.readUInt16LE(50);
    const raw = Array.from({ length: shnum }, (_, i) => {
      const at = shoff + i * shentsize;
      return {
        nameOff: buf.readUInt32LE(at),
        type: buf.readUInt32LE(at + 4),
        flags: buf.readUInt32LE(at + 8),
        addr: buf.readUInt32LE(at + 12),
        offset: buf.readUInt32LE(at + 16),
        size: buf.readUInt32LE(at + 20),
        link: buf.readUInt32LE(at + 24),
      };
    });
    const strtabOff = raw[shstrndx]?.offset ?? 0;
    this.sections = raw.map((s) => ({ name: cstr(buf, strtabOff + s.nameOff), type: s.type, flags: s.flags, addr: s.addr, offset: s.offset, size: s.size }));
    const symtab = raw.find((s) => s.type === 2);
    const symstr = symtab === undefined ? undefined : raw[symtab.link];
    const syms: ElfSymbol[] = [];
    if (symtab !== undefined && symstr !== undefined) {
      for (let at = symtab.offset; at < symtab.offset + symtab.size; at += 16) {
        const info = buf[at + 12] ?? 0;
        syms.push({
          name: cstr(buf, symstr.offset + buf.readUInt32LE(at)),
          value: buf.readUInt32LE(at + 4),
          size: buf.readUInt32LE(at + 8),
          bind: info >> 4,
          type: info & 0xf,
          shndx: buf.readUInt16LE(at + 14),
        });
      }
    }
    this.symbols = syms;
  }

  /** The section named `name`; fails the test when absent. */
  section(name: string): ElfSection {
    const s = this.sections.find((x) => x.name === name);
    if (s === undefined) throw new Error(`no section ${name}`);
    return s;
  }

  /** The value of the symbol named `name` (the first one); fails the test when absent. */
  symbol(name: string): number {
    const s = this.symbols.find((x) => x.name === name);
    if (s === undefined) throw new Error(`no symbol ${name}`);
    return s.value;
  }

  /** The section holding virtual address `addr` with file bytes, if any. */
  sectionAt(addr: number): ElfSection | undefined {
    return this.sections.find((s) => s.addr !== 0 && s.type !== SHT_NOBITS && addr >= s.addr && addr < s.addr + s.size);
  }

  /** `len` file bytes at virtual address `addr`; fails when they are not all in one section. */
  bytes(addr: number, len: number): Buffer {
    const s = this.sectionAt(addr);
    if (s === undefined || addr + len > s.addr + s.size) throw new Error(`0x${addr.toString(16)}+${len} is not in a loaded section`);
    const at = s.offset + (addr - s.addr);
    return this.buf.subarray(at, at + len);
  }

  /** The 32-bit little-endian word at `addr`. */
  word(addr: number): number {
    return this.bytes(addr, 4).readUInt32LE(0);
  }

  /** The NUL-terminated string at `addr`, read within its section. */
  string(addr: number): string {
    const s = this.sectionAt(addr);
    if (s === undefined) throw new Error(`string at 0x${addr.toString(16)} is not in a loaded section`);
    return cstr(this.bytes(addr, s.addr + s.size - addr), 0);
  }

  /** The words of a section from `start` to `end` (exclusive). */
  words(start: number, end: number): number[] {
    return Array.from({ length: (end - start) / 4 }, (_, i) => this.word(start + 4 * i));
  }
}
