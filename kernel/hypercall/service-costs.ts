// The cost, in CPU cycles of the cost model, that each paravirt service charges to the caller's window
// (on top of the instructions the guest ran to trap). Every figure is bounded: byte-proportional parts
// are capped by the service's own limits (CONSOLE_MAX_WRITE, a port's max message size, 128-byte HM
// messages). Assumption: a trap round trip of a small in-order core (~100 cycles, as a int/iret pair
// plus a table dispatch), a word copied per cycle, and a few hundred cycles for table lookups.
import { SERVICES, type ServiceKey } from "./generated/abi-generated";

/** Dispatch cost of every trap, including ENOSYS answers: entry, id lookup, permission, return. */
export const TRAP_BASE_CYCLES = 100;

/** Extra cycles per service, beyond TRAP_BASE_CYCLES and the per-byte copy charge. */
export const SERVICE_CYCLES: Readonly<Record<ServiceKey, number>> = {
  abiVersion: 0,
  abiFeatures: 0,
  null: 0,
  resolve: 300, // three stack words, bounds checks, one name read and lookup, one slot write
  consoleWrite: 50,
  timeGet: 20,
  timerSetPeriodic: 50,
  timerSetOneshot: 50,
  virqRegister: 20,
  virqKick: 20,
  idle: 50,
  partitionGetStatus: 100,
  partitionSetMode: 200,
  scheduleSetNext: 200,
  scheduleGetStatus: 100,
  scheduleGetId: 150,
  samplingPortCreate: 300,
  samplingPortGetId: 150,
  samplingPortWrite: 150,
  samplingPortRead: 150,
  samplingPortStatus: 100,
  queuingPortCreate: 300,
  queuingPortGetId: 150,
  queuingPortSend: 150,
  queuingPortReceive: 150,
  queuingPortStatus: 100,
  queuingPortClear: 150,
  hmRaiseApplicationError: 300,
  hmReportMessage: 200,
  hmGetErrorStatus: 150,
  windowYield: 20,
  hmRaiseError: 300,
  hmSetHandlerState: 20,
  hmCallbackReturn: 40,
  logbookCreate: 300, // configuration lookup by owner and name
  logbookWrite: 150, // one copy into kernel storage (bounded by LOGBOOK_MAX_MESSAGE)
  logbookRead: 150,
  logbookClear: 100,
  logbookGetId: 150,
  logbookStatus: 100,
  samplingPortReadUpdated: 150,
  samplingPortCurrentStatus: 100,
  partitionSetModeOf: 200,
  memoryBlockStatus: 150,
  queuingPortListScan: 400, // up to 16 ids read and looked up, one queue length each
  ioreqAttach: 1200, // clears the ring page's header and slots and re-posts requests in flight
  ioreqConsoleWrite: 100, // like console_write: a copy charged per byte
  ioreqNotify: 300, // reads and checks IOREQ_SLOTS slots against the kernel's copies
  ioreqIrqSet: 100, // an ownership check and one line into the client's interrupt controllers
  blockInfo: 50,
  blockRead: 200, // ownership and bounds checks; the sectors are charged per byte copied
  blockWrite: 200,
  blockFlush: 100, // the host write of a persistent disk is host time, not the caller's
};

/** Bytes copied per cycle between guest and kernel (one 32-bit word). */
export const BYTES_PER_CYCLE = 4;

/** The cycles one call of `key` costs, having copied `bytes` bytes (already bounded by the service). */
export function serviceCost(key: ServiceKey | undefined, bytes: number): number {
  return TRAP_BASE_CYCLES + (key === undefined ? 0 : SERVICE_CYCLES[key]) + Math.ceil(bytes / BYTES_PER_CYCLE);
}

/** TRAP_BASE_CYCLES + SERVICE_CYCLES by service id (ids are small and dense): the trap path indexes, it never looks a name up. */
const CYCLES_BY_ID: Int32Array = (() => {
  const table = new Int32Array(SERVICES.reduce((n, s) => Math.max(n, s.id + 1), 0)).fill(TRAP_BASE_CYCLES);
  for (const s of SERVICES) table[s.id] = TRAP_BASE_CYCLES + SERVICE_CYCLES[s.key];
  return table;
})();

/** serviceCost by id: `id` is a live service id, or -1 for a refused call (TRAP_BASE_CYCLES alone). */
export function serviceCostById(id: number, bytes: number): number {
  const base = id >= 0 && id < CYCLES_BY_ID.length ? (CYCLES_BY_ID[id] ?? TRAP_BASE_CYCLES) : TRAP_BASE_CYCLES;
  return base + Math.ceil(bytes / BYTES_PER_CYCLE);
}
