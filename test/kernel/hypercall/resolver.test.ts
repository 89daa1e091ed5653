// The resolver service on a real vCPU (binding one slot, registers intact, unknown names to pv_enosys,
// bad sym/slot pairs to the HM) and eager binding at load (every missing name in one error, slots
// write-protected). Skips without an i386 toolchain.
import { expect } from "chai";
import { ServiceId } from "../../../kernel/hypercall/generated/abi-generated";
import { readElfTables } from "../../../kernel/loader/elf32-sections";
import { parseLibpv } from "../../../kernel/loader/libpv-image";
import { parsePvImage, type PvImage } from "../../../kernel/pv/pv-image";
import { readGuestU32, writeGuestU32 } from "../../../kernel/mem/guest-access";
import { guestVirt, nanos, type PartitionId } from "../../../kernel/mem/types";
import { PartitionLoadError } from "../../../kernel/module/load-error";
import type { KernelApi, PartitionVm } from "../../../kernel/module/partition-vm";
import { createPvVm, pvMachineOf } from "../../../kernel/pv/pv-vm";
import type { PartitionConfig } from "../../../kernel/config/model";
import { channel, moduleSchedule, partition, queuingPort, samplingPort, systemConfig } from "../../support/config-fixtures";
import { kernelTestGuest, libpvBytes, runPvModule } from "../../support/pv-module";
import { buildGuest, guestToolchain } from "../../paravirt-abi/lib/build";

const notices: string[] = [];
/** Only what the resolver reaches; any other member would be a test bug. */
const KERNEL = { partition: 1 as PartitionId, now: nanos(0), notice: (t: string) => notices.push(t), traceHypercall: () => undefined } as unknown as KernelApi;

function vmFor(image: Uint8Array, binding: PartitionConfig["guest"]["binding"]): PartitionVm {
  const p = { ...partition(1), guest: { ...partition(1).guest, binding } };
  const config = systemConfig({ partitions: [p], schedules: [moduleSchedule({ majorFrame: 1000n, windows: [[1, 0, 1000]] })] });
  return createPvVm({ partition: p, config, console: () => undefined, clockHz: 100_000_000, libpvImage: libpvBytes()!, image, imagePath: "g.elf" });
}

function word(vm: PartitionVm, at: number): number {
  const r = readGuestU32(pvMachineOf(vm)!.cpu, guestVirt(at), { user: false });
  if (!r.ok) throw new Error("unreadable");
  return r.value;
}

describe("kernel/hypercall/resolver", function () {
  let guest: Uint8Array;
  let image: PvImage;
  let exports: Map<string, number>;
  before(function () {
    if (guestToolchain() === null) {
      console.log("    (skipped: no i386 guest toolchain on this machine)");
      this.skip();
    }
    guest = buildGuest("test/paravirt-abi/guests/guest.json", "pvext-guest", "O2")!;
    const r = parsePvImage(guest, 4 * 1024 * 1024);
    const l = parseLibpv(libpvBytes()!);
    if (!r.ok || !l.ok) throw new Error("fixtures");
    image = r.image;
    exports = new Map(l.image.exports.map((e) => [e.name, e.address]));
  });

  /** Sets up the stack of a resolver trap for import `name` (or a forged pair) and serves it. */
  function trap(vm: PartitionVm, sym: number, slot: number): ReturnType<NonNullable<PartitionVm["serviceHypercall"]>> {
    const cpu = pvMachineOf(vm)!.cpu;
    const esp = cpu.esp - 64;
    for (const [i, v] of [0x1234_5678, sym, slot, 0x0040_0000].entries()) writeGuestU32(cpu, guestVirt(esp + 4 * i), v, { user: false });
    cpu.esp = esp;
    cpu.eax = ServiceId.Resolve;
    [cpu.ebx, cpu.ecx, cpu.edx, cpu.esi, cpu.edi, cpu.ebp] = [1, 2, 3, 4, 5, 6];
    return vm.serviceHypercall!(0x82, KERNEL);
  }

  it("binds a slot, pops the three words and continues at the target with every other register intact", () => {
    const vm = vmFor(guest, "jumptable");
    const k = image.imports.findIndex((i) => i.name === "pv_null");
    const imp = image.imports[k]!;
    const cpu = pvMachineOf(vm)!.cpu;
    const esp = cpu.esp - 64;
    expect(trap(vm, imp.sym, imp.slot).kind).to.equal("resume");
    expect(word(vm, imp.slot)).to.equal(exports.get("pv_null"));
    expect([cpu.eip, cpu.esp, cpu.eax]).to.deep.equal([exports.get("pv_null"), esp + 12, 0x1234_5678]);
    expect([cpu.ebx, cpu.ecx, cpu.edx, cpu.esi, cpu.edi, cpu.ebp]).to.deep.equal([1, 2, 3, 4, 5, 6]);
  });

  it("binds an unknown name to pv_enosys (never 0) and logs it once", () => {
    const vm = vmFor(guest, "jumptable");
    const imp = image.imports.find((i) => i.name === "pvtest_not_a_service")!;
    notices.length = 0;
    trap(vm, imp.sym, imp.slot);
    trap(vm, imp.sym, imp.slot);
    expect(word(vm, imp.slot)).to.equal(exports.get("pv_enosys")).and.not.equal(0);
    expect(notices.filter((n) => n.includes("pvtest_not_a_service"))).to.have.length(1);
  });

  it("raises ILLEGAL_REQUEST for a forged pair and leaves the slot alone", () => {
    const vm = vmFor(guest, "jumptable");
    const [a, b] = [image.imports[0]!, image.imports[1]!];
    const before = word(vm, b.slot);
    for (const [sym, slot] of [[a.sym, b.slot], [a.sym + 2, a.slot], [image.pvext.str.start, a.slot], [a.sym, 0x1000]] as const) {
      const r = trap(vm, sym, slot);
      expect(r.kind).to.equal("error");
      if (r.kind === "error") expect(r.fault).to.equal("illegalRequest");
    }
    expect(word(vm, b.slot)).to.equal(before);
  });

  it("eager binding lists every name libpv lacks in one load error", () => {
    const t = readElfTables(guest);
    const str = t.ok ? t.tables.sections.find((x) => x.name === ".pvext.str")!.offset : -1;
    const text = Buffer.from(guest.subarray(str, str + (image.pvext.str.end - image.pvext.str.start)));
    const at = str + text.indexOf("pv_idle\0");
    const bytes = Uint8Array.from(guest);
    bytes[at + 6] = "z".charCodeAt(0);
    expect(() => vmFor(bytes, "jumptable-eager")).to.throw(PartitionLoadError, /libpv exports none of .*pv_idlz.*pvtest_not_a_service|pvtest_not_a_service.*pv_idlz/);
  });

  it("eager binding writes every slot before start, write-protects them, and the guest runs without resolving", () => {
    const sender = { ...partition(1, [samplingPort("S_OUT", "SOURCE", 16, 100_000_000n), queuingPort("Q_OUT", "SOURCE", 4, 16)]) };
    const receiver = { ...partition(2, [samplingPort("S_IN", "DESTINATION", 16, 100_000_000n), queuingPort("Q_IN", "DESTINATION", 4, 16)]) };
    const config = systemConfig({
      partitions: [
        { ...sender, guest: { ...sender.guest, commandLine: "send" } },
        { ...receiver, guest: { ...receiver.guest, commandLine: "receive", binding: "jumptable-eager" as const } },
      ],
      schedules: [moduleSchedule({ majorFrame: 2_000_000n, windows: [[1, 0, 1_000_000], [2, 1_000_000, 1_000_000]] })],
      channels: [channel(1, "1:S_OUT", "2:S_IN"), channel(2, "1:Q_OUT", "2:Q_IN")],
    });
    const g = kernelTestGuest("ports-jmptab")!;
    const run = runPvModule(config, new Map([[1, kernelTestGuest("ports-trap")!.bytes], [2, g.bytes]]), 4_000_000n);
    expect(run.lines).to.deep.equal(["1: sender: sent", "2: receiver: sample sample-1", "2: receiver: queued queued-1"]);
    expect(run.result.hmLog, "no resolver trap: it would fault on the read-only slots").to.deep.equal([]);
    expect(run.notices.some((n) => n.includes("pv_schedule_set_next is not permitted")), "forbidden import bound to pv_enosys").to.equal(true);
    const m = pvMachineOf(run.vms.get(2 as PartitionId)!)!;
    const img = parsePvImage(g.bytes, 4 * 1024 * 1024);
    if (!img.ok) throw new Error("image");
    const slot = img.image.imports.find((i) => i.name === "pv_console_write")!.slot;
    expect(readGuestU32(m.cpu, guestVirt(slot), { user: true }).ok ? readGuestU32(m.cpu, guestVirt(slot), { user: true }) : null).to.deep.equal({ ok: true, value: exports.get("pv_console_write") });
    expect(writeGuestU32(m.cpu, guestVirt(slot), 0, { user: true }).ok, "slots are read-only after eager binding").to.equal(false);
  });
});
