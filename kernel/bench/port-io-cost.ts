// What an FV guest's port I/O exit to an in-kernel device costs on the host: a loop of `out 0x80, al`
// to a device on the machine's I/O bus (kernel/devices/io-bus.ts) against the same loop with `nop` in
// its place (`mov al, al`: same instruction count and length). Host times, medians of `runs`.
import { Cpu } from "../cpu/cpu";
import { IoBus } from "../devices/io-bus";
import { PhysicalMemory } from "../mem/physical-memory";
import { guestPhys, ioPort } from "../mem/types";
import { median } from "./stats";

/** Host ns per OUT beyond a register move, and the counts behind it. */
export interface PortIoCost {
  readonly accesses: number;
  readonly outMs: number;
  readonly nopMs: number;
  readonly nsPerExit: number;
}

const CODE = 0x1000;
const SLICE = 1_000_000;

/** mov ecx, n ; l: out 0x80, al (or mov al, al) ; dec ecx ; jnz l ; hlt */
function loop(n: number, out: boolean): Uint8Array {
  const body = out ? [0xe6, 0x80] : [0x88, 0xc0];
  return Uint8Array.of(0xb9, n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24, ...body, 0x49, 0x75, 0xfb, 0xf4);
}

function once(n: number, out: boolean): number {
  const mem = new PhysicalMemory(0x10000);
  mem.writeBytes(guestPhys(CODE), loop(n, out));
  const bus = new IoBus();
  let last = 0;
  bus.register("post-code", ioPort(0x80), 1, { read: () => last, write: (_o, _s, v) => void (last = v) });
  const cpu = new Cpu({ memory: mem, io: bus });
  cpu.eip = CODE;
  const t0 = process.hrtime.bigint();
  while (cpu.run(SLICE).kind === "budget");
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** Runs both loops `runs` times (after one warm-up each). */
export function measurePortIoCost(accesses: number, runs: number): PortIoCost {
  const ms = (out: boolean): number => {
    once(accesses, out);
    return median(Array.from({ length: runs }, () => once(accesses, out)));
  };
  const outMs = ms(true);
  const nopMs = ms(false);
  return { accesses, outMs, nopMs, nsPerExit: ((outMs - nopMs) * 1e6) / accesses };
}

/** The report line. */
export function portIoNote(c: PortIoCost): string {
  return `FV port-I/O exit to an in-kernel device (kernel/bench/port-io-cost.ts): ${c.accesses} \`out 0x80, al\` to a device on the I/O bus ` +
    `${c.outMs.toFixed(1)} ms against the same loop with \`mov al, al\` ${c.nopMs.toFixed(1)} ms: ${c.nsPerExit.toFixed(0)} ns host per exit.`;
}
