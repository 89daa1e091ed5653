// Plans the 32-bit boot of a Linux/x86 bzImage (Documentation/arch/x86/boot.rst, "32-bit boot protocol"):
// the protected-mode kernel at 0x100000, boot_params and the command line below 640 KiB, the initrd as high
// as initrd_addr_max and RAM allow. Pure planning; the vCPU's entry state is set by kernel/machine/pc-machine.ts.
import { guestPhys, type GuestPhysAddr } from "../mem/types";
import { buildBootParams } from "./linux-boot-params";
import { parseLinuxSetupHeader, type LinuxHeaderError, type LinuxSetupHeader } from "./linux-setup-header";
import type { LoadChunk } from "./multiboot";
import { pcMemoryMap } from "./multiboot-info";

/** Where boot_params (the zero page) goes: free conventional memory above the firmware's low tables. */
export const LINUX_BOOT_PARAMS_ADDR = 0x10000;
/** Where the command line goes (after boot_params, below the EBDA). */
export const LINUX_CMDLINE_ADDR = 0x20000;
/** Where the boot GDT goes (null, null, __BOOT_CS 0x10, __BOOT_DS 0x18), between boot_params and the command line. */
export const LINUX_GDT_ADDR = 0x1f000;
/** GDT limit: four 8-byte descriptors. */
export const LINUX_GDT_LIMIT = 4 * 8 - 1;
/** Where the protected-mode kernel is loaded (and entered: code32_start). */
export const LINUX_KERNEL_ADDR = 0x100000;

/** A checked plan: write the chunks, then enter at `entry` (32-bit, flat) with ESI = `bootParams`. */
export interface LinuxPlan {
  readonly entry: GuestPhysAddr;
  readonly bootParams: GuestPhysAddr;
  readonly chunks: readonly LoadChunk[];
  readonly header: LinuxSetupHeader;
}

export interface LinuxLoadOptions {
  readonly memoryBytes: number;
  /** The kernel command line (QEMU's -append; Linux does not see the image's path). */
  readonly commandLine: string;
  /** The initial RAM disk, or none. */
  readonly initrd?: Uint8Array;
}

export interface LinuxLoadError {
  readonly kind: LinuxHeaderError["kind"] | "commandLineTooLong" | "outOfMemory";
  readonly message: string;
}

export type LinuxPlanResult = { readonly ok: true; readonly plan: LinuxPlan } | { readonly ok: false; readonly error: LinuxLoadError };

const hex = (v: number): string => `0x${v.toString(16)}`;
const MiB = (v: number): string => `${(v / 1048576).toFixed(v % 1048576 === 0 ? 0 : 1)} MiB`;

/** Checks `image` as a bzImage and plans its boot into `opts.memoryBytes` of RAM. */
export function planLinuxLoad(image: Uint8Array, opts: LinuxLoadOptions): LinuxPlanResult {
  const fail = (kind: LinuxLoadError["kind"], message: string): LinuxPlanResult => ({ ok: false, error: { kind, message } });
  const parsed = parseLinuxSetupHeader(image);
  if (!parsed.ok) return parsed;
  const header = parsed.header;
  const cmdline = new TextEncoder().encode(opts.commandLine);
  if (cmdline.length > header.cmdlineSize) return fail("commandLineTooLong", `the command line has ${cmdline.length} bytes; this kernel takes at most ${header.cmdlineSize}`);
  const memoryMap = pcMemoryMap(opts.memoryBytes);
  const ramTop = memoryMap.filter((r) => r.type === 1).reduce((top, r) => Math.max(top, r.base + r.length), 0);
  const kernel = image.subarray(header.kernelOffset);
  // The decompressor runs from the load address, or moves itself to pref_address when that is higher, and needs init_size there.
  const runAt = header.relocatable ? Math.max(LINUX_KERNEL_ADDR, header.prefAddress) : LINUX_KERNEL_ADDR;
  const kernelTop = Math.max(LINUX_KERNEL_ADDR + kernel.length, runAt + header.initSize);
  if (kernelTop > ramTop) return fail("outOfMemory", `the kernel needs RAM up to ${hex(kernelTop)} (${MiB(kernelTop)}) to decompress and run; give the machine more than ${MiB(ramTop)} of RAM (boot --memory, a partition's Memory_Requirements)`);
  let ramdiskImage = 0;
  const initrd = opts.initrd ?? new Uint8Array(0);
  if (initrd.length > 0) {
    // As high as allowed, page-aligned, as QEMU and GRUB place it: clear of the kernel's decompression area.
    const limit = Math.min(header.initrdAddrMax + 1, ramTop);
    ramdiskImage = Math.floor((limit - initrd.length) / 4096) * 4096;
    if (ramdiskImage < kernelTop) return fail("outOfMemory", `the initrd (${initrd.length} bytes) does not fit between the kernel (up to ${hex(kernelTop)}) and ${hex(limit)}; give the machine more RAM (boot --memory, a partition's Memory_Requirements)`);
  }
  const bootParams = buildBootParams({ image, header, memoryMap, cmdLinePtr: LINUX_CMDLINE_ADDR, ramdiskImage, ramdiskSize: initrd.length });
  const chunk = (addr: number, bytes: Uint8Array): LoadChunk => ({ addr: guestPhys(addr), bytes, zeroBytes: 0 });
  const cmdz = new Uint8Array(cmdline.length + 1);
  cmdz.set(cmdline);
  const chunks = [chunk(LINUX_KERNEL_ADDR, kernel), chunk(LINUX_BOOT_PARAMS_ADDR, bootParams), chunk(LINUX_GDT_ADDR, bootGdt()), chunk(LINUX_CMDLINE_ADDR, cmdz)];
  if (initrd.length > 0) chunks.push(chunk(ramdiskImage, initrd));
  return { ok: true, plan: { entry: guestPhys(header.code32Start), bootParams: guestPhys(LINUX_BOOT_PARAMS_ADDR), chunks, header } };
}

/** The GDT boot.rst asks for: 0x10 a flat 4 GiB execute/read code segment, 0x18 a flat read/write data segment (DPL 0). */
function bootGdt(): Uint8Array {
  const gdt = new Uint8Array(LINUX_GDT_LIMIT + 1);
  // limit 0xFFFFF, base 0, G=1 D=1; access 0x9B (present, code, execute/read, accessed) and 0x93 (data, read/write, accessed).
  gdt.set([0xff, 0xff, 0, 0, 0, 0x9b, 0xcf, 0], 0x10);
  gdt.set([0xff, 0xff, 0, 0, 0, 0x93, 0xcf, 0], 0x18);
  return gdt;
}
