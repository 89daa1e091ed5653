// Builds the Linux/x86 "zero page" (struct boot_params, arch/x86/include/uapi/asm/bootparam.h) that a 32-bit
// boot loader hands over in ESI: screen_info, the E820 map, the setup header copied from the image and the
// loader's own fields. Pure: returns 4 KiB of bytes; where they go is the plan's business (linux-boot.ts).
import { HDR, type LinuxSetupHeader } from "./linux-setup-header";
import type { MemoryRegion } from "./multiboot-info";

/** sizeof(struct boot_params). */
export const BOOT_PARAMS_SIZE = 4096;
/** Offsets of the boot_params fields outside the setup header. */
export const BP = {
  /** struct screen_info (0x00..0x3f). */
  screenInfo: 0x000,
  /** alt_mem_k: KiB of memory above 1 MiB (the pre-E820 interface). */
  altMemK: 0x1e0,
  e820Entries: 0x1e8,
  /** struct boot_e820_entry[128]: u64 addr, u64 size, u32 type (packed, 20 bytes). */
  e820Table: 0x2d0,
} as const;
/** Most E820 entries boot_params holds (E820_MAX_ENTRIES_ZEROPAGE). */
export const E820_MAX_ENTRIES = 128;
const E820_ENTRY_SIZE = 20;
/** type_of_loader 0xFF: "undefined" boot loader (boot.rst: an unregistered loader says so). */
export const LOADER_UNDEFINED = 0xff;
/** vid_mode 0xFFFF: "normal" VGA text mode (80x25). */
const VID_MODE_NORMAL = 0xffff;
/** screen_info fields (include/uapi/linux/screen_info.h). */
const SI = { origVideoMode: 0x06, origVideoCols: 0x07, origVideoEgaBx: 0x0a, origVideoLines: 0x0e, origVideoIsVga: 0x0f, origVideoPoints: 0x10 } as const;
/** orig_video_isVGA: VIDEO_TYPE_VGAC, colour VGA text at 0xB8000 (the CGA device). */
const VIDEO_TYPE_VGAC = 0x22;

/** What the loader puts in boot_params besides the image's own header. */
export interface BootParamsInput {
  /** The whole bzImage: the header area 0x1F1..headerEnd is copied from it. */
  readonly image: Uint8Array;
  readonly header: LinuxSetupHeader;
  readonly memoryMap: readonly MemoryRegion[];
  readonly cmdLinePtr: number;
  readonly ramdiskImage: number;
  readonly ramdiskSize: number;
}

/** The zero page as bytes. Input the loader checked already (the map fits, addresses are 32-bit): a bad value throws. */
export function buildBootParams(input: BootParamsInput): Uint8Array {
  const bp = new Uint8Array(BOOT_PARAMS_SIZE);
  const dv = new DataView(bp.buffer);
  if (input.memoryMap.length > E820_MAX_ENTRIES) throw new RangeError(`${input.memoryMap.length} E820 entries do not fit in boot_params`);
  // The header as the image has it, so that fields this loader does not know keep the kernel's values.
  bp.set(input.image.subarray(HDR.setupSects, input.header.headerEnd), HDR.setupSects);
  // screen_info: an 80x25 colour text screen, as the BIOS left it; Linux's vgacon uses it when no console= says otherwise.
  bp[BP.screenInfo + SI.origVideoMode] = 3;
  bp[BP.screenInfo + SI.origVideoCols] = 80;
  bp[BP.screenInfo + SI.origVideoLines] = 25;
  bp[BP.screenInfo + SI.origVideoIsVga] = VIDEO_TYPE_VGAC;
  dv.setUint16(BP.screenInfo + SI.origVideoPoints, 16, true);
  dv.setUint16(BP.screenInfo + SI.origVideoEgaBx, 3, true);
  dv.setUint16(HDR.vidMode, VID_MODE_NORMAL, true);
  bp[HDR.typeOfLoader] = LOADER_UNDEFINED;
  dv.setUint32(HDR.cmdLinePtr, input.cmdLinePtr, true);
  dv.setUint32(HDR.ramdiskImage, input.ramdiskImage, true);
  dv.setUint32(HDR.ramdiskSize, input.ramdiskSize, true);
  // The E820 map and, for kernels that look at nothing else, the RAM above 1 MiB in KiB.
  bp[BP.e820Entries] = input.memoryMap.length;
  input.memoryMap.forEach((r, i) => {
    const o = BP.e820Table + i * E820_ENTRY_SIZE;
    dv.setBigUint64(o, BigInt(r.base), true);
    dv.setBigUint64(o + 8, BigInt(r.length), true);
    dv.setUint32(o + 16, r.type, true);
  });
  const high = input.memoryMap.find((r) => r.type === 1 && r.base === 0x100000);
  dv.setUint32(BP.altMemK, high === undefined ? 0 : Math.floor(high.length / 1024), true);
  return bp;
}
