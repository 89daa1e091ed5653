import { expect } from "chai";
import { PciHostBridge } from "../../../kernel/devices/pci-host-bridge";
import { PcMachine } from "../../../kernel/machine/pc-machine";
import { ioPort, type Nanos } from "../../../kernel/mem/types";
import { CollectingSink, roundTrip } from "./collaborators";

/** CONFIG_ADDRESS for bus/device/function/register. */
const addr = (bus: number, dev: number, fn: number, reg: number): number => (0x80000000 | (bus << 16) | (dev << 11) | (fn << 8) | reg) >>> 0;

describe("kernel/devices/pci-host-bridge", () => {
  it("answers configuration mechanism #1 on the PC's ports: 00:00.0 is a host bridge, every other slot is empty", () => {
    const resets: string[] = [];
    const pc = new PcMachine({ memoryBytes: 4 << 20, now: () => 0n as Nanos, serialOut: new CollectingSink(), requestExit: () => undefined, requestReset: (c) => resets.push(c) });
    const bus = pc.bus;
    // Linux's pci_check_type1: the address register keeps what a dword write put there.
    bus.write(ioPort(0xcf8), 4, 0x80000000);
    expect(bus.read(ioPort(0xcf8), 4)).to.equal(0x80000000);
    expect(bus.read(ioPort(0xcfc), 4)).to.equal(0x12378086);
    bus.write(ioPort(0xcf8), 4, addr(0, 0, 0, 0x08));
    expect(bus.read(ioPort(0xcfe), 2)).to.equal(0x0600); // class code: bridge, host
    expect(bus.read(ioPort(0xcff), 1)).to.equal(0x06);
    expect(bus.read(ioPort(0xcfb), 1)).to.equal(0xff); // 0xCFA-0xCFB: no register (Linux probes them with byte writes)
    bus.write(ioPort(0xcf8), 4, addr(0, 1, 0, 0));
    expect(bus.read(ioPort(0xcfc), 4)).to.equal(0xffffffff);
    bus.write(ioPort(0xcf8), 4, addr(1, 0, 0, 0));
    expect(bus.read(ioPort(0xcfc), 2)).to.equal(0xffff);
    // A byte write to 0xCF9 is still the PIIX3 reset register, not half of CONFIG_ADDRESS.
    bus.write(ioPort(0xcf9), 1, 0x06);
    expect(resets.length).to.equal(1);
    expect(bus.read(ioPort(0xcf8), 4)).to.equal(addr(1, 0, 0, 0));
  });

  it("keeps only the writable command bits and the latency timer; a disabled address reads all-ones", () => {
    const pci = new PciHostBridge();
    pci.write(0, 4, addr(0, 0, 0, 0x04));
    pci.data.write(0, 2, 0xffff);
    expect(pci.data.read(0, 4)).to.equal((0x0280 << 16) | 0x0007);
    pci.data.write(2, 2, 0xffff); // status bits are not writable here
    expect(pci.data.read(2, 2)).to.equal(0x0280);
    pci.write(0, 4, addr(0, 0, 0, 0x0c));
    pci.data.write(1, 1, 0x40);
    expect(pci.data.read(0, 4)).to.equal(0x4000);
    pci.write(0, 4, 0x0000000c); // enable bit clear: no configuration cycle
    expect(pci.data.read(0, 4)).to.equal(0xffffffff);
    pci.write(0, 1, 0xff); // CONFIG_ADDRESS decodes dword accesses only
    expect(pci.read(0, 4)).to.equal(0x0000000c);
    expect(pci.oddWidthAccesses).to.equal(1);
  });

  it("round-trips its state and refuses a bad one", () => {
    const a = new PciHostBridge();
    a.write(0, 4, addr(0, 0, 0, 0x04));
    a.data.write(0, 1, 0x01);
    expect(roundTrip(a, new PciHostBridge())).to.deep.equal({ address: addr(0, 0, 0, 4), command: 1, latencyTimer: 0 });
    expect(new PciHostBridge().parseState({ address: 3, command: 0, latencyTimer: 0 }).ok).to.equal(false);
    expect(new PciHostBridge().parseState({ address: 0, command: 8, latencyTimer: 0 }).ok).to.equal(false);
  });
});
