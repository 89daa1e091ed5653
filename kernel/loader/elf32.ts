// Parses and checks an ELF32 little-endian i386 executable (ET_EXEC) into its loadable segments.
// Pure: bytes in, typed segments or a typed error out. Does not touch guest memory (see image-load.ts).
import { guestPhys, guestVirt, type GuestPhysAddr, type GuestVirtAddr } from "../mem/types";

/** A PT_LOAD segment, checked to lie inside the file and not to wrap the 32-bit address space. */
export interface ElfSegment {
  readonly vaddr: GuestVirtAddr;
  readonly paddr: GuestPhysAddr;
  readonly fileOffset: number;
  readonly fileSize: number;
  readonly memSize: number;
  /** p_flags: PF_X = 1, PF_W = 2, PF_R = 4. */
  readonly flags: number;
}

/** A checked ELF32 i386 executable. */
export interface ElfImage {
  readonly entry: GuestVirtAddr;
  readonly segments: readonly ElfSegment[];
}

/** Which field of the file is wrong; the message says how, with the offending value. */
export type ElfErrorKind =
  | "truncated"
  | "badMagic"
  | "badClass"
  | "badEncoding"
  | "badVersion"
  | "badType"
  | "badMachine"
  | "badHeaderSize"
  | "badProgramHeaders"
  | "badSegment"
  | "noLoadableSegment";

/** A malformed or unsupported ELF file. */
export interface ElfError {
  readonly kind: ElfErrorKind;
  readonly message: string;
}

/** Result of parseElf32. */
export type ElfResult = { readonly ok: true; readonly image: ElfImage } | { readonly ok: false; readonly error: ElfError };

// ELF header field values (System V ABI, "ELF Header" and the i386 supplement).
const ELFCLASS32 = 1; // e_ident[EI_CLASS]
const ELFDATA2LSB = 1; // e_ident[EI_DATA]
const EV_CURRENT = 1; // e_ident[EI_VERSION], e_version
const ET_EXEC = 2; // e_type
const EM_386 = 3; // e_machine
const PT_LOAD = 1; // p_type
const EHDR_SIZE = 52; // sizeof(Elf32_Ehdr)
const PHDR_SIZE = 32; // sizeof(Elf32_Phdr)
const TYPE_NAMES: Record<number, string> = { 0: "ET_NONE", 1: "ET_REL (an object file, not linked)", 3: "ET_DYN (shared object or PIE)", 4: "ET_CORE" };
const MACHINE_NAMES: Record<number, string> = { 62: "EM_X86_64", 40: "EM_ARM", 183: "EM_AARCH64", 8: "EM_MIPS", 243: "EM_RISCV" };

function fail(kind: ElfErrorKind, message: string): ElfResult {
  return { ok: false, error: { kind, message } };
}

function hex(v: number): string {
  return `0x${v.toString(16)}`;
}

/** True when `bytes` starts with the ELF magic (0x7f 'E' 'L' 'F'). */
export function hasElfMagic(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46;
}

/** Parses `bytes` as an ELF32 LSB i386 ET_EXEC file and checks every field the loader relies on. */
export function parseElf32(bytes: Uint8Array): ElfResult {
  if (bytes.length < 16) return fail("truncated", `file is ${bytes.length} bytes, shorter than the 16-byte ELF identification`);
  if (!hasElfMagic(bytes)) return fail("badMagic", "not an ELF file (the first four bytes are not 7f 45 4c 46)");
  if (bytes[4] !== ELFCLASS32) {
    return fail("badClass", bytes[4] === 2 ? "ELF64 file: an i386 (ELFCLASS32) image is required" : `EI_CLASS ${bytes[4]} is not ELFCLASS32 (1)`);
  }
  if (bytes[5] !== ELFDATA2LSB) return fail("badEncoding", `EI_DATA ${bytes[5]} is not ELFDATA2LSB (1, little-endian)`);
  if (bytes[6] !== EV_CURRENT) return fail("badVersion", `EI_VERSION ${bytes[6]} is not EV_CURRENT (1)`);
  if (bytes.length < EHDR_SIZE) return fail("truncated", `file is ${bytes.length} bytes, shorter than the 52-byte ELF32 header`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const eType = dv.getUint16(16, true);
  if (eType !== ET_EXEC) return fail("badType", `e_type ${eType} (${TYPE_NAMES[eType] ?? "unknown"}) is not ET_EXEC (2)`);
  const eMachine = dv.getUint16(18, true);
  if (eMachine !== EM_386) return fail("badMachine", `e_machine ${eMachine} (${MACHINE_NAMES[eMachine] ?? "unknown"}) is not EM_386 (3)`);
  const eVersion = dv.getUint32(20, true);
  if (eVersion !== EV_CURRENT) return fail("badVersion", `e_version ${eVersion} is not EV_CURRENT (1)`);
  const entry = dv.getUint32(24, true);
  const phoff = dv.getUint32(28, true);
  const ehsize = dv.getUint16(40, true);
  const phentsize = dv.getUint16(42, true);
  const phnum = dv.getUint16(44, true);
  if (ehsize < EHDR_SIZE) return fail("badHeaderSize", `e_ehsize ${ehsize} is smaller than the ELF32 header (52)`);
  if (phnum === 0) return fail("badProgramHeaders", "e_phnum is 0: no program headers, nothing to load");
  if (phentsize !== PHDR_SIZE) return fail("badProgramHeaders", `e_phentsize ${phentsize} is not sizeof(Elf32_Phdr) (32)`);
  if (phoff + phnum * PHDR_SIZE > bytes.length) {
    return fail("truncated", `program headers at e_phoff ${hex(phoff)} (${phnum} x 32 bytes) run past the end of the ${bytes.length}-byte file`);
  }
  const segments: ElfSegment[] = [];
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * PHDR_SIZE;
    if (dv.getUint32(at, true) !== PT_LOAD) continue;
    const fileOffset = dv.getUint32(at + 4, true);
    const vaddr = dv.getUint32(at + 8, true);
    const paddr = dv.getUint32(at + 12, true);
    const fileSize = dv.getUint32(at + 16, true);
    const memSize = dv.getUint32(at + 20, true);
    const flags = dv.getUint32(at + 24, true);
    const where = `program header ${i} (PT_LOAD at ${hex(paddr)})`;
    if (fileSize > memSize) return fail("badSegment", `${where}: p_filesz ${hex(fileSize)} exceeds p_memsz ${hex(memSize)}`);
    if (fileOffset + fileSize > bytes.length) {
      return fail("truncated", `${where}: file bytes ${hex(fileOffset)}+${hex(fileSize)} run past the end of the ${bytes.length}-byte file`);
    }
    if (paddr + memSize > 0x1_0000_0000 || vaddr + memSize > 0x1_0000_0000) {
      return fail("badSegment", `${where}: p_memsz ${hex(memSize)} wraps past the end of the 32-bit address space`);
    }
    if (memSize === 0) continue;
    segments.push({ vaddr: guestVirt(vaddr), paddr: guestPhys(paddr), fileOffset, fileSize, memSize, flags });
  }
  if (segments.length === 0) return fail("noLoadableSegment", "no PT_LOAD segment with a non-zero p_memsz");
  return { ok: true, image: { entry: guestVirt(entry), segments } };
}
