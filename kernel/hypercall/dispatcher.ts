// The one entry of every paravirt trap: looks EAX up in SERVICES, refuses unknown, retired and
// unpermitted ids with ENOSYS (logged once per id), decodes the argument registers by each service's
// descriptors, checks every pointer range against the guest's own page tables (EFAULT) and calls the
// typed handler. Not responsible for costs or for what the result does to the run (pv-vm.ts).
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

function decode(word: ArgWords, a: ArgDescriptor): ArgValue {
  switch (a.kind) {
    case "u32":
      return word(a.word);
    case "i32":
      return word(a.word) | 0;
    case "u64":
      return BigInt(word(a.word)) | (BigInt(word(a.word + 1)) << 32n);
    case "code":
    case "ptr":
      return virt(word(a.word));
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

const NO_ARGS: readonly ArgValue[] = [];

/** Serves the trap in `ctx.cpu` (EAX = id) for a partition allowed `permitted`. */
export function dispatch(ctx: PvCallContext, handlers: PvHandlers, permitted: ReadonlySet<ServiceId>): { readonly service: ServiceDescriptor | undefined; readonly result: PvCallResult } {
  const cpu = ctx.cpu;
  return dispatchWords(ctx, handlers, permitted, cpu.eax >>> 0, (i) => word(cpu, i));
}

/** Serves service `id` with argument words from `words` (the trap's registers or an argument block). */
export function dispatchWords(ctx: PvCallContext, handlers: PvHandlers, permitted: ReadonlySet<ServiceId>, id: number, words: ArgWords): { readonly service: ServiceDescriptor | undefined; readonly result: PvCallResult } {
  const desc = serviceById(id);
  if (desc === undefined || !permitted.has(desc.id)) {
    logOnce(ctx, `id:${id}`, `paravirt service ${desc?.name ?? id} ${desc === undefined ? "does not exist" : "is not permitted"}: ENOSYS`);
    return { service: undefined, result: ret(PvError.ENOSYS) };
  }
  const n = desc.args.length;
  const args: ArgValue[] | readonly ArgValue[] = n === 0 ? NO_ARGS : new Array<ArgValue>(n);
  for (let i = 0; i < n; i++) {
    const a = desc.args[i];
    if (a !== undefined) (args as ArgValue[])[i] = decode(words, a);
  }
  if (n > 0 && !pointersOk(ctx, desc, args)) return { service: desc, result: ret(PvError.EFAULT) };
  // The descriptor decoded exactly the tuple ServiceArgs[key] declares (generated from the same abi.json).
  const handler = handlers[desc.key] as (c: PvCallContext, ...a: ArgValue[]) => PvCallResult;
  return { service: desc, result: n === 0 ? handler(ctx) : handler(ctx, ...args) };
}
