// The MMIO rows of the device-model section of `apexvisor bench`: a 16550A in an MMIO window, in the
// kernel (the PC's own Uart16550 mapped as an MMIO window of a bare CPU, loads of its LSR in a loop) or
// served by the ioserver partition (partitions/io-partition/mmio.xml, whole module, each access forwarded
// through the ioreq ring). Not responsible for the port rows (device-model-bench.ts).
import { join } from "path";
import { Cpu } from "../cpu/cpu";
import { DEFAULT_CLOCK_HZ } from "../cpu/cost-model";
import { IoBus } from "../devices/io-bus";
import { Uart16550 } from "../devices/uart16550";
import { NODE_HOST } from "../host/node/node-files";
import { PhysicalMemory } from "../mem/physical-memory";
import { guestPhys } from "../mem/types";
import type { DeviceModelRow } from "./device-model-bench";
import { measureVariant } from "./device-model-bench";
import { median } from "./stats";

const CODE = 0x1000;
const RAM_BYTE = 0x2000;
const WINDOW = 0xfebf_f000;
const SLICE = 1_000_000;

/** mov ecx, n ; l: mov al, [addr] ; dec ecx ; jnz l ; hlt */
function loop(n: number, addr: number): Uint8Array {
  return Uint8Array.of(0xb9, n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24, 0xa0, addr & 0xff, (addr >>> 8) & 0xff, (addr >>> 16) & 0xff, addr >>> 24, 0x49, 0x75, 0xf8, 0xf4);
}

/** Host ms of `n` loads from `addr` (the UART's LSR in the window, or a RAM byte), and the cycles they took. */
function once(n: number, addr: number): { ms: number; cycles: number } {
  const mem = new PhysicalMemory(0x10000);
  mem.writeBytes(guestPhys(CODE), loop(n, addr));
  const uart = new Uart16550({ set: () => undefined }, { write: () => undefined });
  mem.mapMmio(guestPhys(WINDOW), 8, { read: (o) => uart.read(o), write: (o, s, v) => uart.write(o, s, v) });
  const cpu = new Cpu({ memory: mem, io: new IoBus() });
  cpu.eip = CODE;
  const t0 = process.hrtime.bigint();
  while (cpu.run(SLICE).kind === "budget");
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, cycles: cpu.cycles };
}

/** The in-kernel row: host ns per load beyond a RAM load (medians of `runs` after one warm-up each). */
function inKernel(n: number, runs: number): DeviceModelRow {
  const mmio: number[] = [];
  const ram: number[] = [];
  let cycles = 0;
  for (let r = 0; r <= runs; r++) {
    const m = once(n, WINDOW + 5);
    const p = once(n, RAM_BYTE);
    cycles = m.cycles;
    if (r > 0) {
      mmio.push(m.ms);
      ram.push(p.ms);
    }
  }
  return {
    placement: "MMIO window, in-kernel 16550A",
    accesses: n,
    hostNsPerAccess: Math.max(0, ((median(mmio) - median(ram)) * 1e6) / n),
    latencyMedianNs: 0,
    latencyMaxNs: 0,
    guestVirtualNs: Math.round((cycles / DEFAULT_CLOCK_HZ) * 1e9),
  };
}

/** The MMIO rows; `root` is the repo root (guest images built). */
export function measureMmioModels(root: string, runs: number, loads: number): { rows: DeviceModelRow[]; note: string } {
  const served = measureVariant(NODE_HOST, { placement: "MMIO window, partition, server window adjacent (200 us frame)", file: join(root, "partitions", "io-partition", "mmio.xml") }, runs, 100_000_000n, 0);
  return {
    rows: [inKernel(loads, runs), served],
    note: `MMIO rows: in-kernel: a bare CPU loading the LSR of the kernel's Uart16550 mapped at 0x${WINDOW.toString(16)} ${loads} times, host ns per load minus a loop of RAM loads (the same instructions); its virtual latency is 0 (the load is one instruction of the cost model) and its run time is the loop's. Served: partitions/io-partition/mmio.xml (the mmio-guest checks and greeting, every load and store of the window forwarded, a load rolled back and run again once served), whole module per access as for the port rows.`,
  };
}
