// The paravirt dispatcher and handlers as a guest sees them: a ring-3 guest (trap binding) calls
// services with bad pointers, unknown and unpermitted ids and bad values, and records what it got.
import { expect } from "chai";
import { PvError } from "../../../kernel/hypercall/generated/abi-generated";
import { partitionId } from "../../../kernel/mem/types";
import { moduleSchedule, partition, systemConfig } from "../../support/config-fixtures";
import { guestWords, kernelTestGuest, runPvModule } from "../../support/pv-module";
import { guestToolchain } from "../../paravirt-abi/lib/build";

const MS = 1_000_000n;
const u = (e: PvError): number => e >>> 0;

describe("kernel/hypercall/dispatcher: services seen from a guest", function () {
  before(function () {
    if (guestToolchain() === null) {
      console.log("    (skipped: no i386 guest toolchain on this machine)");
      this.skip();
    }
  });

  it("answers EFAULT for bad pointers, ENOSYS for unknown and unpermitted ids, EINVAL/ENOENT/ENOACTION for bad values", () => {
    const g = kernelTestGuest("services")!;
    const config = systemConfig({ partitions: [partition(1)], schedules: [moduleSchedule({ majorFrame: MS, windows: [[1, 0, MS]] })] });
    const run = runPvModule(config, new Map([[1, g.bytes]]), MS);
    const r = guestWords(run.vms.get(partitionId(1)), g.symbol("pvtest_results"), 22);
    expect(r.slice(0, 5), "console bad buf, time_get into text and start-info, id 99, schedule_set_next").to.deep.equal([
      u(PvError.EFAULT),
      u(PvError.EFAULT),
      u(PvError.EFAULT),
      u(PvError.ENOSYS),
      u(PvError.ENOSYS),
    ]);
    expect(r.slice(5, 9), "status OK, COLD_START, id 1; console_write count").to.deep.equal([0, 1, 1, 3]);
    expect(r.slice(9, 15)).to.deep.equal([u(PvError.EINVAL), u(PvError.ENOENT), 0, u(PvError.ENOACTION), u(PvError.EINVAL), 0x10000]);
    expect(r[15]).to.equal(0);
    expect(r[16], "time_get returns virtual time").to.be.above(0);
    expect(r[17], "console_write takes at most CONSOLE_MAX_WRITE").to.equal(4096);
    expect(r[18], "virq_register outside executable memory").to.equal(u(PvError.EFAULT));
    expect([r[19], r[21]]).to.deep.equal([1, 1]);
    expect(run.result.hmLog, "bad calls are answered, not HM events").to.deep.equal([]);
    expect(run.notices.filter((n) => n.includes("ENOSYS")), "each refused id logged once").to.have.length(2);
    expect(run.lines[0]).to.equal("1: ok");
  });

  for (const [cmd, code] of [
    ["read-null", "MEMORY_VIOLATION"],
    ["write-libpv", "MEMORY_VIOLATION"],
    ["write-start-info", "MEMORY_VIOLATION"],
    ["write-text", "MEMORY_VIOLATION"],
    ["read-beyond-ram", "MEMORY_VIOLATION"],
    ["privileged", "ILLEGAL_REQUEST"],
    ["raise", "APPLICATION_ERROR"],
  ] as const) {
    it(`reports ${cmd} to the health monitor (${code})`, () => {
      const g = kernelTestGuest("services")!;
      const p = { ...partition(1), guest: { ...partition(1).guest, commandLine: cmd } };
      const config = systemConfig({ partitions: [p], schedules: [moduleSchedule({ majorFrame: MS, windows: [[1, 0, MS]] })] });
      const run = runPvModule(config, new Map([[1, g.bytes]]), MS);
      expect(run.result.hmLog.map((e) => e.errorCode)[0]).to.equal(code);
      expect(guestWords(run.vms.get(partitionId(1)), g.symbol("pvtest_results") + 4 * 21, 1)[0], "the access never completed").to.equal(0);
    });
  }
});
