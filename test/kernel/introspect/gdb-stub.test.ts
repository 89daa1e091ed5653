import { expect } from "chai";
import { createConnection } from "net";
import { Cpu } from "../../../kernel/cpu/cpu";
import { NO_PORTS } from "../../../kernel/cpu/io";
import { CpuDebugger } from "../../../kernel/introspect/debugger";
import { GdbServer } from "../../../kernel/host/node/gdb-server";
import { GdbStub, stopPacket } from "../../../kernel/introspect/gdb/gdb-stub";
import { frame, RspDecoder } from "../../../kernel/introspect/gdb/rsp-framing";
import { Waker } from "../../../kernel/introspect/waker";
import { PhysicalMemory } from "../../../kernel/mem/physical-memory";
import { guestPhys } from "../../../kernel/mem/types";

const CODE = 0x1000;

/** inc eax ; inc eax ; mov [0x2000], eax ; jmp $ — flat, paging off, exceptions to the kernel. */
function target(): { stub: GdbStub; cpu: Cpu; dbg: CpuDebugger; killed: () => boolean } {
  const mem = new PhysicalMemory(0x10000);
  mem.writeBytes(guestPhys(CODE), Uint8Array.of(0x40, 0x40, 0xa3, 0x00, 0x20, 0x00, 0x00, 0xeb, 0xfe));
  const cpu = new Cpu({ memory: mem, io: NO_PORTS, exceptionsExit: true });
  cpu.eip = CODE;
  const dbg = new CpuDebugger(cpu);
  dbg.halt({ kind: "start" });
  let killed = false;
  const stub = new GdbStub({ cpu, dbg, monitor: (c) => (c === "partitions" ? "boot: RUNNING" : null), kill: () => (killed = true) });
  return { stub, cpu, dbg, killed: () => killed };
}

describe("kernel/introspect/gdb: protocol", () => {
  it("frames and decodes packets, checksums, interrupts and escapes", () => {
    const d = new RspDecoder();
    expect(d.push(new TextEncoder().encode(`+${frame("g")}\x03${frame("m1000,4")}`))).to.deep.equal([
      { kind: "ack" },
      { kind: "packet", data: "g" },
      { kind: "interrupt" },
      { kind: "packet", data: "m1000,4" },
    ]);
    expect(d.push(new TextEncoder().encode("$g#00$g#zz"))).to.deep.equal([{ kind: "bad" }, { kind: "bad" }]);
    expect(frame("a#b")).to.equal("$a}\x03b#" + ((0x61 + 0x7d + 0x03 + 0x62) & 0xff).toString(16));
    const long = d.push(new TextEncoder().encode("$" + "x".repeat(0x5000) + "#00"));
    expect(long).to.deep.equal([{ kind: "bad" }]);
  });

  it("answers every malformed or unknown request with E xx or an empty reply, and keeps state", () => {
    const { stub, cpu } = target();
    const before = JSON.stringify(cpu.saveState());
    const cases: [string, RegExp][] = [
      ["m", /^E/], ["mzz,4", /^E/], ["m1000", /^E/], ["m1000,ffffffff", /^E/], ["mffffffff,10", /^E/], ["m20000,4", /^E/],
      ["M1000,2:zz", /^E/], ["M1000,4:00", /^E/], ["M1000,1", /^E/], ["X1000,4:ab", /^E/],
      ["p", /^E/], ["p99", /^E/], ["Pzz=1", /^E/], ["P0=12", /^E/], ["P10=00000000000000000000", /^E/],
      ["G12", /^E/], ["Z9,1000,1", /^$/], ["Z0,zz,1", /^E/], ["Z2,1000,0", /^E/], ["z2,1000", /^E/],
      ["qXfer:features:read:other.xml:0,100", /^E/], ["qXfer:features:read:target.xml:zz", /^E/],
      ["qRcmd,zz", /^E/], ["qRcmd," + Buffer.from("frobnicate").toString("hex"), /^$/],
      ["vCont;x", /^E/], ["vFlashErase:0,0", /^$/], ["!", /^$/], ["", /^$/], ["\u00ff\u0000", /^$/],
      ["Tzz", /^E/], ["Pa=ffffffff", /^E/], // EFLAGS.VM cannot be set
    ];
    for (const [p, re] of cases) expect(stub.handle(p).reply, JSON.stringify(p)).to.match(re);
    expect(JSON.stringify(cpu.saveState())).to.equal(before);
  });

  it("reads and writes registers and memory, reports stops with the right signal", () => {
    const { stub, cpu, dbg, killed } = target();
    expect(stub.handle("?").reply).to.equal("T05thread:1;");
    expect(stub.handle("qSupported:multiprocess+").reply).to.match(/PacketSize=4000;qXfer:features:read\+/);
    const xml = stub.handle("qXfer:features:read:target.xml:0,3fff").reply!;
    expect(xml).to.match(/^l<\?xml/);
    expect(xml).to.contain('<feature name="org.gnu.gdb.i386.core">');
    const g = stub.handle("g").reply!;
    expect(g.length).to.equal(16 * 8 + 8 * 20 + 8 * 8);
    expect(g.slice(8 * 8, 9 * 8)).to.equal("00100000"); // eip 0x1000 little-endian
    expect(stub.handle("P0=78563412").reply).to.equal("OK");
    expect(cpu.eax).to.equal(0x12345678);
    expect(stub.handle("p0").reply).to.equal("78563412");
    expect(stub.handle("m1000,3").reply).to.equal("4040a3");
    expect(stub.handle("M3000,2:beef").reply).to.equal("OK");
    expect(stub.handle("X3002,2:}\x5d\x01").reply).to.equal("OK"); // escaped 0x7d then 0x01
    expect(cpu.mem.read32(guestPhys(0x3000))).to.equal(0x017defbe);
    expect(stub.handle("qRcmd," + Buffer.from("partitions").toString("hex")).reply).to.equal(Buffer.from("boot: RUNNING\n").toString("hex"));
    // A breakpoint leaves memory as it was; stepping, watchpoints and Ctrl-C stop with their signals.
    expect(stub.handle("Z0,1002,1").reply).to.equal("OK");
    expect(stub.handle("m1002,1").reply).to.equal("a3");
    expect(stub.handle("c").reply).to.equal(null);
    dbg.run(100);
    expect(stub.pollStop()).to.equal("T05thread:1;");
    expect(cpu.eip).to.equal(0x1002);
    expect(stub.handle("z0,1002,1").reply).to.equal("OK");
    expect(stub.handle("Z2,2000,4").reply).to.equal("OK");
    stub.handle("c");
    dbg.run(100);
    expect(stub.pollStop()).to.equal("T05watch:2000;thread:1;");
    expect(cpu.eip).to.equal(0x1007); // after the store, as a data breakpoint trap
    expect(stub.handle("z2,2000,4").reply).to.equal("OK");
    stub.handle("s");
    dbg.run(100);
    expect(stub.pollStop()).to.equal("T05thread:1;");
    stub.handle("vCont;c:1");
    dbg.run(50);
    expect(stub.pollStop()).to.equal(null);
    stub.interrupt();
    dbg.run(50);
    expect(stub.pollStop()).to.equal("T02thread:1;");
    expect(stopPacket({ kind: "fault", vector: 14 })).to.equal("T0bthread:1;");
    expect(stub.handle("k")).to.deep.equal({ reply: null, close: true });
    expect(killed()).to.equal(true);
  });

  it("a client that disconnects mid-packet only detaches: breakpoints go, the vCPU runs", async () => {
    const { cpu, dbg } = target();
    const server = await GdbServer.listen(0, { cpu, dbg, monitor: () => null, kill: () => undefined }, new Waker());
    try {
      dbg.addBreakpoint(0x1002);
      const s = createConnection(server.port, "127.0.0.1");
      await new Promise((r) => s.on("connect", r));
      s.write("$m1000,");
      await new Promise((r) => setTimeout(r, 100));
      s.destroy();
      await new Promise((r) => setTimeout(r, 100));
      expect(server.connected).to.equal(false);
      expect(dbg.stop).to.equal(null);
      expect(dbg.breakpoints()).to.deep.equal([]);
      expect(dbg.run(100).kind).to.equal("budget");
    } finally {
      server.close();
    }
  });
});
