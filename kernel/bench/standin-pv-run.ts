// Runs the call-path guest once on the test-only PV stand-in (test/paravirt-abi/lib/pv-machine.ts) and
// counts guest instructions, CPU cycles and host time of the run. A stand-in until the kernel's createPvVm
// lands: its services (resolve, time_get, sampling create/write, null) are minimal, not the kernel's.
import { PvError, ServiceId } from "../hypercall/abi-generated";
import { EXPORT_LAYOUT } from "../hypercall/abi-layout";
import { Elf32 } from "../../test/paravirt-abi/lib/elf32";
import { PvMachine } from "../../test/paravirt-abi/lib/pv-machine";

/** Virtual time the stand-in shows the guest (shared page and time_get). */
const TIME_NS = 0x1_0000_0000n;
/** A guest that has not yielded after this many cycles is a bug in the benchmark. */
const MAX_CYCLES = 4_000_000_000;

/** The guest's operations (partitions/bench/callpaths.c OP_*). */
export enum CallOp {
  Empty = 0,
  Direct = 1,
  TimeGet = 2,
  Sampling = 3,
  TrapNull = 4,
}

/** One image with its libpv (null when the image does not use the mapped libpv). */
export interface CallImage {
  readonly guest: Elf32;
  readonly libpv: Elf32 | null;
}

/** Counts of one run, from the start of the guest to its final window_yield. */
export interface RunCount {
  readonly instructions: number;
  readonly cycles: number;
  readonly hostNs: number;
  /** Resolve traps served. */
  readonly resolves: number;
}

function exportTable(libpv: Elf32): Map<string, number> {
  const out = new Map<string, number>();
  const f = EXPORT_LAYOUT.fields;
  for (let at = libpv.symbol("__pvexport_start"); at < libpv.symbol("__pvexport_end"); at += EXPORT_LAYOUT.size) {
    if ((libpv.word(at + f.flags.offset) & 4) !== 0) continue; // PV_EXPORT_INTERNAL: never bound by name
    out.set(libpv.string(libpv.word(at + f.name.offset)), libpv.word(at + f.address.offset));
  }
  return out;
}

function lookup(m: PvMachine, exports: Map<string, number>, libpv: Elf32, sym: number): number {
  return exports.get(m.cstring(m.r32(sym), 64)) ?? libpv.symbol("pv_enosys");
}

/** Writes every slot at load time, as the loader's eager binding does. */
function bindEagerly(m: PvMachine, guest: Elf32, libpv: Elf32, exports: Map<string, number>): void {
  const symStart = guest.symbol("__pvext_sym_start");
  const jmpStart = guest.symbol("__pvext_jmp_start");
  for (let s = symStart, k = 0; s < guest.symbol("__pvext_sym_end"); s += 4, k++) m.w32(jmpStart + 4 * k, lookup(m, exports, libpv, s));
}

/** Runs `op` `calls` times on a fresh machine. The host time covers the guest's run only, not building the machine. */
export function runCallGuest(image: CallImage, op: CallOp, calls: number, eager: boolean): RunCount {
  return new CallGuest(image, op, calls, eager).run();
}

/**
 * Times a one-call lazy run `reps` times on one warm machine: each repetition restarts the guest at its
 * entry with the slots unbound again, so the host time is the resolution itself, not block compilation.
 */
export function timeWarmFirstCalls(image: CallImage, op: CallOp, eager: boolean, reps: number): number[] {
  const g = new CallGuest(image, op, 1, eager);
  g.run(); // warm: compiles every block the repetitions run
  const out: number[] = [];
  for (let r = 0; r < reps; r++) {
    g.restart();
    out.push(g.run().hostNs);
  }
  return out;
}

/** One machine running the call-path guest, restartable at its entry with its slots as loaded. */
class CallGuest {
  private readonly m: PvMachine;
  private readonly exports: Map<string, number>;
  private readonly entry: { eip: number; esp: number; eax: number; ebx: number; eflags: number };
  private readonly slots: { at: number; value: number }[] = [];
  private readonly message = new Uint8Array(64);

  constructor(private readonly image: CallImage, op: CallOp, calls: number, eager: boolean) {
    const { guest, libpv } = image;
    const m = new PvMachine(guest, libpv, TIME_NS);
    this.m = m;
    const params = guest.symbol("bench_params");
    m.w32(params, op);
    m.w32(params + 4, calls);
    this.exports = libpv === null ? new Map<string, number>() : exportTable(libpv);
    if (eager && libpv !== null) bindEagerly(m, guest, libpv, this.exports);
    if (libpv !== null) {
      for (let a = guest.symbol("__pvext_jmp_start"); a < guest.symbol("__pvext_jmp_end"); a += 4) this.slots.push({ at: a, value: m.r32(a) });
    }
    this.entry = { eip: m.cpu.eip, esp: m.cpu.esp, eax: m.cpu.eax, ebx: m.cpu.ebx, eflags: m.cpu.getEflags() };
  }

  /** Back to the entry state: registers as at boot, every slot as loaded. */
  restart(): void {
    const { m, entry } = this;
    for (const s of this.slots) m.w32(s.at, s.value);
    m.cpu.eip = entry.eip;
    m.cpu.esp = entry.esp;
    m.cpu.eax = entry.eax;
    m.cpu.ebx = entry.ebx;
    m.cpu.setEflags(entry.eflags);
  }

  run(): RunCount {
    const { m } = this;
    const { guest, libpv } = this.image;
    const params = guest.symbol("bench_params");
    const message = this.message;
    const exports = this.exports;
    let resolves = 0;
    const i0 = m.cpu.instructions;
    const c0 = m.cpu.cycles;
    const t0 = process.hrtime.bigint();
    for (;;) {
      const exit = m.cpu.run(MAX_CYCLES);
      if (exit.kind !== "hypercall") throw new Error(`call-path guest ended with ${JSON.stringify(exit)}`);
      const id = m.cpu.eax;
      let result: number = PvError.OK;
      if (id === ServiceId.WindowYield) break;
      switch (id) {
        case ServiceId.Null:
          break;
        case ServiceId.TimeGet:
          m.w32(m.cpu.ebx, Number(TIME_NS & 0xffff_ffffn));
          m.w32(m.cpu.ebx + 4, Number(TIME_NS >> 32n));
          break;
        case ServiceId.SamplingPortCreate:
          m.w32(m.cpu.ecx, 1);
          break;
        case ServiceId.SamplingPortWrite: {
          const len = m.cpu.edx;
          if (m.cpu.ebx !== 1 || len > message.length) result = PvError.EINVAL;
          else message.set(Buffer.from(m.text(m.cpu.ecx, len), "latin1"));
          break;
        }
        case ServiceId.Resolve: {
          if (libpv === null) throw new Error("resolve trap from an image without libpv");
          const esp = m.cpu.esp;
          const target = lookup(m, exports, libpv, m.r32(esp + 4));
          m.w32(m.r32(esp + 8), target);
          result = m.r32(esp);
          m.cpu.esp = esp + 12;
          m.cpu.eip = target;
          resolves++;
          break;
        }
        default:
          result = PvError.ENOSYS;
      }
      m.cpu.eax = result >>> 0;
    }
    const hostNs = Number(process.hrtime.bigint() - t0);
    const status = m.r32(params + 8) | 0;
    if (status !== PvError.OK) throw new Error(`call-path guest op ${m.r32(params)} returned status ${status}`);
    return { instructions: m.cpu.instructions - i0, cycles: m.cpu.cycles - c0, hostNs, resolves };
  }
}
