// Runs a `boot` machine with its VM tree served: the gdb stub and/or the control socket. Slices run as
// in bootMultiboot; between slices the loop yields to the sockets, and while the vCPU is stopped it
// waits for them. Virtual time only advances in slices, so what the guest sees does not depend on how
// long a debugger thinks. Not responsible for parsing options or printing (kernel/cli/commands/boot.ts).
import type { BootResult, BootSession } from "../machine/pc-boot";
import { ControlServer } from "../host/node/control-server";
import { CpuDebugger } from "./debugger";
import { GdbServer } from "../host/node/gdb-server";
import type { MachineView, RunView } from "./machine-view";
import { monitorCommand } from "./monitor";
import { VmTree } from "./vm-tree";
import { Waker } from "./waker";

/** Where to serve the tree. */
export interface BootServeOptions {
  /** TCP port on 127.0.0.1 for gdb (0: any free port); the vCPU waits for gdb before its first instruction. */
  readonly gdbPort?: number;
  /** Unix-domain socket path for the control protocol. */
  readonly controlPath?: string;
  /** Holds the vCPU before its first instruction until a client lets it go (implied by gdbPort). */
  readonly startPaused?: boolean;
  /** Told where each server listens (the CLI prints it on stderr). */
  readonly onListening?: (what: string) => void;
}

/** The boot machine as a VM tree machine: one slot for all of RAM. */
function bootMachine(session: BootSession, dbg: CpuDebugger): MachineView {
  const pc = session.pc;
  return {
    name: "boot",
    cpu: pc.cpu,
    memory: pc.memory,
    slots: [{ name: "ram", base: 0, size: pc.memory.size, readOnly: false, hostName: "boot RAM (--memory)" }],
    dbg,
    mode: () => (session.end !== null ? "ENDED" : dbg.stop !== null ? "STOPPED" : "RUNNING"),
    stats: () => ({ instructions: pc.cpu.instructions, cycles: session.clock.cycles() }),
    hmLog: () => [],
    pulseIrq: (line) => pc.pulseIrq(line),
  };
}

/** Runs `session` to its end with the requested servers; resolves with the ending. */
export async function serveBoot(session: BootSession, opts: BootServeOptions): Promise<BootResult> {
  const dbg = new CpuDebugger(session.pc.cpu);
  session.runner = (budget) => dbg.run(budget);
  const waker = new Waker();
  const machine = bootMachine(session, dbg);
  const run: RunView = {
    time: () => BigInt(session.clock.now()),
    schedule: () => null,
    frames: () => 0,
    get paused() {
      return dbg.stop !== null;
    },
    pause: () => dbg.halt({ kind: "pause" }),
    resume: () => {
      if (dbg.stop !== null) dbg.resume(false);
    },
    stepWindow: () => {
      if (dbg.stop !== null) dbg.resume(true);
    },
    machines: [machine],
  };
  const tree = new VmTree(run);
  let killed = false;
  let gdb: GdbServer | undefined;
  let control: ControlServer | undefined;
  try {
    if (opts.gdbPort !== undefined || opts.startPaused === true) dbg.halt({ kind: "start" });
    if (opts.gdbPort !== undefined) {
      gdb = await GdbServer.listen(opts.gdbPort, { cpu: session.pc.cpu, dbg, monitor: (c) => monitorCommand(tree, c), kill: () => (killed = true) }, waker);
      opts.onListening?.(`gdb stub listening on 127.0.0.1:${gdb.port}`);
    }
    if (opts.controlPath !== undefined) {
      control = await ControlServer.listen(opts.controlPath, tree, waker);
      opts.onListening?.(`control socket at ${opts.controlPath}`);
    }
    for (;;) {
      if (killed) session.abort("killed by the debugger");
      const r = session.slice();
      gdb?.poll();
      control?.poll(tree);
      if (r === "paused") {
        await waker.wait();
        continue;
      }
      if (r !== null) {
        const end = r.end;
        gdb?.ended(end.kind === "debugExit" ? `W${(end.status & 0xff).toString(16).padStart(2, "0")}` : end.kind === "tripleFault" ? "X0b" : "X09");
        return r;
      }
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } finally {
    gdb?.close();
    control?.close();
  }
}
