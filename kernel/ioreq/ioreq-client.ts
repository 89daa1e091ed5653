// The client end of forwarded devices, on an FV partition's PC: the served devices' port ranges on its
// I/O bus. An access there becomes an ioreq and stops the vCPU right after the instruction; the VM
// then runs nothing of the partition until the request is served, and before it runs again the result
// is put where the instruction would have put it (AL/AX/EAX for IN, the element INS stored for INS).
// The guest never sees the placeholder, so the effect is that of a vCPU blocked inside the instruction.
import type { Cpu } from "../cpu/cpu";
import type { IoBus, PortDevice } from "../devices/io-bus";
import { IoreqDir } from "../hypercall/generated/abi-generated";
import { writeGuestBytes } from "../mem/guest-access";
import { guestVirt, ioPort, type Nanos, type PartitionId } from "../mem/types";
import type { ClientDevice, IoreqHub } from "./ioreq-hub";
import { floatingBus } from "./ioreq-ring";

/** The reason a vCPU stops for an ioreq (FvVm turns it into a wait for the rest of the window). */
export const IOREQ_STOP = "waiting on a forwarded device access (ioreq)";

/** What an IN left to fix up once its data is known. */
interface PendingIn {
  readonly size: 1 | 2 | 4;
  /** EDI at the access: INS advances it, IN never does. */
  readonly edi: number;
}

/** One FV partition's forwarded devices. */
export class IoreqClient {
  private cpu: Cpu | undefined;
  private pendingIn: PendingIn | undefined;

  constructor(private readonly hub: IoreqHub, private readonly client: PartitionId, private readonly now: () => Nanos) {}

  /** The served devices of this client (their ranges are not built in the kernel). */
  get devices(): readonly ClientDevice[] {
    return this.hub.devicesOf(this.client);
  }

  /** Registers every served range on a freshly built machine's bus. */
  wire(bus: IoBus, cpu: Cpu): void {
    this.cpu = cpu;
    this.pendingIn = undefined;
    for (const d of this.devices) {
      for (const r of d.spec.ranges) {
        const dev: PortDevice = {
          read: (offset, size) => this.access(d, r.base + offset, size, IoreqDir.IN, 0),
          write: (offset, size, value) => {
            this.access(d, r.base + offset, size, IoreqDir.OUT, value);
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
    const p = this.pendingIn;
    this.pendingIn = undefined;
    const cpu = this.cpu;
    if (p === undefined || cpu === undefined || r.req.dir !== IoreqDir.IN) return true;
    const data = r.data & floatingBus(p.size);
    if (cpu.edi !== p.edi) {
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

  /** The client restarted: any wait and fix-up are void. */
  reset(): void {
    this.pendingIn = undefined;
  }

  private access(device: ClientDevice, port: number, size: 1 | 2 | 4, dir: IoreqDir, value: number): number {
    const cpu = this.cpu;
    if (cpu === undefined || this.hub.blocked(this.client)) {
      // Only a running vCPU accesses ports, one instruction at a time: a second access is a wiring bug.
      throw new Error(`forwarded access to port 0x${port.toString(16)} while the vCPU waits on another`);
    }
    this.hub.issue(this.client, device, port, size, dir, value, this.now());
    if (dir === IoreqDir.IN) this.pendingIn = { size, edi: cpu.edi };
    cpu.requestStop(IOREQ_STOP);
    // A placeholder the guest never sees: resume() overwrites it before the vCPU runs again.
    return 0;
  }
}
