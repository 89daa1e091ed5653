import { expect } from "chai";
import { ctl, GDB_TARGET_ELF, LiveRun, needGuest, request, socketPath } from "./live-run";

const RAM = "/partitions/boot/memory/ram";
const CPU = "/partitions/boot/cpu/0";

describe("apexvisor ctl against boot --control", function () {
  before(needGuest);
  let run: LiveRun | undefined;
  afterEach(() => run?.kill());

  it("dirty bitmap: the exact pages the guest wrote, then empty on the second read", async function () {
    const sock = socketPath();
    run = new LiveRun(["boot", "--kernel", GDB_TARGET_ELF, "--append", "dirty", "--control", sock, "--paused"]);
    await run.waitFor(/control socket at/);
    // Through the real client once: exit status 0 and its output.
    const w = ctl(sock, "write", `${RAM}/flags`, "dirty_logging=on");
    expect([w.status, w.out]).to.deep.equal([0, "ok\n"]);
    expect((await request(sock, "write", "/module", "continue")).ok).to.equal(true);
    await run.waitFor(/dirty: written/);
    const pages = (await request(sock, "cat", `${RAM}/dirty_bitmap`)).value as number[];
    // The kernel image, its stack and its data lie below 2 MiB; above it the guest wrote exactly these.
    expect(pages.filter((p) => p >= 0x200)).to.deep.equal([0x300, 0x301, 0x302, 0x310]);
    expect(pages.length).to.be.greaterThan(4); // its stack and printf buffers were written too
    expect(await request(sock, "cat", `${RAM}/dirty_bitmap`)).to.deep.equal({ id: 7, ok: true, value: [] });
    expect((await request(sock, "write", `${RAM}/flags`, "dirty_logging=off")).ok).to.equal(true);
    const off = ctl(sock, "cat", `${RAM}/dirty_bitmap`);
    expect(off.status).to.equal(1);
    expect(off.err).to.match(/dirty logging is off/);
  });

  it("register write while paused, then continue: the guest sees the new value", async function () {
    // At entry EAX holds the Multiboot magic; with EAX=0 the runtime ignores the boot info and with it
    // the command line, so the default program (compute) runs instead of "dirty".
    const sock = socketPath();
    run = new LiveRun(["boot", "--kernel", GDB_TARGET_ELF, "--append", "dirty", "--control", sock, "--paused"]);
    await run.waitFor(/control socket at/);
    const refused = await request(sock, "write", `${CPU}/regs`, "ss=0x08");
    expect(refused.error).to.match(/ss: loading selector 0x8 would raise exception 13/);
    expect(((await request(sock, "cat", `${CPU}/regs`)).value as Record<string, number>)["eax"]).to.equal(0x2badb002);
    expect((await request(sock, "write", `${CPU}/regs`, "eax=0")).ok).to.equal(true);
    expect(((await request(sock, "cat", `${CPU}/regs`)).value as Record<string, number>)["eax"]).to.equal(0);
    expect((await request(sock, "write", "/module", "continue")).ok).to.equal(true);
    expect(await run.exit()).to.equal(1);
    expect(run.out).to.equal("compute(10) = 385\n");
  });

  it("IRQ injection: a vector and a PIC line each reach the FV guest's handler", async function () {
    const sock = socketPath();
    run = new LiveRun(["boot", "--kernel", GDB_TARGET_ELF, "--append", "irq", "--control", sock]);
    await run.waitFor(/irq: waiting/);
    expect((await request(sock, "write", `${CPU}/irq`, "vector=3")).error).to.match(/vectors 0..31 are exceptions/);
    expect((await request(sock, "write", `${CPU}/irq`, "line=16")).error).to.match(/no IRQ line 16/);
    expect(await request(sock, "write", `${CPU}/irq`, "vector=0x40")).to.deep.equal({ id: 7, ok: true, value: "delivered" });
    expect((await request(sock, "write", `${CPU}/irq`, "line=5")).ok).to.equal(true);
    expect(await run.exit()).to.equal(1);
    expect(run.out).to.contain("irq: vector 0x40 handled 1, line 5 handled 1\n");
  });

  it("bad requests get one-line refusals; the run goes on", async function () {
    const sock = socketPath();
    run = new LiveRun(["boot", "--kernel", GDB_TARGET_ELF, "--append", "dirty", "--control", sock, "--paused"]);
    await run.waitFor(/control socket at/);
    for (const [op, path, value, re] of [
      ["cat", "/partitions/nope/mode", undefined, /no partition "nope"/],
      ["cat", "relative", undefined, /must start with \//],
      ["write", `${CPU}/regs`, "eax=zz", /not a number/],
      ["write", `${CPU}/regs`, "bogus=1", /unknown register/],
      ["write", `${RAM}/flags`, "read_only=on", /dirty_logging=on/],
      ["write", `${CPU}/debugger`, "watch write 0x1000 0", /bad watchpoint length/],
      ["write", "/module", "explode", /pause, continue or step-window/],
      ["frobnicate", "/", undefined, /"op" must be/],
    ] as const) {
      const r = await request(sock, op, path, value);
      expect(r.ok, `${op} ${path}`).to.equal(false);
      expect(r.error).to.match(re);
    }
    const bad = ctl(sock, "cat", "/nope");
    expect([bad.status, bad.err]).to.deep.equal([1, "apexvisor ctl: /nope: no such directory: /nope\n"]);
    expect((await request(sock, "cat", "/module")).value).to.include({ paused: true });
    expect((await request(sock, "write", "/module", "continue")).ok).to.equal(true);
    await run.waitFor(/dirty: written/);
  });
});
