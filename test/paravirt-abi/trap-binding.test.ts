// The trap and linked-library bindings end to end on apexvisor's own CPU: a test-only stand-in for the
// kernel decodes each hypercall with the generated SERVICES descriptors, so the C wrappers (generated
// from the same definition) and the TS descriptors must agree on ids, registers and u64 word order.
// The linked binding must also serve time locally and buffer console output. Skips without a toolchain.
import { expect } from "chai";
import { PV_ABI_MAJOR, PV_ABI_MINOR, PvError, SERVICES, ServiceId, type ServiceDescriptor } from "../../kernel/hypercall/generated/abi-generated";
import { buildGuest, guestToolchain } from "./lib/build";
import { Elf32 } from "./lib/elf32";
import { PvMachine } from "./lib/pv-machine";

const POISON = 0xdeadbeef;
const TIME_NS = 0x2_0000_0010n;
const PORT_ID = 7;
const MAX_STEPS = 2_000_000;

interface Trace {
  readonly services: ServiceId[];
  console: string;
  periodNs: bigint;
  portName: string;
}

function decode(m: PvMachine, d: ServiceDescriptor): (number | bigint)[] {
  const w = [m.cpu.ebx, m.cpu.ecx, m.cpu.edx, m.cpu.esi, m.cpu.edi];
  const word = (i: number): number => {
    const v = w[i];
    if (v === undefined) throw new Error(`${d.name}: no argument word ${i}`);
    return v;
  };
  return d.args.map((a) => (a.kind === "u64" ? BigInt(word(a.word)) | (BigInt(word(a.word + 1)) << 32n) : word(a.word)));
}

/** Serves the few services the trap guest uses; returns false on window_yield (the guest's last call). */
function serve(m: PvMachine, t: Trace): boolean {
  const d = SERVICES.find((s) => s.id === m.cpu.eax);
  if (d === undefined) throw new Error(`unknown service ${m.cpu.eax}`);
  t.services.push(d.id);
  const args = decode(m, d);
  const n = (i: number): number => Number(args[i]);
  let result: number = PvError.OK;
  switch (d.id) {
    case ServiceId.ConsoleWrite:
      t.console += m.text(n(0), n(1));
      result = n(1);
      break;
    case ServiceId.TimeGet:
      m.w32(n(0), Number(TIME_NS & 0xffff_ffffn));
      m.w32(n(0) + 4, Number(TIME_NS >> 32n));
      break;
    case ServiceId.TimerSetPeriodic:
      t.periodNs = BigInt(args[0] ?? 0n);
      break;
    case ServiceId.QueuingPortGetId:
      t.portName = m.text(n(0), n(1));
      m.w32(n(2), PORT_ID);
      break;
    case ServiceId.AbiVersion:
      result = (PV_ABI_MAJOR << 16) | PV_ABI_MINOR;
      break;
    case ServiceId.WindowYield:
      return false;
    default:
      result = PvError.ENOSYS;
  }
  m.cpu.eax = result >>> 0;
  [m.cpu.ebx, m.cpu.ecx, m.cpu.edx, m.cpu.esi, m.cpu.edi] = [POISON, POISON, POISON, POISON, POISON];
  return true;
}

function runGuest(elf: Elf32): { trace: Trace; results: number[] } {
  const m = new PvMachine(elf, null, TIME_NS);
  const trace: Trace = { services: [], console: "", periodNs: 0n, portName: "" };
  for (let slices = 0; ; slices++) {
    expect(slices, "guest finished").to.be.below(MAX_STEPS);
    const exit = m.cpu.run(10_000);
    if (exit.kind === "budget") continue;
    expect(exit.kind, JSON.stringify(exit)).to.equal("hypercall");
    if (!serve(m, trace)) break;
  }
  const results = Array.from({ length: 9 }, (_, i) => m.r32(elf.symbol("pvtest_results") + 4 * i));
  return { trace, results };
}

describe("paravirt-abi: trap and linked bindings end to end on the apexvisor CPU", function () {
  before(function () {
    if (guestToolchain() === null) {
      console.log("    (skipped: no i386 guest toolchain on this machine)");
      this.skip();
    }
  });

  const expectedResults = [6, Number(TIME_NS & 0xffff_ffffn), Number(TIME_NS >> 32n), 0, 0, PORT_ID, (PV_ABI_MAJOR << 16) | PV_ABI_MINOR, 1, 1];

  for (const opt of ["O0", "O2"] as const) {
    it(`trap binding (-${opt}): every call traps with the descriptor's registers`, () => {
      const bytes = buildGuest("test/paravirt-abi/guests/guest.json", "trap-guest", opt);
      if (bytes === null) throw new Error("toolchain vanished");
      const { trace, results } = runGuest(new Elf32(bytes));
      expect(trace.services).to.deep.equal([ServiceId.ConsoleWrite, ServiceId.TimeGet, ServiceId.TimerSetPeriodic, ServiceId.QueuingPortGetId, ServiceId.AbiVersion, ServiceId.WindowYield]);
      expect(trace.console).to.equal("hello\n");
      expect(trace.periodNs).to.equal(TIME_NS + 1_000_000n);
      expect(trace.portName).to.equal("Q1");
      expect(results).to.deep.equal(expectedResults);
    });
  }

  it("linked binding: libpv inside the image reads time from the shared page and buffers the console", () => {
    const bytes = buildGuest("test/paravirt-abi/guests/guest.json", "linked-guest", "O2");
    if (bytes === null) throw new Error("toolchain vanished");
    const { trace, results } = runGuest(new Elf32(bytes));
    expect(trace.services).to.deep.equal([ServiceId.ConsoleWrite, ServiceId.TimerSetPeriodic, ServiceId.QueuingPortGetId, ServiceId.AbiVersion, ServiceId.WindowYield]);
    expect(trace.console).to.equal("hello\n");
    expect(results).to.deep.equal(expectedResults);
  });
});
