// The call-path guest on the kernel's PV machine: the modeled cycles of a trap include exactly the
// service cost the kernel charges, a lazy first call resolves once and an eager one never, a warm
// partition restarts its guest each window, and a warm run is timed only once the vCPU has stopped
// compiling. Skips without an i386 toolchain.
import { expect } from "chai";
import { CallOp, runCallGuest, runWarmCalls, timeWarmFirstCalls, type CallImage } from "../../../kernel/bench/pv-run";
import { serviceCost } from "../../../kernel/hypercall/service-costs";
import { buildGuest, guestToolchain } from "../../paravirt-abi/lib/build";
import { libpvBytes } from "../../support/pv-module";

function image(name: string, jumpTable: boolean): CallImage {
  const bytes = buildGuest("partitions/bench/guest.json", name, "O2");
  const libpv = libpvBytes();
  if (bytes === null || libpv === null) throw new Error("no toolchain");
  return { bytes, path: `${name}.elf`, jumpTable, libpv };
}

describe("kernel/bench/pv-run", function () {
  this.timeout(60_000);
  before(function () {
    if (guestToolchain() === null) {
      console.log("    (skipped: no i386 guest toolchain on this machine)");
      this.skip();
    }
  });

  it("charges each trapped time_get the kernel's service cost on top of the guest cycles", () => {
    const trap = image("callpaths-trap", false);
    const one = runCallGuest(trap, CallOp.TimeGet, 1, false);
    const five = runCallGuest(trap, CallOp.TimeGet, 5, false);
    expect(five.serviceCycles - one.serviceCycles).to.equal(4 * serviceCost("timeGet", 8));
    expect(five.cycles - five.serviceCycles).to.be.at.least(five.instructions);
    expect(one.resolves).to.equal(0);
  });

  it("resolves a lazy slot once and an eager one never", () => {
    const jmptab = image("callpaths-jmptab", true);
    const lazy = runCallGuest(jmptab, CallOp.TimeGet, 3, false);
    const eager = runCallGuest(jmptab, CallOp.TimeGet, 3, true);
    expect([lazy.resolves, eager.resolves]).to.deep.equal([1, 0]);
    expect(lazy.serviceCycles - eager.serviceCycles).to.equal(serviceCost("resolve", 0));
  });

  it("times a warm window after one in which the vCPU made no new block", () => {
    // The jump-table call's blocks are decided over the first windows (each window restarts the guest at a
    // different phase of the kernel's time-refresh slices, so new block starts appear for a while).
    const jmptab = image("callpaths-jmptab", true);
    const fresh = runCallGuest(jmptab, CallOp.TimeGet, 100_000, false);
    const warm = runWarmCalls(jmptab, CallOp.TimeGet, 100_000);
    expect(fresh.newBlocks).to.be.greaterThan(0);
    expect(warm.newBlocks).to.equal(0);
    expect(warm.instructions).to.equal(fresh.instructions); // the same calls, restarted at the entry
    expect(warm.resolves).to.equal(1); // the lazy slot is unbound again at each restart
  });

  it("restarts the guest in every later window of a warm partition", () => {
    expect(timeWarmFirstCalls(image("callpaths-jmptab", true), CallOp.Sampling, false, 3)).to.have.length(3);
  });
});
