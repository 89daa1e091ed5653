// Issue 9's "suspend at any instant" cases that need a particular state at the cut, each found in the
// uncut run's trace and checked in the snapshot before it is resumed in a new process:
// - inside a lazily-resolved first call: after the jump-table stub's `resolve` trap, before the resolved
//   function's own trap (the resolver slot just written lives in guest RAM);
// - a queuing port half full: after some sends, before the receiver drains it; and half drained.
import { expect } from "chai";
import { mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { loadConfig } from "../../../kernel/config/load";
import { NODE_HOST } from "../../../kernel/host/node/node-files";
import { nanos, type Nanos } from "../../../kernel/mem/types";
import { PortRouter } from "../../../kernel/ports/port-router";
import type { SnapshotContent } from "../../../kernel/snapshot/snapshot-file";
import type { TraceEvent } from "../../../kernel/trace/trace-event";
import { REPO_ROOT } from "../machine/boot-test-image";
import { checkCutsInNewProcess, inProcess } from "./continuation-support";

type Call = Extract<TraceEvent, { kind: "hypercall" }>;
const odd = (a: Nanos, b: Nanos): bigint => (a + (b - a) / 2n) | 1n;

describe("kernel/snapshot: cuts at chosen states resume bit for bit in a new process", function () {
  this.timeout(300_000);
  let tmp = "";
  before(() => (tmp = mkdtempSync(join(tmpdir(), "apexvisor-cuts-"))));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it("ports.jumptable.xml: inside a lazily-resolved first call, with a queuing port half full, and half drained", () => {
    const file = join(REPO_ROOT, "partitions", "rtos-tests", "ports.jumptable.xml");
    const total = 40_000_000n;
    const full = inProcess(file, { kind: "duration", value: nanos(total) });
    const calls = full.events.filter((e): e is Call => e.kind === "hypercall");
    // The first resolve trap followed (in the same partition) by another trap some time later.
    const r = calls.findIndex((c, i) => c.service === "resolve" && (calls.slice(i + 1).find((d) => d.partition === c.partition)?.time ?? c.time) - c.time >= 3n);
    const resolve = calls[r]!;
    const next = calls.slice(r + 1).find((d) => d.partition === resolve.partition)!;
    const sends = calls.filter((c) => c.service === "queuing_port_send" && c.result === 0);
    const receives = calls.filter((c) => c.service === "queuing_port_receive" && typeof c.result === "number" && c.result >= 0);
    expect(sends.length, "successful sends").to.be.greaterThan(2);
    expect(receives.length, "successful receives").to.be.greaterThan(1);
    const kResolve = odd(resolve.time, next.time);
    const kSent = odd(sends[1]!.time, sends[2]!.time);
    const kDrained = odd(receives[0]!.time, receives[1]!.time);

    const loaded = loadConfig(file, NODE_HOST.files);
    if (!loaded.ok) throw new Error("ports.jumptable.xml does not load");
    const ports = PortRouter.fromConfig(loaded.config).table.all();
    const partlyFull = (s: SnapshotContent): boolean => {
      const queues = (s.kernel as { ports: { queues: { port: number; messages: string[] }[] } }).ports.queues;
      return queues.some((q) => {
        const cfg = ports[q.port - 1]?.config;
        return cfg?.kind === "queuing" && q.messages.length > 0 && q.messages.length < cfg.maxNbMessages;
      });
    };
    checkCutsInNewProcess(file, tmp, total, full, [kResolve, kSent, kDrained], (k, s) => {
      if (k === kResolve) {
        const last = full.events.filter((e): e is Call => e.kind === "hypercall" && e.partition === resolve.partition && e.time < k).pop();
        expect(last?.service, "the last trap before the cut").to.equal("resolve");
      } else {
        expect(partlyFull(s), `k=${k}: a queue neither empty nor full`).to.equal(true);
      }
    });
  });
});
