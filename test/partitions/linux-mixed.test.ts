// partitions/linux-mixed without Linux (pc-relay.xml): the relay built as a Multiboot kernel drives the FV
// partition's sampling_ports device between the two RTOS partitions, so the module's whole path (device, port
// creation for an FV partition, both channels, both RTOS images) runs in `npm test`. The Linux run of the same
// module is test/linux/linux-mixed.spec.ts (`npm run test:linux`).
import { expect } from "chai";
import { join } from "path";
import { REPO_ROOT } from "../../kernel/host/node/node-files";
import { runTestModule } from "../support/module-run";

const XML = join(REPO_ROOT, "partitions", "linux-mixed", "pc-relay.xml");

describe("partitions/linux-mixed/pc-relay.xml: RTOS -> FV relay -> RTOS over the sampling_ports device", function () {
  this.timeout(120_000);

  it("carries thermo's samples through the relay, converted, to panel; the same run twice gives the same output and trace", () => {
    const a = runTestModule(XML, 800_000_000n);
    const relay = a.lines.filter((l) => l.startsWith("[relay]"));
    expect(relay).to.deep.equal([
      "[relay] relay: 2 sampling ports; CELSIUS_IN is #0, FAHRENHEIT_OUT is #1",
      '[relay] relay: "seq=1 celsius=-6.3" -> "seq=1 fahrenheit=20.7" rc=0',
      '[relay] relay: "seq=2 celsius=-2.6" -> "seq=2 fahrenheit=27.4" rc=0',
      '[relay] relay: "seq=3 celsius=1.1" -> "seq=3 fahrenheit=33.9" rc=0',
      "[relay] relay: done, 3 samples relayed",
    ]);
    const panel = a.lines.filter((l) => l.startsWith("[panel]")).map((l) => l.replace(/^\[panel\] \[ *[0-9.]+ ms\] /, ""));
    expect(panel).to.deep.equal([
      "[panel] panel: partition panel up, waiting for the relay on FAHRENHEIT_IN",
      'panel: received "seq=1 fahrenheit=20.7" VALID',
      'panel: received "seq=2 fahrenheit=27.4" VALID',
      'panel: received "seq=3 fahrenheit=33.9" VALID',
      'panel: "seq=3 fahrenheit=33.9" is now INVALID (no new message for 500 ms)',
    ]);
    expect(a.lines).to.include("-- partition relay stopped itself (debug-exit status 1); it is now IDLE");
    expect(a.hm).to.equal(0);
    // Both directions in the trace, under the FV partition's own port names (id 3).
    const relayPorts = a.events.flatMap((e) => ((e.kind === "portRead" || e.kind === "portWrite") && e.partition === 3 && e.returnCode === 0 && e.length > 0 ? [`${e.kind} ${e.port}`] : []));
    expect(relayPorts.filter((x) => x === "portWrite FAHRENHEIT_OUT")).to.have.length(3);
    expect(relayPorts.filter((x) => x === "portRead CELSIUS_IN").length).to.be.greaterThan(3);
    const b = runTestModule(XML, 800_000_000n);
    expect(b.lines).to.deep.equal(a.lines);
    expect(JSON.stringify(b.events, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))).to.equal(JSON.stringify(a.events, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)));
  });
});
