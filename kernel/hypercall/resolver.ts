// Lazy binding (service `resolve`, README "First (lazy) call", step 5) and eager binding at load time.
// Both check a sym/slot pair against the image's .pvext ranges recorded at load (never re-read from
// the guest) and share one name lookup; unknown or forbidden names bind to pv_enosys, never to 0.
import type { Cpu } from "../cpu/cpu";
import type { PvImage } from "../pv/pv-image";
import type { PhysicalMemory } from "../mem/physical-memory";
import { readGuestCString, readGuestU32, writeGuestU32 } from "../mem/guest-access";
import { guestPhys } from "../mem/types";
import { PV_CONSTANTS } from "./generated/abi-layout";
import { lookupExport, type ExportLookup } from "./export-lookup";
import { uncheckedRamPhys } from "../pv/pv-address-space";
import { logOnce, virt, type PvCallContext, type PvCallResult } from "./pv-call";

const NAME_RE = /^[A-Za-z0-9_]+$/;

/** Index of the import whose sym word is at `sym` and slot at `slot`, or a reason the pair is bad. */
export function pairIndex(image: PvImage, sym: number, slot: number): number | string {
  const { sym: s, jmp: j } = image.pvext;
  if (sym < s.start || sym >= s.end || (sym - s.start) % 4 !== 0) return `sym 0x${sym.toString(16)} is not a word of .pvext.sym`;
  const k = (sym - s.start) / 4;
  if (slot !== j.start + 4 * k) return `slot 0x${slot.toString(16)} is not slot ${k} of .pvext.jmp`;
  return k;
}

/** Service 3: binds one slot and continues into its target with the caller's registers and stack. */
export function resolveHandler(ctx: PvCallContext): PvCallResult {
  const cpu: Cpu = ctx.cpu;
  const { image, lookup } = ctx.vcpu;
  const bad = (why: string): PvCallResult => ({ kind: "fault", fault: "illegalRequest", message: `resolve: ${why}` });
  const word = (at: number): number | undefined => {
    const r = readGuestU32(cpu, virt(at), { user: true });
    return r.ok ? r.value : undefined;
  };
  const esp = cpu.esp >>> 0;
  const [saved, sym, slot] = [word(esp), word(esp + 4), word(esp + 8)];
  if (saved === undefined || sym === undefined || slot === undefined) return bad(`stack at 0x${esp.toString(16)} is not readable`);
  const k = pairIndex(image, sym, slot);
  if (typeof k === "string") return bad(k);
  const nameAt = word(sym);
  if (nameAt === undefined || nameAt < image.pvext.str.start || nameAt >= image.pvext.str.end) return bad(`name of import ${k} is outside .pvext.str`);
  const name = readGuestCString(cpu, virt(nameAt), Math.min(PV_CONSTANTS.EXT_NAME_MAX, image.pvext.str.end - nameAt), { user: true });
  if (!name.ok || !NAME_RE.test(name.value)) return bad(`name of import ${k} is not a bounded identifier`);
  const target = lookupExport(lookup, name.value);
  if (!target.found) logOnce(ctx, `import:${name.value}`, `import ${name.value} is unknown or not permitted: bound to pv_enosys`);
  if (!writeGuestU32(cpu, virt(slot), target.address, { user: true }).ok) return bad(`slot 0x${slot.toString(16)} is not writable`);
  cpu.eax = saved;
  cpu.esp = (esp + 12) >>> 0;
  cpu.eip = target.address;
  return { kind: "continue" };
}

/** Eager binding: writes every slot; returns the names libpv does not export at all (forbidden ones bind to pv_enosys). */
export function bindAll(mem: PhysicalMemory, image: PvImage, lookup: ExportLookup, allExports: ReadonlySet<string>): { readonly missing: string[]; readonly forbidden: string[] } {
  const missing: string[] = [];
  const forbidden: string[] = [];
  for (const imp of image.imports) {
    const t = lookupExport(lookup, imp.name);
    if (!t.found) (allExports.has(imp.name) ? forbidden : missing).push(imp.name);
    mem.write32(guestPhys(uncheckedRamPhys(imp.slot)), t.address);
  }
  return { missing, forbidden };
}
