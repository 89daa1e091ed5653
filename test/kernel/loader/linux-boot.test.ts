import { expect } from "chai";
import { BP, BOOT_PARAMS_SIZE } from "../../../kernel/loader/linux-boot-params";
import { LINUX_BOOT_PARAMS_ADDR, LINUX_CMDLINE_ADDR, LINUX_GDT_ADDR, planLinuxLoad } from "../../../kernel/loader/linux-boot";
import { HDR, isLinuxKernel, parseLinuxSetupHeader } from "../../../kernel/loader/linux-setup-header";
import { bootMultiboot } from "../../../kernel/machine/pc-boot";

const MIB = 1 << 20;

/** A synthetic bzImage: boot sector + one setup sector with a protocol 2.15 header, then `code` as the protected-mode kernel. */
export function syntheticBzImage(code: Uint8Array, patch: (dv: DataView, b: Uint8Array) => void = () => undefined): Uint8Array {
  const b = new Uint8Array(1024 + code.length);
  const dv = new DataView(b.buffer);
  b[HDR.setupSects] = 1;
  dv.setUint16(HDR.bootFlag, 0xaa55, true);
  b[HDR.jump] = 0xeb;
  b[HDR.jump + 1] = 0x66; // the header runs to 0x268
  dv.setUint32(HDR.header, 0x53726448, true);
  dv.setUint16(HDR.version, 0x020f, true);
  b[HDR.loadflags] = 0x01;
  dv.setUint32(HDR.code32Start, 0x100000, true);
  dv.setUint32(HDR.initrdAddrMax, 0x37ffffff, true);
  dv.setUint32(HDR.kernelAlignment, 0x200000, true);
  b[HDR.relocatableKernel] = 1;
  dv.setUint32(HDR.cmdlineSize, 2047, true);
  dv.setUint32(HDR.prefAddress, 0x1000000, true);
  dv.setUint32(HDR.initSize, 0x400000, true);
  b.set(code, 1024);
  patch(dv, b);
  return b;
}

/** Prints the command line (from boot_params.cmd_line_ptr) on COM1, then exits with the E820 entry count through port 0xF4. */
const PRINT_CMDLINE = Uint8Array.from([
  0x8b, 0xbe, 0x28, 0x02, 0x00, 0x00, // mov edi, [esi+0x228]
  0x8a, 0x07, // loop: mov al, [edi]
  0x84, 0xc0, // test al, al
  0x74, 0x08, // jz done
  0x66, 0xba, 0xf8, 0x03, // mov dx, 0x3f8
  0xee, // out dx, al
  0x47, // inc edi
  0xeb, 0xf2, // jmp loop
  0x8a, 0x86, 0xe8, 0x01, 0x00, 0x00, // done: mov al, [esi+0x1e8]
  0x66, 0xba, 0xf4, 0x00, // mov dx, 0xf4
  0xee, // out dx, al
  0xf4, // hlt
]);

describe("kernel/loader/linux-boot", () => {
  it("recognises a Linux kernel by HdrS and reads the header fields a 32-bit loader needs", () => {
    const img = syntheticBzImage(new Uint8Array(16));
    expect(isLinuxKernel(img)).to.equal(true);
    const h = parseLinuxSetupHeader(img);
    if (!h.ok) throw new Error(h.error.message);
    expect(h.header).to.include({ version: 0x020f, setupSects: 1, kernelOffset: 1024, code32Start: 0x100000, relocatable: true, cmdlineSize: 2047, prefAddress: 0x1000000, initSize: 0x400000, headerEnd: 0x268 });
    // setup_sects 0 means 4 (boot.rst).
    const four = parseLinuxSetupHeader(syntheticBzImage(new Uint8Array(4096), (_dv, b) => (b[HDR.setupSects] = 0)));
    expect(four.ok && four.header.kernelOffset).to.equal(2560);
  });

  it("refuses what it cannot boot, each with its reason", () => {
    const reason = (img: Uint8Array): string => {
      const r = parseLinuxSetupHeader(img);
      return r.ok ? "ok" : r.error.kind;
    };
    expect(reason(new Uint8Array(4096))).to.equal("notLinux");
    expect(reason(syntheticBzImage(new Uint8Array(16), (dv) => dv.setUint16(HDR.version, 0x0203, true)))).to.equal("tooOld");
    expect(reason(syntheticBzImage(new Uint8Array(16), (_dv, b) => (b[HDR.loadflags] = 0)))).to.equal("notBzImage");
    expect(reason(syntheticBzImage(new Uint8Array(16)).subarray(0, 0x220))).to.equal("truncated");
    expect(reason(syntheticBzImage(new Uint8Array(0)))).to.equal("truncated");
    const long = planLinuxLoad(syntheticBzImage(new Uint8Array(16)), { memoryBytes: 64 * MIB, commandLine: "x".repeat(2048) });
    expect(long.ok ? "" : long.error.kind).to.equal("commandLineTooLong");
    // The kernel decompresses at pref_address (16 MiB) and needs init_size (4 MiB) there: 16 MiB of RAM is too little.
    const small = planLinuxLoad(syntheticBzImage(new Uint8Array(16)), { memoryBytes: 16 * MIB, commandLine: "" });
    expect(small.ok ? "" : small.error.message).to.match(/needs RAM up to 0x1400000/);
  });

  it("fills boot_params: header copy, loader type, command line, E820 map from RAM, initrd at the top below initrd_addr_max", () => {
    const img = syntheticBzImage(new Uint8Array(16));
    const initrd = new Uint8Array(10000).fill(7);
    const r = planLinuxLoad(img, { memoryBytes: 64 * MIB, commandLine: "console=ttyS0", initrd });
    if (!r.ok) throw new Error(r.error.message);
    const at = (addr: number): Uint8Array => {
      const c = r.plan.chunks.find((k) => k.addr === addr);
      if (c === undefined) throw new Error(`no chunk at ${addr}`);
      return c.bytes;
    };
    expect(r.plan.entry).to.equal(0x100000);
    expect(at(0x100000).length).to.equal(16);
    const bp = at(LINUX_BOOT_PARAMS_ADDR);
    expect(bp.length).to.equal(BOOT_PARAMS_SIZE);
    const dv = new DataView(bp.buffer, bp.byteOffset);
    expect(dv.getUint32(HDR.header, true)).to.equal(0x53726448);
    expect(bp[HDR.typeOfLoader]).to.equal(0xff);
    expect(dv.getUint32(HDR.cmdLinePtr, true)).to.equal(LINUX_CMDLINE_ADDR);
    expect(new TextDecoder().decode(at(LINUX_CMDLINE_ADDR))).to.equal("console=ttyS0\0");
    const ramdisk = dv.getUint32(HDR.ramdiskImage, true);
    expect(dv.getUint32(HDR.ramdiskSize, true)).to.equal(10000);
    expect(ramdisk % 4096).to.equal(0);
    expect(ramdisk + 10000).to.be.at.most(64 * MIB - 0x20000); // below the firmware's reserved top
    expect(at(ramdisk)).to.equal(initrd);
    expect(at(LINUX_GDT_ADDR).length).to.equal(32);
    const e820 = Array.from({ length: bp[BP.e820Entries] ?? 0 }, (_, i) => {
      const o = BP.e820Table + 20 * i;
      return [Number(dv.getBigUint64(o, true)), Number(dv.getBigUint64(o + 8, true)), dv.getUint32(o + 16, true)];
    });
    expect(e820).to.deep.equal([
      [0, 0x9fc00, 1],
      [0x9fc00, 0x400, 2],
      [0xf0000, 0x10000, 2],
      [0x100000, 64 * MIB - 0x20000 - 0x100000, 1],
      [64 * MIB - 0x20000, 0x20000, 2],
      [0xfffc0000, 0x40000, 2],
    ]);
    expect(dv.getUint32(BP.altMemK, true)).to.equal((64 * MIB - 0x20000 - 0x100000) / 1024);
    // An initrd above initrd_addr_max is moved down under it.
    const low = planLinuxLoad(syntheticBzImage(new Uint8Array(16), (d) => d.setUint32(HDR.initrdAddrMax, 0x2ffffff, true)), { memoryBytes: 64 * MIB, commandLine: "", initrd });
    expect(low.ok && low.plan.chunks[low.plan.chunks.length - 1]!.addr).to.equal(0x3000000 - 12288);
  });

  it("`boot` enters a bzImage at code32_start with ESI = boot_params in flat 32-bit mode", () => {
    const out: number[] = [];
    const r = bootMultiboot({ elf: syntheticBzImage(PRINT_CMDLINE), elfPath: "vmlinuz", memoryBytes: 64 * MIB, commandLine: "console=ttyS0 quiet", stdout: (b) => out.push(...b), maxInstructions: 10000 });
    expect(r.end).to.deep.equal({ kind: "debugExit", status: (6 << 1) | 1 });
    // Linux sees the -append text alone (no kernel path, unlike a Multiboot command line).
    expect(String.fromCharCode(...out)).to.equal("console=ttyS0 quiet");
  });
});
