// PV partitions under the ModuleRunner: ticks recorded while masked and descheduled are delivered once,
// in the guest's next window; two partitions exchange a sampling and a queuing message (trap and
// jump-table bindings) and print on their consoles. Skips without an i386 toolchain.
import { expect } from "chai";
import { Virq } from "../../../kernel/hypercall/generated/abi-generated";
import { partitionId } from "../../../kernel/mem/types";
import { channel, moduleSchedule, partition, queuingPort, samplingPort, systemConfig } from "../../support/config-fixtures";
import { guestWords, kernelTestGuest, runPvModule } from "../../support/pv-module";
import { guestToolchain } from "../../paravirt-abi/lib/build";

const MS = 1_000_000n;

describe("kernel/pv/pv-vm: timers and ports under the module runner", function () {
  before(function () {
    if (guestToolchain() === null) {
      console.log("    (skipped: no i386 guest toolchain on this machine)");
      this.skip();
    }
  });

  it("records ticks while the partition is masked and descheduled, and delivers them in one upcall", () => {
    const g = kernelTestGuest("timers")!;
    // P1 runs [0, 1 ms) of a 2 ms frame; its 100 us tick keeps falling while P2's window runs.
    const config = systemConfig({
      partitions: [partition(1), partition(2)],
      schedules: [moduleSchedule({ majorFrame: 2n * MS, windows: [[1, 0, MS], [2, MS, MS]] })],
    });
    const run = runPvModule(config, new Map([[1, g.bytes], [2, kernelTestGuest("services")!.bytes]]), 3n * MS);
    const [pending, missed, runs, runsAfterUnmask, oneshots, done] = guestWords(run.vms.get(partitionId(1)), g.symbol("pvtest_results"), 6);
    expect(runsAfterUnmask, "upcalls delivered as soon as the guest unmasks").to.be.at.least(1);
    expect(pending! & (1 << Virq.TICK), "TICK pending").to.not.equal(0);
    expect(pending! & (1 << Virq.WINDOW_START), "WINDOW_START pending").to.not.equal(0);
    // The tick was armed at t0 (a little after 0), so ticks t0 + k * 100 us fell for k = 1..19 before
    // the window at 2 ms: all of them arrive in the first upcall, none dropped.
    expect(missed, "every tick since arming counted").to.equal(19);
    expect(oneshots, "one-shot delivered once").to.equal(1);
    expect(runs, "the 20th tick and the one-shot came later, each upcall once").to.equal(3);
    expect(done).to.equal(1);
  });

  for (const [sender, receiver] of [["ports-trap", "ports-jmptab"], ["ports-jmptab", "ports-trap"]] as const) {
    it(`passes a sampling and a queuing message between two partitions (${sender} -> ${receiver})`, () => {
      const p1 = { ...partition(1, [samplingPort("S_OUT", "SOURCE", 16, 100_000_000n), queuingPort("Q_OUT", "SOURCE", 4, 16)]) };
      const p2 = { ...partition(2, [samplingPort("S_IN", "DESTINATION", 16, 100_000_000n), queuingPort("Q_IN", "DESTINATION", 4, 16)]) };
      const withCmd = (p: typeof p1, cmd: string, binding: "trap" | "jumptable"): typeof p1 => ({ ...p, guest: { ...p.guest, commandLine: cmd, binding } });
      const config = systemConfig({
        partitions: [withCmd(p1, "send", sender === "ports-trap" ? "trap" : "jumptable"), withCmd(p2, "receive", receiver === "ports-trap" ? "trap" : "jumptable")],
        schedules: [moduleSchedule({ majorFrame: 2n * MS, windows: [[2, 0, MS], [1, MS, MS]] })],
        channels: [channel(1, "1:S_OUT", "2:S_IN"), channel(2, "1:Q_OUT", "2:Q_IN")],
      });
      const run = runPvModule(config, new Map([[1, kernelTestGuest(sender)!.bytes], [2, kernelTestGuest(receiver)!.bytes]]), 4n * MS);
      expect(run.lines).to.deep.equal(["1: sender: sent", "2: receiver: sample sample-1", "2: receiver: queued queued-1"]);
      expect(run.result.hmLog).to.deep.equal([]);
      expect(run.result.partitions.map((p) => p.mode)).to.deep.equal(["NORMAL", "NORMAL"]);
      // The trace shows the traffic with sizes, return codes and validity...
      const traffic = run.events.flatMap((e) => ("port" in e ? [`${e.kind} P${e.partition} ${e.port} ${e.length} rc=${e.returnCode}${e.validity === undefined ? "" : ` ${e.validity}`}`] : []));
      expect(traffic.filter((t) => !t.endsWith("rc=2") && !t.endsWith("rc=1"))).to.deep.equal([
        "portWrite P1 S_OUT 8 rc=0",
        "portSend P1 Q_OUT 8 rc=0",
        "portRead P2 S_IN 8 rc=0 VALID",
        "portReceive P2 Q_IN 8 rc=0",
      ]);
      // ...and every trap with its service and result.
      const calls = run.events.flatMap((e) => (e.kind === "hypercall" ? [`P${e.partition} ${e.service} ${e.result}`] : []));
      expect(calls).to.include.members(["P1 sampling_port_write 0", "P1 queuing_port_send 0", "P2 sampling_port_read 8", "P2 queuing_port_receive 8"]);
    });
  }
});
