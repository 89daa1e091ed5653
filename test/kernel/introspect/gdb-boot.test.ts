// Drives real gdb against `apexvisor boot --gdb` on the gcc -O0 -g test kernel, and the same script
// against `qemu-system-i386 -gdb -S` when QEMU is installed: the registers at every stop must agree.
import { expect } from "chai";
import { spawn, spawnSync } from "child_process";
import { readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { GDB_TARGET_ELF, LiveRun, needGuest } from "./live-run";
import { scratchDir } from "../../support/scratch-dir";

function have(cmd: string): boolean {
  const r = spawnSync(cmd, ["--version"], { encoding: "utf8" });
  return r.error === undefined && r.status === 0;
}

/** The session: break by name, continue, registers and locals, stepi, a watchpoint, finish, change EAX, run to the end. */
function script(port: number): string {
  const regs = (tag: string): string => `printf "${tag} eip=%x esp=%x ebp=%x eax=%x ecx=%x edx=%x\\n", $eip, $esp, $ebp, $eax, $ecx, $edx`;
  return [
    "set pagination off",
    "set confirm off",
    `target remote 127.0.0.1:${port}`,
    "break compute",
    "continue",
    regs("STOP1"),
    'printf "ARG n=%u\\n", n',
    "stepi",
    "stepi",
    "stepi",
    "stepi",
    regs("STOP2"),
    "info registers",
    "watch watched",
    "continue",
    "continue",
    regs("STOP3"),
    'printf "LOCALS acc=%u i=%u watched=%u\\n", acc, i, watched',
    "delete",
    "finish",
    regs("STOP4"),
    "set $eax = 42",
    "continue",
  ].join("\n");
}

function runGdb(port: number): Promise<string> {
  const dir = scratchDir("apexvisor-gdb-");
  const file = join(dir, "session.gdb");
  writeFileSync(file, script(port));
  return new Promise((resolve) => {
    const g = spawn("gdb", ["-batch", "-nx", "-x", file, GDB_TARGET_ELF], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    g.stdout.on("data", (b: Buffer) => (out += b.toString()));
    g.stderr.on("data", (b: Buffer) => (out += b.toString()));
    const t = setTimeout(() => g.kill(), 60_000);
    g.on("exit", () => {
      clearTimeout(t);
      resolve(out);
    });
  });
}

function stops(out: string): string[] {
  return out.split("\n").filter((l) => /^(STOP\d|ARG|LOCALS) /.test(l));
}

describe("gdb against apexvisor boot --gdb", function () {
  let ours: string[] = [];
  before(function () {
    if (!have("gdb")) {
      console.log("      (skipped: gdb is not installed; apt-get install gdb)");
      this.skip();
    }
    needGuest();
  });

  it("break by name, registers and locals, stepi, watchpoint, register change, run to the end", async function () {
    const run = new LiveRun(["boot", "--kernel", GDB_TARGET_ELF, "--gdb", "127.0.0.1:0"]);
    await run.waitFor(/gdb stub listening on 127\.0\.0\.1:\d+/);
    const port = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(run.err)![1]);
    const out = await runGdb(port);
    const status = await run.exit();
    ours = stops(out);
    if (process.env["APEXVISOR_SHOW_GDB"] !== undefined) console.log(ours.join("\n"));
    expect(out).to.match(/Breakpoint 1, compute \(n=10\) at .*gdb-target\.c:\d+/);
    expect(ours).to.include("ARG n=10");
    expect(out).to.match(/eflags\s+0x[0-9a-f]+\s+\[ .*\]/);
    expect(out).to.match(/Hardware watchpoint 2: watched\s+Old value = 1\s+New value = 5/);
    expect(ours).to.include("LOCALS acc=5 i=2 watched=5");
    expect(out).to.match(/Value returned is \$\d+ = 385/);
    const s1 = ours.find((l) => l.startsWith("STOP1"))!;
    const s2 = ours.find((l) => l.startsWith("STOP2"))!;
    expect(s1).to.not.equal(s2); // stepi moved
    expect(ours.find((l) => l.startsWith("STOP4"))).to.match(/eax=181 /); // 385 in EAX after finish
    expect(run.out).to.equal("compute(10) = 42\n"); // the changed register reached the guest
    expect(out).to.match(/exited with code 01/);
    expect(status).to.equal(1);
  });

  it("qemu-system-i386 -gdb shows the same registers at the same stops", async function () {
    if (!have("qemu-system-i386")) {
      console.log("      (skipped: qemu-system-i386 is not installed)");
      this.skip();
    }
    if (ours.length === 0) this.skip();
    const port = 20000 + (process.pid % 20000);
    const dir = scratchDir("apexvisor-qemu-");
    const serial = join(dir, "serial.txt");
    const q = spawn("qemu-system-i386", ["-kernel", GDB_TARGET_ELF, "-m", "64", "-display", "none", "-nodefaults", "-no-reboot", "-serial", `file:${serial}`,
      "-device", "isa-debug-exit,iobase=0xf4,iosize=4", "-gdb", `tcp:127.0.0.1:${port}`, "-S"], { stdio: "ignore" });
    try {
      await new Promise((r) => setTimeout(r, 1500));
      const out = await runGdb(port);
      expect(stops(out)).to.deep.equal(ours);
      expect(readFileSync(serial, "latin1")).to.equal("compute(10) = 42\n");
    } finally {
      q.kill();
    }
  });
});
