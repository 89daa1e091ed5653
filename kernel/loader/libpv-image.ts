// Parses libpv, the guest library every PV partition maps read-only at PV_LIBPV_BASE: its segments and
// its export table (.pvexport, EXPORT_LAYOUT entries). Pure; a malformed libpv is a typed error.
// Binding names to exports for one partition is kernel/hypercall/export-lookup.ts.
import { ExportFlags, PV_ABI_MAJOR } from "../hypercall/generated/abi-generated";
import { EXPORT_LAYOUT, PV_CONSTANTS } from "../hypercall/generated/abi-layout";
import { parseElf32, type ElfSegment } from "./elf32";
import { bytesAt, readElfTables } from "./elf32-sections";

/** One libpv export. */
export interface LibpvExport {
  readonly name: string;
  readonly address: number;
  /** Kernel service served, or PV_CONSTANTS.EXPORT_NOT_A_SERVICE. */
  readonly serviceId: number;
  /** PV_EXPORT_* bits. */
  readonly flags: number;
}

/** A checked libpv. */
export interface LibpvImage {
  readonly bytes: Uint8Array;
  readonly segments: readonly ElfSegment[];
  /** Bytes from PV_LIBPV_BASE to the end of the last segment. */
  readonly size: number;
  readonly exportTable: number;
  /** In table order. */
  readonly exports: readonly LibpvExport[];
  /** pv_resolve (resolver entry) and pv_enosys (the unknown-name target). */
  readonly resolver: number;
  readonly enosys: number;
}

/** Result of parseLibpv. */
export type LibpvResult = { readonly ok: true; readonly image: LibpvImage } | { readonly ok: false; readonly message: string };

const hex = (v: number): string => `0x${v.toString(16)}`;

/** Parses libpv's ELF bytes (build/guests/paravirt-abi/libpv/libpv-O2.elf). */
export function parseLibpv(bytes: Uint8Array): LibpvResult {
  const fail = (message: string): LibpvResult => ({ ok: false, message: `libpv: ${message}` });
  const elf = parseElf32(bytes);
  if (!elf.ok) return fail(elf.error.message);
  let end: number = PV_CONSTANTS.LIBPV_BASE;
  for (const s of elf.image.segments) {
    if (s.vaddr < PV_CONSTANTS.LIBPV_BASE || s.vaddr + s.memSize > PV_CONSTANTS.LIBPV_BASE + PV_CONSTANTS.LIBPV_MAX_SIZE) {
      return fail(`segment ${hex(s.vaddr)}+${hex(s.memSize)} is outside ${hex(PV_CONSTANTS.LIBPV_BASE)}+${hex(PV_CONSTANTS.LIBPV_MAX_SIZE)}`);
    }
    if ((s.flags & 2) !== 0) return fail(`segment ${hex(s.vaddr)} is writable; libpv must have no writable data`);
    end = Math.max(end, s.vaddr + s.memSize);
  }
  const t = readElfTables(bytes);
  if (!t.ok) return fail(t.message);
  const start = t.tables.symbols.get("__pvexport_start");
  const stop = t.tables.symbols.get("__pvexport_end");
  if (start === undefined || stop === undefined || stop < start || (stop - start) % EXPORT_LAYOUT.size !== 0) return fail("no well-formed export table (__pvexport_start/__pvexport_end)");
  const table = bytesAt(bytes, t.tables, start, stop - start);
  if (table === undefined) return fail("export table has no file bytes");
  const dv = new DataView(table.buffer, table.byteOffset, table.byteLength);
  const f = EXPORT_LAYOUT.fields;
  const exports: LibpvExport[] = [];
  for (let at = 0; at < table.length; at += EXPORT_LAYOUT.size) {
    const nameAt = dv.getUint32(at + f.name.offset, true);
    const raw = bytesAt(bytes, t.tables, nameAt, 1);
    if (raw === undefined) return fail(`export ${at / EXPORT_LAYOUT.size} names an address outside libpv`);
    const region = bytes.subarray(raw.byteOffset - bytes.byteOffset, raw.byteOffset - bytes.byteOffset + PV_CONSTANTS.EXT_NAME_MAX);
    const nul = region.indexOf(0);
    if (nul <= 0) return fail(`export ${at / EXPORT_LAYOUT.size} has an empty or unterminated name`);
    exports.push({
      name: String.fromCharCode(...region.subarray(0, nul)),
      address: dv.getUint32(at + f.address.offset, true),
      serviceId: dv.getUint32(at + f.service_id.offset, true),
      flags: dv.getUint32(at + f.flags.offset, true),
    });
  }
  const internal = (name: string): number | undefined => exports.find((e) => e.name === name && (e.flags & ExportFlags.INTERNAL) !== 0)?.address;
  const resolver = internal("pv_resolve");
  const enosys = internal("pv_enosys");
  if (resolver === undefined || enosys === undefined || enosys === 0) return fail(`export table lacks pv_resolve or pv_enosys (ABI ${PV_ABI_MAJOR})`);
  return { ok: true, image: { bytes, segments: elf.image.segments, size: end - PV_CONSTANTS.LIBPV_BASE, exportTable: start, exports, resolver, enosys } };
}
