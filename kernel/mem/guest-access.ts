// Checked accessors for the kernel to read and write guest-supplied pointers: linear addresses are
// translated through the vCPU's current paging with the guest's privilege, and every problem comes
// back as a typed fault, never as a host exception. No segmentation (pointers are flat offsets).
import type { Cpu } from "../cpu/cpu";
import type { GuestVirtAddr } from "./types";

/** Why a guest pointer could not be used: the page fault the guest itself would have taken. */
export interface GuestFault {
  readonly kind: "pageFault" | "range";
  /** First linear address that failed. */
  readonly address: GuestVirtAddr;
  /** #PF error code the CPU would report (P, W/R, U/S bits); 0 for a range fault. */
  readonly errorCode: number;
}

/** Result of a guest memory access. */
export type GuestResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly fault: GuestFault };

/** Access options: `user` checks U/S as a CPL 3 access would (default: the vCPU's current CPL is 3). */
export interface GuestAccessOptions {
  readonly user?: boolean;
}

const MAX_LEN = 64 * 1024 * 1024;

function fail(kind: GuestFault["kind"], address: number, errorCode: number): { ok: false; fault: GuestFault } {
  return { ok: false, fault: { kind, address: (address >>> 0) as GuestVirtAddr, errorCode } };
}

/** Walks [addr, addr+len) page by page, calling `each(phys, offset, chunk)`; stops at the first fault. */
function walk(cpu: Cpu, addr: number, len: number, write: boolean, user: boolean, each: (phys: number, off: number, n: number) => void): GuestFault | null {
  if (!Number.isInteger(len) || len < 0 || len > MAX_LEN || addr < 0 || addr + len > 0x1_0000_0000) {
    return fail("range", addr, 0).fault;
  }
  let off = 0;
  while (off < len) {
    const lin = addr + off;
    const n = Math.min(len - off, 4096 - (lin & 4095));
    const phys = cpu.probe(lin | 0, write, user);
    if (phys < 0) return fail("pageFault", lin, cpu.probeFaultCode(lin | 0, write, user)).fault;
    // A page the guest may not write (an FV partition's READ_ONLY region or block) is refused as a write fault.
    if (write && cpu.mem.firstWriteProtected(phys, n) >= 0) return fail("pageFault", lin, 3 | (user ? 4 : 0)).fault;
    each(phys, off, n);
    off += n;
  }
  return null;
}

/** Copies `len` bytes out of guest memory. */
export function readGuestBytes(cpu: Cpu, addr: GuestVirtAddr, len: number, opts: GuestAccessOptions = {}): GuestResult<Uint8Array> {
  const out = new Uint8Array(Math.max(0, Math.min(len, MAX_LEN)));
  const mem = cpu.mem;
  const f = walk(cpu, addr, len, false, opts.user ?? cpu.cpl === 3, (phys, off, n) => {
    if (mem.contains(phys as never, n)) out.set(mem.u8.subarray(phys, phys + n), off);
    else for (let i = 0; i < n; i++) out[off + i] = mem.read(phys + i, 1);
  });
  return f ? { ok: false, fault: f } : { ok: true, value: out };
}

/** Copies bytes into guest memory (all pages are checked before anything is written). */
export function writeGuestBytes(cpu: Cpu, addr: GuestVirtAddr, data: Uint8Array, opts: GuestAccessOptions = {}): GuestResult<void> {
  const user = opts.user ?? cpu.cpl === 3;
  const chunks: [number, number, number][] = [];
  const f = walk(cpu, addr, data.length, true, user, (phys, off, n) => chunks.push([phys, off, n]));
  if (f) return { ok: false, fault: f };
  const mem = cpu.mem;
  for (const [phys, off, n] of chunks) {
    if (mem.contains(phys as never, n)) mem.writeBytes(phys as never, data.subarray(off, off + n));
    else for (let i = 0; i < n; i++) mem.write(phys + i, 1, data[off + i]!);
  }
  return { ok: true, value: undefined };
}

/** Reads a little-endian 32-bit value (unsigned). */
export function readGuestU32(cpu: Cpu, addr: GuestVirtAddr, opts: GuestAccessOptions = {}): GuestResult<number> {
  const r = readGuestBytes(cpu, addr, 4, opts);
  if (!r.ok) return r;
  const b = r.value;
  return { ok: true, value: (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0 };
}

/** Writes a little-endian 32-bit value. */
export function writeGuestU32(cpu: Cpu, addr: GuestVirtAddr, value: number, opts: GuestAccessOptions = {}): GuestResult<void> {
  const v = value >>> 0;
  return writeGuestBytes(cpu, addr, new Uint8Array([v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24]), opts);
}

/** Reads a NUL-terminated string of at most `max` bytes (without the NUL); a missing NUL within `max` is a range fault. */
export function readGuestCString(cpu: Cpu, addr: GuestVirtAddr, max: number, opts: GuestAccessOptions = {}): GuestResult<string> {
  const bytes: number[] = [];
  for (let off = 0; off < max; ) {
    const n = Math.min(max - off, 4096 - ((addr + off) & 4095));
    const r = readGuestBytes(cpu, ((addr + off) >>> 0) as GuestVirtAddr, n, opts);
    if (!r.ok) return r;
    const z = r.value.indexOf(0);
    if (z >= 0) {
      for (let i = 0; i < z; i++) bytes.push(r.value[i]!);
      return { ok: true, value: new TextDecoder("latin1").decode(new Uint8Array(bytes)) };
    }
    for (const b of r.value) bytes.push(b);
    off += n;
  }
  return fail("range", addr + max, 0);
}
