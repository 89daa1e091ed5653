// What the dirty-page log (kernel/mem/dirty-log.ts) costs: a store loop over 64 pages run with logging
// off, on without reading the log, and on with the log taken after every 1M-cycle slice (each take
// write-protects every page again). Host times, medians of `runs`; the guest work is identical.
import { Cpu } from "../cpu/cpu";
import { NO_PORTS } from "../cpu/io";
import { PhysicalMemory } from "../mem/physical-memory";
import { guestPhys } from "../mem/types";
import { median } from "./stats";

/** Median host milliseconds per variant. */
export interface DirtyLogCost {
  readonly stores: number;
  readonly offMs: number;
  readonly onMs: number;
  readonly takenMs: number;
}

const CODE = 0x1000;
const SLICE = 1_000_000;

/** mov ecx, n ; l: mov ebx, ecx ; and ebx, 63 ; shl ebx, 12 ; mov [ebx+0x100000], ecx ; dec ecx ; jnz l ; hlt */
function storeLoop(n: number): Uint8Array {
  return Uint8Array.of(0xb9, n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24, 0x89, 0xcb, 0x83, 0xe3, 0x3f, 0xc1, 0xe3, 0x0c,
    0x89, 0x8b, 0x00, 0x00, 0x10, 0x00, 0x49, 0x75, 0xf2, 0xf4);
}

function once(stores: number, mode: "off" | "on" | "taken"): number {
  const mem = new PhysicalMemory(0x200000);
  mem.writeBytes(guestPhys(CODE), storeLoop(stores));
  const cpu = new Cpu({ memory: mem, io: NO_PORTS });
  cpu.eip = CODE;
  if (mode !== "off") mem.startDirtyLog();
  const t0 = process.hrtime.bigint();
  for (;;) {
    const exit = cpu.run(SLICE);
    if (mode === "taken") mem.takeDirtyPages();
    if (exit.kind !== "budget") break;
  }
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** Runs each variant `runs` times (after one warm-up each) and returns the medians. */
export function measureDirtyLogCost(stores: number, runs: number): DirtyLogCost {
  const ms = (mode: "off" | "on" | "taken"): number => {
    once(stores, mode);
    return median(Array.from({ length: runs }, () => once(stores, mode)));
  };
  return { stores, offMs: ms("off"), onMs: ms("on"), takenMs: ms("taken") };
}

/** The report line. */
export function dirtyLogNote(c: DirtyLogCost): string {
  const pct = (x: number): string => `${(((x - c.offMs) / c.offMs) * 100).toFixed(1)}%`;
  return `Dirty-page log (kernel/mem/dirty-log.ts), ${c.stores} stores over 64 pages: off ${c.offMs.toFixed(1)} ms; on ${c.onMs.toFixed(1)} ms (${pct(c.onMs)}); ` +
    `on and taken every 1M cycles ${c.takenMs.toFixed(1)} ms (${pct(c.takenMs)}). Off, the CPU's fast paths are the same code as before the log existed (npm run bench:cpu before/after).`;
}
