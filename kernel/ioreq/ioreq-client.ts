// The client end of forwarded devices, on an FV partition's PC: the served devices' port ranges on its
// I/O bus. An access there becomes an ioreq and stops the vCPU right after the instruction; the VM
// then runs nothing of the partition until the request is served, and before it runs again the result
// is put where the instruction would have put it (AL/AX/EAX for IN, the element INS stored for INS).
// The guest never sees the placeholder, so the effect is that of a vCPU blocked inside the instruction.
// String I/O on a port the device lets batch (an ATA data port): a REP INS/OUTS run of up to one slot's
// data area (IOREQ_DATA_MAX bytes), inside one page of guest memory, is one request with a repeat count,
// so a 256-word sector costs one round trip instead of 256 (kernel/ioreq/README.md, "String I/O").
import type { Cpu } from "../cpu/cpu";
import type { IoBus, PortDevice } from "../devices/io-bus";
import { IoreqDir } from "../hypercall/generated/abi-generated";
import { writeGuestBytes } from "../mem/guest-access";
import { guestVirt, ioPort, type Nanos, type PartitionId } from "../mem/types";
import type { ClientDevice, IoreqHub } from "./ioreq-hub";
import type { Fields } from "../snapshot/json-fields";
import { floatingBus, maxCount, MMIO_SPACE } from "./ioreq-ring";
import { IoreqMmio } from "./ioreq-mmio";

/** The reason a vCPU stops for an ioreq (FvVm turns it into a wait for the rest of the window). */
export const IOREQ_STOP = "waiting on a forwarded device access (ioreq)";

/** What an IN left to fix up once its data is known. */
export interface PendingIn {
  readonly size: 1 | 2 | 4;
  /** EDI at an INS's access: where its element goes (for an IN, whatever the register array held). */
  readonly edi: number;
  /** The access was an INS's element (Cpu.insElement), not an IN. Undefined in a snapshot from before this was
   * recorded: then, as then, an EDI that moved since the access tells an INS. */
  readonly ins: boolean | undefined;
  /** Elements of a batched INS (1: a single IN or INS). */
  readonly count: number;
  /** A batched INS: linear address of its first element and the step between elements (+/- size). */
  readonly lin: number;
  readonly step: number;
}

/** One FV partition's forwarded devices. */
export class IoreqClient {
  private cpu: Cpu | undefined;
  private pendingIn: PendingIn | undefined;
  /** The served MMIO windows (loads and stores through memory, not the I/O bus). */
  readonly mmio: IoreqMmio;

  constructor(private readonly hub: IoreqHub, private readonly client: PartitionId, private readonly now: () => Nanos) {
    this.mmio = new IoreqMmio(hub, client, now, IOREQ_STOP);
  }

  /** The served devices of this client (their ranges are not built in the kernel). */
  get devices(): readonly ClientDevice[] {
    return this.hub.devicesOf(this.client);
  }

  /** Registers every served range on a freshly built machine's bus, and its MMIO windows in its memory. */
  wire(bus: IoBus, cpu: Cpu): void {
    this.cpu = cpu;
    this.pendingIn = undefined;
    this.mmio.wire(cpu, this.devices);
    for (const d of this.devices) {
      for (const r of d.spec.ranges) {
        const strings = d.spec.stringPorts ?? [];
        const dev: PortDevice = {
          read: (offset, size) => this.access(d, r.base + offset, size, IoreqDir.IN, 0),
          write: (offset, size, value) => {
            this.access(d, r.base + offset, size, IoreqDir.OUT, value);
          },
          stringLimit: (offset, size) => (strings.includes(r.base + offset) ? maxCount(size) : 0),
          readString: (offset, size, count, lin, step) => {
            this.access(d, r.base + offset, size, IoreqDir.IN, 0, count, undefined, { lin, step });
            return undefined; // resume() stores the elements
          },
          writeString: (offset, size, bytes) => {
            this.access(d, r.base + offset, size, IoreqDir.OUT, 0, bytes.length / size, bytes);
          },
        };
        bus.register(`${d.spec.instance} (served by partition ${d.server})`, ioPort(r.base), r.count, dev);
      }
    }
  }

  /** Whether the vCPU waits on a request that has not been served. */
  blocked(): boolean {
    return this.hub.blocked(this.client);
  }

  /** Applies a served result to the vCPU (before it runs again); false when there is none. */
  resume(at: Nanos): boolean {
    const r = this.hub.takeResult(this.client, at);
    if (r === undefined) return false;
    // (served() keeps the loads the instruction took before this one, so it goes first.)
    if (r.req.space === MMIO_SPACE && r.req.dir === IoreqDir.IN && typeof r.data === "number") this.mmio.served(r.req.addr, r.req.size, r.data);
    else this.mmio.resumed();
    if (r.req.space === MMIO_SPACE) return true;
    const p = this.pendingIn;
    this.pendingIn = undefined;
    const cpu = this.cpu;
    if (p === undefined || cpu === undefined || r.req.dir !== IoreqDir.IN) return true;
    if (typeof r.data !== "number") {
      // A batched INS: element i goes to lin + i * step, little-endian, as the instruction would have stored it.
      const user = { user: cpu.cpl === 3 };
      for (let i = 0; i < p.count; i++) writeGuestBytes(cpu, guestVirt((p.lin + i * p.step) >>> 0), r.data.subarray(i * p.size, (i + 1) * p.size), user);
      return true;
    }
    const data = r.data & floatingBus(p.size);
    if (p.ins ?? cpu.edi !== p.edi) {
      // INS stored the placeholder at ES:EDI and advanced EDI (32-bit addressing, as a Multiboot kernel uses).
      const bytes = new Uint8Array(p.size);
      for (let i = 0; i < p.size; i++) bytes[i] = (data >>> (8 * i)) & 0xff;
      writeGuestBytes(cpu, guestVirt((cpu.segBase[0]! + p.edi) >>> 0), bytes, { user: cpu.cpl === 3 });
    } else if (p.size === 4) {
      cpu.eax = data;
    } else {
      const mask = floatingBus(p.size);
      cpu.eax = ((cpu.eax & ~mask) | data) >>> 0;
    }
    return true;
  }

  /** The fix-up an IN still waits for, for the FV machine's snapshot (null: none). */
  saveState(): { size: number; edi: number; ins?: boolean; count: number; lin: number; step: number } | null {
    const p = this.pendingIn;
    if (p === undefined) return null;
    // One restored from an older snapshot has no flag: saved again without it, it is still told apart by EDI.
    return { size: p.size, edi: p.edi, ...(p.ins === undefined ? {} : { ins: p.ins }), count: p.count, lin: p.lin, step: p.step };
  }

  /** Restores what saveState gave (checked by readPendingIn). */
  restoreState(s: PendingIn | undefined): void {
    this.pendingIn = s;
  }

  /** The client restarted: any wait and fix-up are void. */
  reset(): void {
    this.pendingIn = undefined;
    this.mmio.reset();
  }

  private access(device: ClientDevice, port: number, size: 1 | 2 | 4, dir: IoreqDir, value: number, count = 1, bytes?: Uint8Array, at?: { lin: number; step: number }): number {
    const cpu = this.cpu;
    if (cpu === undefined || this.hub.blocked(this.client)) {
      // Only a running vCPU accesses ports, one instruction at a time: a second access is a wiring bug.
      throw new Error(`forwarded access to port 0x${port.toString(16)} while the vCPU waits on another`);
    }
    this.hub.issue(this.client, device, port, size, dir, value, this.now(), count, bytes);
    if (dir === IoreqDir.IN) this.pendingIn = { size, edi: cpu.edi, ins: cpu.insElement, count, lin: at?.lin ?? 0, step: at?.step ?? 0 };
    cpu.requestStop(IOREQ_STOP);
    // A placeholder the guest never sees: resume() overwrites it before the vCPU runs again.
    return 0;
  }
}

/** A saved IN fix-up (the FV machine note's ioreqIn), checked; undefined for null. */
export function readPendingIn(f: Fields | undefined): PendingIn | undefined {
  if (f === undefined) return undefined;
  const size = f.int("size", 1, 4);
  if (size === 3) f.oneOf("size", []);
  const count = f.int("count", 1, maxCount(size as 1 | 2 | 4));
  const step = f.int("step", -4, 4);
  if (count > 1 && Math.abs(step) !== size) f.oneOf("step", []);
  const ins = f.isAbsent("ins") ? undefined : f.bool("ins");
  return { size: size as 1 | 2 | 4, edi: f.int("edi", 0, 0xffff_ffff), ins, count, lin: f.int("lin", 0, 0xffff_ffff), step };
}
