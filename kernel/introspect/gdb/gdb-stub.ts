// The gdb remote protocol commands an i386 target needs, over one vCPU's debugger: registers (g/G/p/P),
// memory (m/M/X), run control (c/s/vCont, Ctrl-C, ?), breakpoints and watchpoints (Z0-Z4), k, D, qRcmd
// monitor commands and the target description. Every malformed or unknown request gets "E xx" or an
// empty reply. Pure over its target: packet text in, reply text out; sockets live in gdb-server.ts.
import type { Cpu } from "../../cpu/cpu";
import { debugRead, debugWrite, MAX_DEBUG_ACCESS } from "../debug-memory";
import type { CpuDebugger, StopReason, WatchKind } from "../debugger";
import { GDB_REGS, readReg, writeReg } from "../regs";
import { fromHex, le32Hex, MAX_PACKET, toHex, unescapeBinary } from "./rsp-framing";
import { CORE_REGS, targetXml } from "./target-xml";

/** What the stub debugs. */
export interface GdbTarget {
  readonly cpu: Cpu;
  readonly dbg: CpuDebugger;
  /** Output of `monitor CMD` (qRcmd), or null for an unknown command. */
  monitor(cmd: string): string | null;
  /** `k`: ends the run. */
  kill(): void;
}

/** Signal numbers of the stop replies (gdb's own numbering, equal to Linux's here). */
export const SIG = { INT: 2, TRAP: 5, SEGV: 11 } as const;

/** Reply to one packet: text to send (null: none now, the target runs), and whether to close after it. */
export interface StubReply {
  readonly reply: string | null;
  readonly close?: boolean;
}

const E_BAD = "E01";
const E_MEM = "E14";
const E_REG = "E16";
const E_FULL = "E1c";

/** The fixed x87 values of registers 16..31: st0..st7 zero, then FNINIT's control word 0x37f, tag word all-empty. */
function fpuRegHex(n: number): string {
  if (n < 24) return "00".repeat(10);
  if (n === 24) return le32Hex(0x37f);
  if (n === 26) return le32Hex(0xffff);
  return le32Hex(0);
}

function parseHexNum(s: string | undefined): number | null {
  if (s === undefined || !/^[0-9a-fA-F]{1,8}$/.test(s)) return null;
  return parseInt(s, 16);
}

/** One gdb connection's protocol state over a target. */
export class GdbStub {
  /** True after c/s until the stop has been reported. */
  running = false;
  private lastStops = -1;

  constructor(private readonly target: GdbTarget) {}

  /** The stop reply for the debugger's current stop (gdb's `?` and the answer to c/s). */
  stopReply(): string {
    const stop = this.target.dbg.stop;
    return stop === null ? `S${hex2(SIG.TRAP)}` : stopPacket(stop);
  }

  /** Called when the target may have stopped: the stop reply to send, once per stop, while running. */
  pollStop(): string | null {
    const dbg = this.target.dbg;
    if (!this.running || dbg.stop === null || dbg.stops === this.lastStops) return null;
    this.running = false;
    this.lastStops = dbg.stops;
    return stopPacket(dbg.stop);
  }

  /** Ctrl-C: stop the vCPU between instructions; the stop is reported by pollStop. */
  interrupt(): void {
    if (this.running) this.target.dbg.halt({ kind: "pause" });
  }

  /** Handles one packet body. */
  handle(p: string): StubReply {
    if (this.running) return { reply: E_BAD }; // all-stop protocol: only Ctrl-C is expected now
    const c = p.charAt(0);
    const rest = p.slice(1);
    switch (c) {
      case "?":
        return { reply: this.stopReply() };
      case "g":
        return { reply: p.length === 1 ? this.readAll() : "" };
      case "G":
        return { reply: this.writeAll(rest) };
      case "p":
        return { reply: this.readOne(rest) };
      case "P":
        return { reply: this.writeOne(rest) };
      case "m":
        return { reply: this.readMem(rest) };
      case "M":
        return { reply: this.writeMem(rest, false) };
      case "X":
        return { reply: this.writeMem(rest, true) };
      case "c":
      case "C":
        return this.resume(false, c === "c" ? rest : rest.split(";")[1]);
      case "s":
      case "S":
        return this.resume(true, c === "s" ? rest : rest.split(";")[1]);
      case "Z":
      case "z":
        return { reply: this.point(c === "Z", rest) };
      case "k":
        this.target.kill();
        return { reply: null, close: true };
      case "D":
        this.target.dbg.clear();
        return { reply: "OK", close: true };
      case "H":
        return { reply: "OK" };
      case "T":
        return { reply: rest === "1" || rest === "01" ? "OK" : E_BAD };
      case "q":
      case "Q":
        return { reply: this.query(p) };
      case "v":
        return this.vPacket(p);
      default:
        return { reply: "" };
    }
  }

  private readAll(): string {
    const cpu = this.target.cpu;
    let s = "";
    for (const n of GDB_REGS) s += le32Hex(readReg(cpu, n));
    for (let i = 16; i < CORE_REGS.length; i++) s += fpuRegHex(i);
    return s;
  }

  private writeAll(hex: string): string {
    const bytes = fromHex(hex);
    if (bytes === null || bytes.length < GDB_REGS.length * 4) return E_BAD;
    const cpu = this.target.cpu;
    const saved = cpu.saveState();
    for (let i = 0; i < GDB_REGS.length; i++) {
      const v = (bytes[i * 4]! | (bytes[i * 4 + 1]! << 8) | (bytes[i * 4 + 2]! << 16) | (bytes[i * 4 + 3]! << 24)) >>> 0;
      const name = GDB_REGS[i]!;
      if (v === readReg(cpu, name)) continue;
      if (!writeReg(cpu, name, v).ok) {
        cpu.restoreState(saved);
        return E_REG;
      }
    }
    return "OK";
  }

  private readOne(arg: string): string {
    const n = parseHexNum(arg);
    if (n === null || n >= CORE_REGS.length) return E_BAD;
    return n < GDB_REGS.length ? le32Hex(readReg(this.target.cpu, GDB_REGS[n]!)) : fpuRegHex(n);
  }

  private writeOne(arg: string): string {
    const [num, val] = arg.split("=");
    const n = parseHexNum(num);
    const bytes = fromHex(val ?? "");
    if (n === null || bytes === null || n >= CORE_REGS.length) return E_BAD;
    if (n >= GDB_REGS.length) return E_REG; // no FPU state to change
    if (bytes.length !== 4) return E_BAD;
    const v = (bytes[0]! | (bytes[1]! << 8) | (bytes[2]! << 16) | (bytes[3]! << 24)) >>> 0;
    return writeReg(this.target.cpu, GDB_REGS[n]!, v).ok ? "OK" : E_REG;
  }

  private addrLen(s: string): { addr: number; len: number } | null {
    const [a, l] = s.split(",");
    const addr = parseHexNum(a);
    const len = parseHexNum(l);
    if (addr === null || len === null || len > MAX_DEBUG_ACCESS) return null;
    return { addr, len };
  }

  private readMem(arg: string): string {
    const al = this.addrLen(arg);
    if (al === null || al.len * 2 > MAX_PACKET) return E_BAD;
    const bytes = debugRead(this.target.cpu, al.addr, al.len);
    return bytes === null ? E_MEM : toHex(bytes);
  }

  private writeMem(arg: string, binary: boolean): string {
    const colon = arg.indexOf(":");
    if (colon < 0) return E_BAD;
    const al = this.addrLen(arg.slice(0, colon));
    const data = binary ? unescapeBinary(arg.slice(colon + 1)) : fromHex(arg.slice(colon + 1));
    if (al === null || data === null || data.length !== al.len) return E_BAD;
    return debugWrite(this.target.cpu, al.addr, data) ? "OK" : E_MEM;
  }

  private resume(step: boolean, addr: string | undefined): StubReply {
    if (addr !== undefined && addr !== "") {
      const a = parseHexNum(addr);
      if (a === null || !writeReg(this.target.cpu, "eip", a).ok) return { reply: E_BAD };
    }
    const dbg = this.target.dbg;
    this.lastStops = dbg.stops;
    this.running = true;
    dbg.resume(step);
    return { reply: null };
  }

  private point(insert: boolean, arg: string): string {
    const [type, a, kind] = arg.split(",");
    const addr = parseHexNum(a);
    const len = parseHexNum(kind);
    if (addr === null || len === null) return E_BAD;
    const dbg = this.target.dbg;
    switch (type) {
      case "0":
      case "1":
        if (insert) return dbg.addBreakpoint(addr) ? "OK" : E_FULL;
        dbg.removeBreakpoint(addr);
        return "OK";
      case "2":
      case "3":
      case "4": {
        const w = { kind: (type === "2" ? "write" : type === "3" ? "read" : "access") as WatchKind, addr, len };
        if (insert) return dbg.addWatchpoint(w) ? "OK" : E_FULL;
        dbg.removeWatchpoint(w);
        return "OK";
      }
      default:
        return "";
    }
  }

  private query(p: string): string {
    if (p.startsWith("qSupported")) return `PacketSize=${MAX_PACKET.toString(16)};qXfer:features:read+;vContSupported+`;
    if (p.startsWith("qXfer:features:read:")) return this.xfer(p.slice("qXfer:features:read:".length));
    if (p === "qAttached") return "1";
    if (p === "qC") return "QC1";
    if (p === "qfThreadInfo") return "m1";
    if (p === "qsThreadInfo") return "l";
    if (p === "qSymbol::") return "OK";
    if (p === "QStartNoAckMode") return "OK";
    if (p.startsWith("qRcmd,")) {
      const cmd = fromHex(p.slice(6));
      if (cmd === null) return E_BAD;
      const out = this.target.monitor(String.fromCharCode(...cmd).trim());
      return out === null ? "" : toHex(new TextEncoder().encode(out.endsWith("\n") ? out : `${out}\n`));
    }
    return "";
  }

  private xfer(arg: string): string {
    const m = /^([^:]+):([0-9a-fA-F]{1,8}),([0-9a-fA-F]{1,8})$/.exec(arg);
    if (m === null) return E_BAD;
    if (m[1] !== "target.xml") return "E00";
    const doc = targetXml();
    const off = parseInt(m[2]!, 16);
    const len = Math.min(parseInt(m[3]!, 16), MAX_PACKET - 1);
    if (off > doc.length) return E_BAD;
    const part = doc.slice(off, off + len);
    return (off + len >= doc.length ? "l" : "m") + part;
  }

  private vPacket(p: string): StubReply {
    if (p === "vCont?") return { reply: "vCont;c;C;s;S" };
    if (p.startsWith("vCont;")) {
      // All-stop with one thread: the first action decides (a thread id after ':' names thread 1).
      const action = (p.slice(6).split(";")[0] ?? "").split(":")[0] ?? "";
      if (action === "c" || action.startsWith("C")) return this.resume(false, undefined);
      if (action === "s" || action.startsWith("S")) return this.resume(true, undefined);
      return { reply: E_BAD };
    }
    if (p === "vMustReplyEmpty") return { reply: "" };
    if (p.startsWith("vKill")) {
      this.target.kill();
      return { reply: "OK", close: true };
    }
    return { reply: "" };
  }
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, "0");
}

/** The stop reply packet for a stop reason. */
export function stopPacket(stop: StopReason): string {
  switch (stop.kind) {
    case "breakpoint":
    case "step":
    case "start":
      return `T${hex2(SIG.TRAP)}thread:1;`;
    case "watchpoint": {
      const key = stop.watch.kind === "write" ? "watch" : stop.watch.kind === "read" ? "rwatch" : "awatch";
      return `T${hex2(SIG.TRAP)}${key}:${(stop.addr >>> 0).toString(16)};thread:1;`;
    }
    case "pause":
      return `T${hex2(SIG.INT)}thread:1;`;
    case "fault":
      return `T${hex2(SIG.SEGV)}thread:1;`;
    case "exited":
      return `W${hex2(stop.status & 0xff)}`;
    default: {
      const never: never = stop;
      throw new Error(`unknown stop ${JSON.stringify(never)}`);
    }
  }
}
