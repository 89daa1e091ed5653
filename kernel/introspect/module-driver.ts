// Runs a module with its VM tree served (gdb stub on one partition, control socket on all). The module
// runs in steps of STEP of virtual time (ModuleRunner.runUntil may be called in pieces with the same
// result); between steps the loop yields to the sockets. A stopped partition gives its windows back
// (they pass idle) while the others keep their schedule; pausing /module stops virtual time for all.
// Known limit: a partition restart builds a new machine, which the debugger does not follow.
import type { PartitionConfig } from "../config/model";
import type { ModuleRunResult } from "../module/module-runner";
import type { PreparedModule } from "../module/run-module";
import { nanos, type Nanos } from "../mem/types";
import { ControlServer } from "../host/node/control-server";
import { CpuDebugger } from "./debugger";
import { GdbServer } from "../host/node/gdb-server";
import type { MachineView, RunView, SlotInfo } from "./machine-view";
import { monitorCommand } from "./monitor";
import { VmTree } from "./vm-tree";
import { Waker } from "./waker";

/** Virtual time run between two looks at the sockets. */
const STEP = nanos(1_000_000);

/** Where to serve the tree. */
export interface ModuleServeOptions {
  readonly gdbPort?: number;
  /** The partition gdb debugs (required with gdbPort). */
  readonly gdbPartition?: string;
  readonly controlPath?: string;
  readonly onListening?: (what: string) => void;
}

/** XML memory requirements as KVM-style slots, laid out from guest-physical 0 in configuration order. */
function slotsOf(p: PartitionConfig, ramBytes: number): SlotInfo[] {
  const own = p.memory.filter((m) => m.shared === undefined);
  if (own.length === 0) return [{ name: "ram", base: 0, size: ramBytes, readOnly: false, hostName: "default RAM (no Memory_Requirements)" }];
  let base = 0;
  return own.map((m, i) => {
    const s = { name: m.name ?? `region${i}`, base, size: m.sizeBytes, readOnly: m.access === "READ_ONLY", hostName: `Memory_Requirements ${m.name ?? i} (${m.type})` };
    base += m.sizeBytes;
    return s;
  });
}

/** Runs a prepared module to its end with the requested servers. */
export async function serveModule(prep: Extract<PreparedModule, { kind: "ready" }>, opts: ModuleServeOptions): Promise<ModuleRunResult> {
  const { runner, config, until } = prep;
  const waker = new Waker();
  let last: ModuleRunResult = runner.runUntil(nanos(0), false);
  const machines: MachineView[] = [];
  for (const p of config.partitions) {
    const vm = prep.vms.get(p.name);
    const inner = vm?.introspect?.();
    if (vm === undefined || inner === undefined) continue;
    const dbg = new CpuDebugger(inner.cpu);
    dbg.interpose();
    machines.push({
      name: p.name,
      cpu: inner.cpu,
      memory: inner.memory,
      slots: slotsOf(p, inner.memory.size),
      dbg,
      mode: () => last.partitions.find((s) => s.name === p.name)?.mode ?? "unknown",
      stats: () => {
        const s = last.partitions.find((q) => q.name === p.name);
        return s === undefined ? {} : { windows: s.windows, cycles_offered: s.cyclesOffered, cycles_run: s.cyclesRun, hm_events: s.hmEvents, restarts: s.restarts };
      },
      hmLog: () => last.hmLog.filter((e) => JSON.stringify(e).includes(`"partition":${p.id}`)),
      pulseIrq: (line) => inner.pulseIrq(line),
    });
  }
  const initial = config.schedules.find((s) => s.initial) ?? config.schedules[0];
  const major = initial?.majorFrame ?? 1n;
  let paused = false;
  let stepping = false;
  const run: RunView = {
    time: () => last.time,
    schedule: () => ({ initial: initial?.name ?? null, major_frame_ns: major.toString() }),
    frames: () => Number(last.time / (major > 0n ? major : 1n)),
    get paused() {
      return paused;
    },
    pause: () => (paused = true),
    resume: () => (paused = false),
    stepWindow: () => {
      stepping = true;
      paused = false;
    },
    machines,
  };
  const tree = new VmTree(run);
  let killed = false;
  let gdb: GdbServer | undefined;
  let control: ControlServer | undefined;
  let gm: MachineView | undefined;
  try {
    if (opts.gdbPort !== undefined) {
      const m = machines.find((x) => x.name === opts.gdbPartition);
      if (m === undefined) throw new Error(`no debuggable partition ${String(opts.gdbPartition)}`);
      gm = m;
      m.dbg.halt({ kind: "start" });
      gdb = await GdbServer.listen(opts.gdbPort, { cpu: m.cpu, dbg: m.dbg, monitor: (c) => monitorCommand(tree, c), kill: () => (killed = true) }, waker);
      opts.onListening?.(`gdb stub for partition ${m.name} listening on 127.0.0.1:${gdb.port}`);
    }
    if (opts.controlPath !== undefined) {
      control = await ControlServer.listen(opts.controlPath, tree, waker);
      opts.onListening?.(`control socket at ${opts.controlPath}`);
    }
    while (last.end.kind !== "shutdown" && !killed) {
      // The module waits for gdb's first continue (as qemu -S), and does not end while gdb holds its partition.
      const held = gm !== undefined && gdb !== undefined && gdb.connected && gm.dbg.stop !== null;
      if (last.time >= until) {
        if (!held) break;
        await waker.wait();
        continue;
      }
      if (paused || gm?.dbg.stop?.kind === "start") {
        await waker.wait();
        continue;
      }
      const next: Nanos = nanos(last.time + STEP < until ? last.time + STEP : until);
      last = runner.runUntil(next, false);
      gdb?.poll();
      control?.poll(tree);
      if (stepping) {
        stepping = false;
        paused = true;
      }
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    last = runner.runUntil(last.time); // flushes the last partial console lines
    gdb?.ended("W00");
    return last;
  } finally {
    gdb?.close();
    control?.close();
  }
}
