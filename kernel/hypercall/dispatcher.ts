// The one entry of every paravirt trap: looks EAX up in SERVICES, refuses unknown, retired and
// unpermitted ids with ENOSYS (logged once per id), decodes the argument registers by each service's
// descriptors, checks every pointer range against the guest's own page tables (EFAULT) and calls the
// typed handler. Not responsible for costs or for what the result does to the run (pv-vm.ts).
import { PV_ARG_REGISTERS, PvError, SERVICES, type ArgDescriptor, type ServiceDescriptor, type ServiceHandlers, type ServiceId } from "./generated/abi-generated";
import { PV_CONSTANTS } from "./generated/abi-layout";
import { guestRangeOk } from "./guest-range";
import { logOnce, ret, virt, type PvCallContext, type PvCallResult } from "./pv-call";

/** Handler table of the kernel: one per service, a missing one is a compile error. */
export type PvHandlers = ServiceHandlers<PvCallContext, PvCallResult>;

const BY_ID = new Map<number, ServiceDescriptor>(SERVICES.map((s) => [s.id, s]));

/** Services that take at most this many bytes through a pointer whatever length the guest passes. */
const LENGTH_CAP: Readonly<Partial<Record<ServiceDescriptor["key"], number>>> = { consoleWrite: PV_CONSTANTS.CONSOLE_MAX_WRITE };

/** The descriptor of live service `id`, if any. */
export function serviceById(id: number): ServiceDescriptor | undefined {
  return BY_ID.get(id);
}

type ArgValue = number | bigint;

function decode(words: readonly number[], a: ArgDescriptor): ArgValue {
  const w = (i: number): number => (words[i] ?? 0) >>> 0;
  switch (a.kind) {
    case "u32":
      return w(a.word);
    case "i32":
      return w(a.word) | 0;
    case "u64":
      return BigInt(w(a.word)) | (BigInt(w(a.word + 1)) << 32n);
    case "code":
    case "ptr":
      return virt(w(a.word));
    default: {
      const unreachable: never = a;
      throw new Error(`unhandled argument ${JSON.stringify(unreachable)}`);
    }
  }
}

/** True when every pointer and code argument is usable by the guest itself. */
function pointersOk(ctx: PvCallContext, desc: ServiceDescriptor, args: readonly ArgValue[]): boolean {
  const cpu = ctx.cpu;
  for (const a of desc.args) {
    const v = Number(args[desc.args.indexOf(a)] ?? 0);
    if (a.kind === "code") {
      if (v !== 0 && cpu.probe(v | 0, false, true) < 0) return false;
      continue;
    }
    if (a.kind !== "ptr") continue;
    let len = a.len.by === "size" ? a.len.bytes : Number(args[a.len.index] ?? 0);
    const cap = LENGTH_CAP[desc.key];
    if (cap !== undefined) len = Math.min(len, cap);
    if (len === 0) continue;
    if (!guestRangeOk(cpu, v, len, a.dir !== "in", ctx.vcpu.ramBytes)) return false;
  }
  return true;
}

/** Serves the trap in `ctx.cpu` (EAX = id) for a partition allowed `permitted`. */
export function dispatch(ctx: PvCallContext, handlers: PvHandlers, permitted: ReadonlySet<ServiceId>): { readonly service: ServiceDescriptor | undefined; readonly result: PvCallResult } {
  const cpu = ctx.cpu;
  const id = cpu.eax >>> 0;
  const desc = BY_ID.get(id);
  if (desc === undefined || !permitted.has(desc.id)) {
    logOnce(ctx, `id:${id}`, `paravirt service ${desc?.name ?? id} ${desc === undefined ? "does not exist" : "is not permitted"}: ENOSYS`);
    return { service: undefined, result: ret(PvError.ENOSYS) };
  }
  const regs: Record<(typeof PV_ARG_REGISTERS)[number], number> = { EBX: cpu.ebx, ECX: cpu.ecx, EDX: cpu.edx, ESI: cpu.esi, EDI: cpu.edi };
  const words = PV_ARG_REGISTERS.map((r) => regs[r]);
  const args = desc.args.map((a) => decode(words, a));
  if (!pointersOk(ctx, desc, args)) return { service: desc, result: ret(PvError.EFAULT) };
  // The descriptor decoded exactly the tuple ServiceArgs[key] declares (generated from the same abi.json).
  const handler = handlers[desc.key] as (c: PvCallContext, ...a: ArgValue[]) => PvCallResult;
  return { service: desc, result: handler(ctx, ...args) };
}
