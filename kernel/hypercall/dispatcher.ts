// The one entry of every paravirt trap: looks EAX up in SERVICES, refuses unknown, retired and
// unpermitted ids with ENOSYS (logged once per id), decodes the argument registers by each service's
// descriptors, checks every pointer range against the guest's own page tables (EFAULT) and calls the
// typed handler. Allocates nothing per call. Not responsible for costs or for what the result does to
// the run (pv-vm.ts).
import { PV_ARG_REGISTERS, PvError, SERVICES, type ArgDescriptor, type ServiceDescriptor, type ServiceHandlers, type ServiceId } from "./generated/abi-generated";
import { PV_CONSTANTS } from "./generated/abi-layout";
import { guestRangeOk } from "./guest-range";
import type { Cpu } from "../cpu/cpu";
import { logOnce, ret, virt, type PvCallContext, type PvCallResult } from "./pv-call";

/** Handler table of the kernel: one per service, a missing one is a compile error. */
export type PvHandlers = ServiceHandlers<PvCallContext, PvCallResult>;

/** Descriptors indexed by id (ids are small and dense): one array read per trap, no Map on the hot path. */
const BY_ID: readonly (ServiceDescriptor | undefined)[] = (() => {
  const table: (ServiceDescriptor | undefined)[] = [];
  for (const s of SERVICES) table[s.id] = s;
  return table;
})();

/** Services that take at most this many bytes through a pointer whatever length the guest passes. */
const LENGTH_CAP: Readonly<Partial<Record<ServiceDescriptor["key"], number>>> = { consoleWrite: PV_CONSTANTS.CONSOLE_MAX_WRITE };

/** The descriptor of live service `id`, if any. */
export function serviceById(id: number): ServiceDescriptor | undefined {
  return id >= 0 && id < BY_ID.length ? BY_ID[id] : undefined;
}

type ArgValue = number | bigint;

const REGISTER_READERS: Readonly<Record<(typeof PV_ARG_REGISTERS)[number], (cpu: Cpu) => number>> = {
  EBX: (cpu) => cpu.ebx,
  ECX: (cpu) => cpu.ecx,
  EDX: (cpu) => cpu.edx,
  ESI: (cpu) => cpu.esi,
  EDI: (cpu) => cpu.edi,
};
/** Argument word i comes from WORD_READERS[i] (the ABI's register order). */
const WORD_READERS = PV_ARG_REGISTERS.map((r) => REGISTER_READERS[r]);

function word(cpu: Cpu, i: number): number {
  const read = WORD_READERS[i];
  return read === undefined ? 0 : read(cpu) >>> 0;
}

/** Argument word i of a call: from the trap's registers, or from an FV argument block (kernel/devices/apx-services-call.ts). */
export type ArgWords = (i: number) => number;

/** Argument `a` from its word `lo` and, for a u64, the next word `hi` (both u32). */
function decode(a: ArgDescriptor, lo: number, hi: number): ArgValue {
  switch (a.kind) {
    case "u32":
      return lo;
    case "i32":
      return lo | 0;
    case "u64":
      return BigInt(lo) | (BigInt(hi) << 32n);
    case "code":
    case "ptr":
      return virt(lo);
    default: {
      const unreachable: never = a;
      throw new Error(`unhandled argument ${JSON.stringify(unreachable)}`);
    }
  }
}

/** True when every pointer and code argument is usable by the guest itself. */
function pointersOk(ctx: PvCallContext, desc: ServiceDescriptor, args: readonly ArgValue[]): boolean {
  const cpu = ctx.cpu;
  for (let i = 0; i < desc.args.length; i++) {
    const a = desc.args[i];
    if (a === undefined) continue;
    if (a.kind === "code") {
      const v = Number(args[i] ?? 0);
      if (v !== 0 && cpu.probe(v | 0, false, true) < 0) return false;
      continue;
    }
    if (a.kind !== "ptr") continue;
    const v = Number(args[i] ?? 0);
    let len = a.len.by === "size" ? a.len.bytes : Number(args[a.len.index] ?? 0);
    const cap = LENGTH_CAP[desc.key];
    if (cap !== undefined) len = Math.min(len, cap);
    if (len === 0) continue;
    if (!guestRangeOk(cpu, v, len, a.dir !== "in", ctx.vcpu.ramBytes)) return false;
    if (ctx.ramRange !== undefined && !ctx.ramRange(v, len)) return false;
  }
  return true;
}

/** Permission by service id (1: the partition may call it), built once per partition. */
export type PermittedById = Readonly<Uint8Array>;

/** The permission table of `permitted` (ids beyond the table are refused). */
export function permittedById(permitted: ReadonlySet<ServiceId>): PermittedById {
  const table = new Uint8Array(BY_ID.length);
  for (const id of permitted) if (id >= 0 && id < table.length) table[id] = 1;
  return table;
}

/** What the last dispatch served; one record per vCPU, rewritten by every trap (no allocation per call). */
export interface DispatchRecord {
  /** The descriptor served; undefined when the call was refused with ENOSYS. */
  service: ServiceDescriptor | undefined;
}

/** Most argument words a service takes (the ABI's five registers). */
const MAX_ARGS = PV_ARG_REGISTERS.length;
/** How many arguments a service takes: 0 to MAX_ARGS, checked once per call by argCount. */
type ArgCount = 0 | 1 | 2 | 3 | 4 | 5;
if (MAX_ARGS !== 5) throw new Error(`ArgCount and call() are written for 5 argument registers; the ABI has ${MAX_ARGS}`);

function argCount(desc: ServiceDescriptor): ArgCount {
  const n = desc.args.length;
  if (n > MAX_ARGS) throw new Error(`service ${desc.name} declares ${n} arguments; the ABI passes at most ${MAX_ARGS}`);
  return n as ArgCount;
}
/** Decoded arguments of the call in progress: the dispatcher is not re-entered while a handler runs. */
const ARGS: ArgValue[] = new Array<ArgValue>(MAX_ARGS).fill(0);

type AnyHandler = (c: PvCallContext, ...a: ArgValue[]) => PvCallResult;

/** `handlers` indexed by service id: the trap path reads an array slot instead of a property named by a varying key. */
function handlersById(handlers: PvHandlers): readonly (AnyHandler | undefined)[] {
  const table: (AnyHandler | undefined)[] = [];
  // The descriptor decodes exactly the tuple ServiceArgs[key] declares (generated from the same abi.json).
  for (const s of SERVICES) table[s.id] = handlers[s.key] as AnyHandler;
  return table;
}
/** The table of the handlers object served last (every caller passes the one PV_HANDLERS): one slot, no Map. */
let tableOf: PvHandlers | undefined;
let table: readonly (AnyHandler | undefined)[] = [];

/** Calls `h` with the first `n` decoded arguments, without building an argument list. */
function call(h: AnyHandler, ctx: PvCallContext, n: ArgCount): PvCallResult {
  const a = ARGS;
  switch (n) {
    case 0:
      return h(ctx);
    case 1:
      return h(ctx, a[0] as ArgValue);
    case 2:
      return h(ctx, a[0] as ArgValue, a[1] as ArgValue);
    case 3:
      return h(ctx, a[0] as ArgValue, a[1] as ArgValue, a[2] as ArgValue);
    case 4:
      return h(ctx, a[0] as ArgValue, a[1] as ArgValue, a[2] as ArgValue, a[3] as ArgValue);
    case 5:
      return h(ctx, a[0] as ArgValue, a[1] as ArgValue, a[2] as ArgValue, a[3] as ArgValue, a[4] as ArgValue);
    default: {
      const unreachable: never = n;
      throw new Error(`unhandled argument count ${String(unreachable)}`);
    }
  }
}

/**
 * Serves the trap in `ctx.cpu` (EAX = id, arguments in the ABI's registers) for a partition allowed
 * `permitted`; records the service in `out` and returns the handler's answer.
 */
export function dispatch(ctx: PvCallContext, handlers: PvHandlers, permitted: PermittedById, out: DispatchRecord): PvCallResult {
  const cpu = ctx.cpu;
  const desc = admit(ctx, permitted, cpu.eax >>> 0, out);
  if (desc === undefined) return ret(PvError.ENOSYS);
  const n = argCount(desc);
  for (let i = 0; i < n; i++) {
    const a = desc.args[i];
    ARGS[i] = a === undefined ? 0 : decode(a, word(cpu, a.word), a.kind === "u64" ? word(cpu, a.word + 1) : 0);
  }
  return serve(ctx, handlers, desc, n);
}

/**
 * Serves service `id` with argument words from `words` (an FV argument block); records the service in
 * `out` and returns the handler's answer.
 */
export function dispatchWords(ctx: PvCallContext, handlers: PvHandlers, permitted: PermittedById, id: number, words: ArgWords, out: DispatchRecord): PvCallResult {
  const desc = admit(ctx, permitted, id, out);
  if (desc === undefined) return ret(PvError.ENOSYS);
  const n = argCount(desc);
  for (let i = 0; i < n; i++) {
    const a = desc.args[i];
    ARGS[i] = a === undefined ? 0 : decode(a, words(a.word), a.kind === "u64" ? words(a.word + 1) : 0);
  }
  return serve(ctx, handlers, desc, n);
}

/** The descriptor of `id` when the partition may call it, recorded in `out`; undefined (logged once) for ENOSYS. */
function admit(ctx: PvCallContext, permitted: PermittedById, id: number, out: DispatchRecord): ServiceDescriptor | undefined {
  const desc = serviceById(id);
  if (desc === undefined || permitted[desc.id] !== 1) {
    out.service = undefined;
    logOnce(ctx, `id:${id}`, `paravirt service ${desc?.name ?? id} ${desc === undefined ? "does not exist" : "is not permitted"}: ENOSYS`);
    return undefined;
  }
  // The record is rewritten only when the service changes (a repeated call stores nothing).
  if (out.service !== desc) out.service = desc;
  return desc;
}

/** Checks the pointers among the `n` decoded ARGS of `desc` (EFAULT) and calls its handler. */
function serve(ctx: PvCallContext, handlers: PvHandlers, desc: ServiceDescriptor, n: ArgCount): PvCallResult {
  if (n > 0 && !pointersOk(ctx, desc, ARGS)) return ret(PvError.EFAULT);
  if (handlers !== tableOf) {
    table = handlersById(handlers);
    tableOf = handlers;
  }
  const h = table[desc.id];
  if (h === undefined) throw new Error(`no handler for service ${desc.name}`);
  return call(h, ctx, n);
}
