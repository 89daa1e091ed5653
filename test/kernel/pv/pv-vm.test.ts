// createPvVm under the real ModuleRunner: the ABI conformance guests (test/paravirt-abi/guests) boot
// on the kernel's own loader, resolver and services. Skips without an i386 toolchain.
import { expect } from "chai";
import { PvError } from "../../../kernel/hypercall/generated/abi-generated";
import { pvMachineOf } from "../../../kernel/pv/pv-vm";
import { readGuestU32 } from "../../../kernel/mem/guest-access";
import { guestVirt, partitionId } from "../../../kernel/mem/types";
import { moduleSchedule, partition, systemConfig } from "../../support/config-fixtures";
import { runPvModule } from "../../support/pv-module";
import { buildGuest, guestToolchain } from "../../paravirt-abi/lib/build";
import { Elf32 } from "../../paravirt-abi/lib/elf32";

const MS = 1_000_000n;

function results(run: ReturnType<typeof runPvModule>, elf: Elf32, n: number): number[] {
  const m = pvMachineOf(run.vms.get(partitionId(1))!)!;
  const at = elf.symbol("pvtest_results");
  return Array.from({ length: n }, (_, i) => {
    const r = readGuestU32(m.cpu, guestVirt(at + 4 * i), { user: true });
    if (!r.ok) throw new Error("unreadable results");
    return r.value;
  });
}

describe("kernel/pv/pv-vm: conformance guests on the kernel", function () {
  before(function () {
    if (guestToolchain() === null) {
      console.log("    (skipped: no i386 guest toolchain on this machine)");
      this.skip();
    }
  });

  it("runs the jump-table guest: lazy binding, libpv console and time, unknown import -> ENOSYS", () => {
    const bytes = buildGuest("test/paravirt-abi/guests/guest.json", "pvext-guest", "O2")!;
    const p = { ...partition(1), guest: { ...partition(1).guest, binding: "jumptable" as const } };
    const config = systemConfig({ partitions: [p], schedules: [moduleSchedule({ majorFrame: MS, windows: [[1, 0, MS]] })] });
    const run = runPvModule(config, new Map([[1, bytes]]), MS);
    expect(run.lines).to.deep.equal(["1: hello"]);
    expect(run.result.hmLog).to.deep.equal([]);
    const r = results(run, new Elf32(Buffer.from(bytes)), 7);
    expect([r[0], r[3], r[4], r[5], r[6]]).to.deep.equal([6, 0, 0, PvError.ENOSYS >>> 0, 1]);
    expect(run.notices.join("\n")).to.contain("pvtest_not_a_service");
  });
});
