// The client end of a served device's MMIO window: a load from it cannot complete until the server has
// answered, so the instruction is rolled back as for a #PF (AccessRetry), the request is issued and the
// vCPU waits; once served, the instruction runs again, alone and before any interrupt (an interrupt
// shadow), and its load takes the served value. A store is issued and the instruction completes; the vCPU
// then waits until it is served (as for OUT). Not responsible for port I/O (ioreq-client.ts).
import { AccessRetry } from "../cpu/faults";
import type { Cpu } from "../cpu/cpu";
import { IoreqDir } from "../hypercall/generated/abi-generated";
import type { MmioHandler } from "../mem/physical-memory";
import { guestPhys, type Nanos, type PartitionId } from "../mem/types";
import type { Fields } from "../snapshot/json-fields";
import type { ClientDevice, IoreqHub } from "./ioreq-hub";
import { floatingBus } from "./ioreq-ring";

/** A load an instruction already had served (it takes the value again when it runs again). */
export interface ServedLoad {
  readonly addr: number;
  readonly size: 1 | 2 | 4;
  readonly value: number;
}

/**
 * The loads the instruction being re-run has had served, in the order it makes them. An instruction
 * with two MMIO loads (CMPS, MOVS between two windows) is rolled back once per load; each run takes
 * the earlier values from here. Valid only while `instructions` (the CPU's count when it was rolled
 * back) is unchanged and the CPU is in the shadow resume() set: any other instruction finds it stale.
 */
export interface MmioReplay {
  readonly instructions: number;
  readonly loads: readonly ServedLoad[];
}

/** Rules of one client's MMIO windows; `stop` is the reason its vCPU waits (IOREQ_STOP). */
export class IoreqMmio {
  private cpu: Cpu | undefined;
  private replay: MmioReplay | undefined;
  /** Loads of the current run taken from `replay` so far (0 whenever the vCPU is not running). */
  private taken = 0;
  /** Accesses that could not be forwarded (an instruction fetch or a kernel read from a window): floating bus. */
  unforwarded = 0;

  constructor(private readonly hub: IoreqHub, private readonly client: PartitionId, private readonly now: () => Nanos, private readonly stop: string) {}

  /** Maps every served MMIO window on a freshly built machine's memory. */
  wire(cpu: Cpu, devices: readonly ClientDevice[]): void {
    this.cpu = cpu;
    this.replay = undefined;
    for (const d of devices) {
      const w = d.spec.mmio;
      if (w === undefined) continue;
      const handler: MmioHandler = {
        read: (offset, size) => this.load(d, w.base + offset, size),
        write: (offset, size, value) => this.store(d, w.base + offset, size, value),
      };
      cpu.mem.mapMmio(guestPhys(w.base), w.count, handler);
    }
  }

  /** A request of this client was served (any space): the instruction runs again from its first load. */
  resumed(): void {
    this.taken = 0;
  }

  /** A served load (the request was an MMIO IN): the next run of the instruction takes it. */
  served(addr: number, size: 1 | 2 | 4, value: number): void {
    const cpu = this.cpu;
    if (cpu === undefined) return;
    const r = this.replay;
    // load() left in the replay only what the rolled-back run took before this load.
    const kept = r !== undefined && r.instructions === cpu.instructions ? r.loads : [];
    this.replay = { instructions: cpu.instructions, loads: [...kept, { addr, size, value: value & floatingBus(size) }] };
    this.taken = 0;
    // The instruction runs again next, alone, before any interrupt: for the guest it never stopped.
    cpu.openShadow();
  }

  /** The replay for the FV machine's snapshot (null: none). */
  saveState(): { instructions: number; loads: { addr: number; size: number; value: number }[] } | null {
    const r = this.replay;
    return r === undefined ? null : { instructions: r.instructions, loads: r.loads.map((l) => ({ addr: l.addr, size: l.size, value: l.value })) };
  }

  /** Restores what saveState gave (checked by readMmioReplay). */
  restoreState(r: MmioReplay | undefined): void {
    this.replay = r;
    this.taken = 0;
  }

  /** The client restarted. */
  reset(): void {
    this.replay = undefined;
    this.taken = 0;
  }

  private load(d: ClientDevice, addr: number, size: 1 | 2 | 4): number {
    const cpu = this.cpu;
    if (cpu === undefined || !cpu.retryableAccess) {
      // Not an instruction's data access (a fetch, a page walk, the kernel): nothing can wait here.
      this.unforwarded++;
      return floatingBus(size);
    }
    // A store of this instruction is still outstanding: run it again once that is served.
    if (this.hub.blocked(this.client)) throw new AccessRetry(this.stop);
    const r = this.replay;
    if (r !== undefined && r.instructions === cpu.instructions && cpu.shadow !== 0) {
      const l = r.loads[this.taken];
      if (l !== undefined && l.addr === addr && l.size === size) {
        this.taken++;
        // A REP string instruction stops after this element: the next element is a new instruction run.
        cpu.brk = 1;
        return l.value;
      }
      // A load this run has not had served: keep what it took so far (a snapshot may come before served()).
      this.replay = { instructions: r.instructions, loads: r.loads.slice(0, this.taken) };
    } else if (r !== undefined) {
      this.replay = undefined;
      this.taken = 0;
    }
    this.hub.issue(this.client, d, addr, size, IoreqDir.IN, 0, this.now(), 1, undefined, true);
    throw new AccessRetry(this.stop);
  }

  private store(d: ClientDevice, addr: number, size: 1 | 2 | 4, value: number): void {
    const cpu = this.cpu;
    if (cpu === undefined || !cpu.retryableAccess) {
      this.unforwarded++;
      return;
    }
    if (this.hub.blocked(this.client)) throw new AccessRetry(this.stop);
    this.hub.issue(this.client, d, addr, size, IoreqDir.OUT, value, this.now(), 1, undefined, true);
    cpu.requestStop(this.stop);
  }
}

/** A saved replay (the FV machine note's ioreqMmio), checked; undefined for null. */
export function readMmioReplay(f: Fields | undefined): MmioReplay | undefined {
  if (f === undefined) return undefined;
  const loads = f.objects("loads", 8).map((g): ServedLoad => {
    const size = g.int("size", 1, 4);
    if (size === 3) g.oneOf("size", []);
    return { addr: g.int("addr", 0, 0xffff_ffff), size: size as 1 | 2 | 4, value: g.int("value", 0, floatingBus(size as 1 | 2 | 4)) };
  });
  if (loads.length === 0) f.oneOf("loads", []);
  return { instructions: f.int("instructions", 0, Number.MAX_SAFE_INTEGER), loads };
}
