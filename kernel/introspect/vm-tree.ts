// The VM object tree (after KVM's early design): /module, /partitions/NAME/{mode,stats,hm_log},
// .../memory/SLOT/{base,size,flags,host,dirty_bitmap}, .../cpu/0/{regs,irq,debugger}. ls, cat and write
// by path, every request checked, every answer a result (never a throw for bad input). Not
// responsible for transport (control-server.ts, the gdb stub's monitor) or for running anything.
import { readRegs, isRegName, writeReg } from "./regs";
import type { WatchKind } from "./debugger";
import { DirtyBitmaps } from "./dirty-bitmaps";
import type { MachineView, RunView } from "./machine-view";

/** Result of a tree operation. */
export type TreeResult = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: string };

const ok = (value: unknown): TreeResult => ({ ok: true, value });
const err = (error: string): TreeResult => ({ ok: false, error });

const PARTITION_ENTRIES = ["mode", "stats", "hm_log", "memory", "cpu"];
const SLOT_ENTRIES = ["base", "size", "flags", "host", "dirty_bitmap"];
const CPU_ENTRIES = ["regs", "irq", "debugger"];

/** Parses a number written as decimal or 0x-hex; null otherwise. */
export function parseNumber(text: string): number | null {
  const t = text.trim();
  if (/^0x[0-9a-f]{1,8}$/i.test(t)) return parseInt(t.slice(2), 16);
  if (/^\d{1,10}$/.test(t)) {
    const n = Number(t);
    return n <= 0xffffffff ? n : null;
  }
  return null;
}

/** The tree over one run. */
export class VmTree {
  private readonly dirty: DirtyBitmaps;

  constructor(private readonly run: RunView) {
    this.dirty = new DirtyBitmaps(run.machines);
  }

  private split(path: string): string[] | null {
    if (!path.startsWith("/") || path.length > 512) return null;
    return path.split("/").filter((s) => s.length > 0);
  }

  private machine(name: string | undefined): MachineView | undefined {
    return this.run.machines.find((m) => m.name === name);
  }

  /** Names under `path`. */
  ls(path: string): TreeResult {
    const p = this.split(path);
    if (p === null) return err(`bad path ${JSON.stringify(path)}: must start with /`);
    if (p.length === 0) return ok(["module", "partitions"]);
    if (p[0] === "module" && p.length === 1) return ok(["time", "schedule", "frames", "paused"]);
    if (p[0] !== "partitions") return err(`no such directory: ${path}`);
    if (p.length === 1) return ok(this.run.machines.map((m) => m.name));
    const m = this.machine(p[1]);
    if (m === undefined) return err(`no partition ${JSON.stringify(p[1])}`);
    if (p.length === 2) return ok(PARTITION_ENTRIES);
    if (p[2] === "memory") {
      if (p.length === 3) return ok(m.slots.map((s) => s.name));
      if (p.length === 4 && m.slots.some((s) => s.name === p[3])) return ok(SLOT_ENTRIES);
    }
    if (p[2] === "cpu") {
      if (p.length === 3) return ok(["0"]);
      if (p.length === 4 && p[3] === "0") return ok(CPU_ENTRIES);
    }
    return err(`no such directory: ${path}`);
  }

  /** Value of `path` (reading dirty_bitmap resets it). */
  cat(path: string): TreeResult {
    const p = this.split(path);
    if (p === null) return err(`bad path ${JSON.stringify(path)}: must start with /`);
    const run = this.run;
    if (p[0] === "module" && p.length <= 2) {
      const all = { time_ns: run.time().toString(), schedule: run.schedule(), frames: run.frames(), paused: run.paused };
      if (p.length === 1) return ok(all);
      const key = p[1] === "time" ? "time_ns" : p[1]!;
      return key in all ? ok(all[key as keyof typeof all]) : err(`no such entry: ${path}`);
    }
    if (p[0] !== "partitions" || p.length < 3) return p.length <= 2 ? this.ls(path) : err(`no such entry: ${path}`);
    const m = this.machine(p[1]);
    if (m === undefined) return err(`no partition ${JSON.stringify(p[1])}`);
    switch (p[2]) {
      case "mode":
        return p.length === 3 ? ok(m.mode()) : err(`no such entry: ${path}`);
      case "stats":
        return p.length === 3 ? ok(m.stats()) : err(`no such entry: ${path}`);
      case "hm_log":
        return p.length === 3 ? ok(m.hmLog()) : err(`no such entry: ${path}`);
      case "memory":
        return this.catSlot(m, p.slice(3), path);
      case "cpu":
        if (p[3] !== "0" || p.length !== 5) return p.length <= 4 ? this.ls(path) : err(`no such entry: ${path}`);
        return this.catCpu(m, p[4]!, path);
      default:
        return err(`no such entry: ${path}`);
    }
  }

  private catSlot(m: MachineView, rest: string[], path: string): TreeResult {
    if (rest.length === 0) return this.ls(path);
    const s = m.slots.find((x) => x.name === rest[0]);
    if (s === undefined) return err(`no memory slot ${JSON.stringify(rest[0])}`);
    const flags = { read_only: s.readOnly, dirty_logging: this.dirty.logging(m, s) };
    const all = { base: s.base, size: s.size, flags, host: s.hostName };
    if (rest.length === 1) return ok(all);
    if (rest.length !== 2) return err(`no such entry: ${path}`);
    if (rest[1] === "dirty_bitmap") {
      const pages = this.dirty.take(m, s);
      return pages === null ? err("dirty logging is off for this slot: write dirty_logging=on to its flags") : ok(pages);
    }
    return rest[1]! in all ? ok(all[rest[1] as keyof typeof all]) : err(`no such entry: ${path}`);
  }

  private catCpu(m: MachineView, leaf: string, path: string): TreeResult {
    switch (leaf) {
      case "regs":
        return ok(readRegs(m.cpu));
      case "irq":
        return ok({ interrupts_enabled: (m.cpu.getEflags() & 0x200) !== 0, halted: m.cpu.halted });
      case "debugger": {
        const d = m.dbg;
        return ok({ stopped: d.stop !== null, reason: d.stop, breakpoints: d.breakpoints(), watchpoints: d.watchpoints(), eip: d.linearEip() });
      }
      default:
        return err(`no such entry: ${path}`);
    }
  }

  /** Writes `value` to `path`. */
  write(path: string, value: string): TreeResult {
    const p = this.split(path);
    if (p === null) return err(`bad path ${JSON.stringify(path)}: must start with /`);
    if (value.length > 4096) return err("value too long");
    const v = value.trim();
    if (p.length === 1 && p[0] === "module") return this.writeModule(v);
    const m = p[0] === "partitions" ? this.machine(p[1]) : undefined;
    if (m === undefined) return err(p[0] === "partitions" ? `no partition ${JSON.stringify(p[1])}` : `not writable: ${path}`);
    if (p[2] === "memory" && p.length === 5 && p[4] === "flags") {
      const s = m.slots.find((x) => x.name === p[3]);
      if (s === undefined) return err(`no memory slot ${JSON.stringify(p[3])}`);
      const f = /^dirty_logging=(on|off)$/.exec(v);
      if (f === null) return err("flags: write dirty_logging=on or dirty_logging=off (read_only is fixed by the configuration)");
      this.dirty.setLogging(m, s, f[1] === "on");
      return ok("ok");
    }
    if (p[2] === "cpu" && p[3] === "0" && p.length === 5) {
      switch (p[4]) {
        case "regs":
          return this.writeRegs(m, v);
        case "irq":
          return this.writeIrq(m, v);
        case "debugger":
          return this.writeDebugger(m, v);
        default:
          break;
      }
    }
    return err(`not writable: ${path}`);
  }

  private writeModule(v: string): TreeResult {
    switch (v) {
      case "pause":
        this.run.pause();
        return ok("ok");
      case "continue":
        this.run.resume();
        return ok("ok");
      case "step-window":
        this.run.stepWindow();
        return ok("ok");
      default:
        return err("module: write pause, continue or step-window");
    }
  }

  private writeRegs(m: MachineView, v: string): TreeResult {
    if (m.dbg.stop === null) return err("registers can be written only while the vCPU is stopped: write pause to its debugger first");
    const items = v.split(/[,\s]+/).filter((x) => x.length > 0);
    const parsed: [string, number][] = [];
    for (const it of items) {
      const [name, val] = it.split("=");
      const n = parseNumber(val ?? "");
      if (name === undefined || !isRegName(name)) return err(`unknown register ${JSON.stringify(name)}`);
      if (n === null) return err(`${name}: ${JSON.stringify(val)} is not a number`);
      parsed.push([name, n]);
    }
    if (parsed.length === 0) return err("regs: write NAME=VALUE[,NAME=VALUE...]");
    const saved = m.cpu.saveState();
    for (const [name, n] of parsed) {
      const r = writeReg(m.cpu, name as Parameters<typeof writeReg>[1], n);
      if (!r.ok) {
        m.cpu.restoreState(saved);
        return err(r.message);
      }
    }
    return ok(readRegs(m.cpu));
  }

  private writeIrq(m: MachineView, v: string): TreeResult {
    const f = /^(vector|line)=(\S+)$/.exec(v);
    const n = f === null ? null : parseNumber(f[2]!);
    if (f === null || n === null) return err("irq: write vector=N (32..255) or line=N (an IRQ line of the interrupt controller)");
    if (f[1] === "line") {
      const e = m.pulseIrq(n);
      return e === null ? ok("ok") : err(e);
    }
    if (n < 32 || n > 255) return err("irq: vectors 0..31 are exceptions; inject 32..255");
    return m.cpu.raiseInterrupt(n) ? ok("delivered") : err("not delivered: the vCPU has interrupts disabled (EFLAGS.IF=0) or is in an interrupt shadow");
  }

  private writeDebugger(m: MachineView, v: string): TreeResult {
    const d = m.dbg;
    const w = v.split(/\s+/);
    const num = (i: number): number | null => parseNumber(w[i] ?? "");
    switch (w[0]) {
      case "pause":
        d.halt({ kind: "pause" });
        return ok("ok");
      case "continue":
      case "step":
        if (d.stop === null) return err("the vCPU is running");
        d.resume(w[0] === "step");
        return ok("ok");
      case "break":
      case "delete": {
        const a = num(1);
        if (a === null || w.length !== 2) return err(`${w[0]} ADDRESS`);
        if (w[0] === "break") return d.addBreakpoint(a) ? ok("ok") : err("too many breakpoints");
        return d.removeBreakpoint(a) ? ok("ok") : err("no breakpoint there");
      }
      case "watch":
      case "unwatch": {
        const kind = w[1] as WatchKind;
        const a = num(2);
        const len = num(3);
        if (!["read", "write", "access"].includes(kind) || a === null || len === null || w.length !== 4) return err(`${w[0]} read|write|access ADDRESS LENGTH`);
        const wp = { kind, addr: a, len };
        if (w[0] === "watch") return d.addWatchpoint(wp) ? ok("ok") : err("bad watchpoint length (1..4096) or too many watchpoints");
        return d.removeWatchpoint(wp) ? ok("ok") : err("no such watchpoint");
      }
      default:
        return err("debugger: write pause, continue, step, break ADDR, delete ADDR, watch KIND ADDR LEN or unwatch KIND ADDR LEN");
    }
  }
}
