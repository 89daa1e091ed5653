// A short trace with every event kind, shared by the writer golden tests.
import { nanos, partitionId } from "../../../kernel/mem/types";
import type { TraceEvent } from "../../../kernel/trace/trace-event";

const P1 = partitionId(1);
const P2 = partitionId(2);

/** Every kind once or more; P2's last window never ends inside the trace. */
export const SAMPLE_EVENTS: readonly TraceEvent[] = [
  { kind: "windowStart", time: nanos(0), partition: P1, windowId: 1, schedule: 1, until: nanos(20_000) },
  { kind: "portWrite", time: nanos(1_500), partition: P1, port: "alt", length: 4, returnCode: 0 },
  { kind: "console", time: nanos(2_000), partition: P1, text: 'hello "x"' },
  { kind: "windowEnd", time: nanos(20_000), partition: P1, windowId: 1 },
  { kind: "idle", time: nanos(20_000), until: nanos(25_000) },
  { kind: "windowStart", time: nanos(25_000), partition: P2, windowId: 2, schedule: 1, until: nanos(1_000_000_000_001n) },
  { kind: "hmEvent", time: nanos(25_001), partition: P2, systemState: 6, errorId: 5, errorCode: "MEMORY_VIOLATION", level: "PARTITION", action: "PARTITION:COLD_START" },
  { kind: "modeChange", time: nanos(25_002), partition: P2, from: "NORMAL", to: "COLD_START", startCondition: "HM_PARTITION_RESTART" },
  { kind: "hypercall", time: nanos(25_003), partition: P2, service: "GET_TIME", result: 0 },
  { kind: "portReceive", time: nanos(25_004), partition: P2, port: "cmd", length: 0, returnCode: 2 },
  { kind: "portSend", time: nanos(25_005), partition: P2, port: "cmd", length: 3, returnCode: 0 },
  { kind: "portRead", time: nanos(25_006), partition: P2, port: "alt_in", length: 4, returnCode: 0, validity: "VALID" },
  { kind: "hypercall", time: nanos(25_007), partition: P2, service: "resolve", result: "fault" },
  { kind: "scheduleSwitch", time: nanos(100_000), from: 1, to: 2 },
  { kind: "hmEvent", time: nanos(100_001), partition: undefined, systemState: 2, errorId: 6, errorCode: "HARDWARE_FAULT", level: "MODULE", action: "MODULE:RESET" },
  { kind: "ioreq", time: nanos(100_002), phase: "served", partition: P2, window: 2, id: 7, client: P1, addr: 0x3fd, dir: "in", data: 0x60, outcome: "ok" },
];
