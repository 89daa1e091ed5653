// Per-slot dirty bitmaps over the machine-wide dirty log (kernel/mem/dirty-log.ts): the log is taken as a
// whole and the pages of other slots are kept until their own slot is read, so reading one slot never
// loses another's pages. Logging is on in a machine while any of its slots asks for it.
import type { MachineView, SlotInfo } from "./machine-view";

interface MachineDirty {
  /** Slots (by name) with dirty logging on. */
  readonly on: Set<string>;
  /** Pages taken from the log but not yet read through their slot. */
  readonly held: Set<number>;
}

/** Dirty bitmaps of every slot of a run's machines. */
export class DirtyBitmaps {
  private readonly state = new Map<string, MachineDirty>();

  constructor(machines: readonly MachineView[]) {
    for (const m of machines) this.state.set(m.name, { on: new Set(), held: new Set() });
  }

  private of(m: MachineView): MachineDirty {
    const s = this.state.get(m.name);
    if (s === undefined) throw new Error(`machine ${m.name} is not in the tree`);
    return s;
  }

  /** Is dirty logging on for slot `s`? */
  logging(m: MachineView, s: SlotInfo): boolean {
    return this.of(m).on.has(s.name);
  }

  /** Turns logging of one slot on or off (starting clears that slot's bitmap). */
  setLogging(m: MachineView, s: SlotInfo, on: boolean): void {
    const st = this.of(m);
    if (on) {
      if (st.on.has(s.name)) return;
      if (st.on.size === 0) {
        // The log may already run (a restored machine logs for an incremental save): what was written
        // before this slot asked is not in its first bitmap (the snapshot keeps its own record).
        m.memory.startDirtyLog();
        m.memory.takeDirtyPages();
      } else this.drain(m, st);
      st.on.add(s.name);
      this.dropSlot(st, s);
      return;
    }
    st.on.delete(s.name);
    this.dropSlot(st, s);
    if (st.on.size === 0) {
      m.memory.stopDirtyLog();
      st.held.clear();
    }
  }

  /** Guest-physical page numbers of slot `s` written since its last read, ascending; resets them. Null when logging is off. */
  take(m: MachineView, s: SlotInfo): number[] | null {
    const st = this.of(m);
    if (!st.on.has(s.name)) return null;
    this.drain(m, st);
    const first = s.base >>> 12;
    const end = first + (s.size >>> 12);
    const out = [...st.held].filter((p) => p >= first && p < end).sort((a, b) => a - b);
    for (const p of out) st.held.delete(p);
    return out;
  }

  private drain(m: MachineView, st: MachineDirty): void {
    for (const p of m.memory.takeDirtyPages()) st.held.add(p);
  }

  private dropSlot(st: MachineDirty, s: SlotInfo): void {
    const first = s.base >>> 12;
    const end = first + (s.size >>> 12);
    for (const p of [...st.held]) if (p >= first && p < end) st.held.delete(p);
  }
}
