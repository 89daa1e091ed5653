// Reads and checks the setup header of a Linux/x86 bzImage (Documentation/arch/x86/boot.rst, "The real-mode
// kernel header"): the fields a 32-bit boot loader needs. Pure; where things go in RAM is linux-boot.ts's business.

/** "HdrS" at offset 0x202, little-endian: the mark QEMU and GRUB use to recognise a Linux kernel. */
export const LINUX_HDRS_MAGIC = 0x53726448;
/** Oldest protocol accepted: 2.04 (32-bit syssize; 2.02 cmd_line_ptr and 2.03 initrd_addr_max are older). */
export const LINUX_MIN_PROTOCOL = 0x0204;

/** Field offsets in the bzImage file and in boot_params (the header is copied to the same offsets). */
export const HDR = {
  setupSects: 0x1f1,
  vidMode: 0x1fa,
  bootFlag: 0x1fe,
  jump: 0x200,
  header: 0x202,
  version: 0x206,
  typeOfLoader: 0x210,
  loadflags: 0x211,
  code32Start: 0x214,
  ramdiskImage: 0x218,
  ramdiskSize: 0x21c,
  heapEndPtr: 0x224,
  cmdLinePtr: 0x228,
  initrdAddrMax: 0x22c,
  kernelAlignment: 0x230,
  relocatableKernel: 0x234,
  cmdlineSize: 0x238,
  prefAddress: 0x258,
  initSize: 0x260,
} as const;

/** loadflags bit 0: the protected-mode code is loaded at 0x100000 (a bzImage). */
export const LOADED_HIGH = 0x01;

/** What the loader uses from the header. */
export interface LinuxSetupHeader {
  /** Boot protocol version, e.g. 0x020f. */
  readonly version: number;
  /** 512-byte sectors of real-mode setup code after the boot sector (0 means 4). */
  readonly setupSects: number;
  /** File offset of the protected-mode kernel: (setup_sects + 1) * 512. */
  readonly kernelOffset: number;
  readonly loadflags: number;
  /** 32-bit entry when loaded at 0x100000 (moves with the load address). */
  readonly code32Start: number;
  /** Highest address the initrd may occupy (its last byte). */
  readonly initrdAddrMax: number;
  /** Required alignment of a relocated kernel (2.05+, else 0). */
  readonly kernelAlignment: number;
  readonly relocatable: boolean;
  /** Longest command line without its NUL (2.06+, else 255). */
  readonly cmdlineSize: number;
  /** Preferred load address (2.10+, else 0x100000; the low 32 bits: this PC has no RAM above 4 GiB). */
  readonly prefAddress: number;
  /** Bytes the kernel needs from its load address to decompress and run in place (2.10+, else 0). */
  readonly initSize: number;
  /** Bytes at the end of the header area (0x202 + byte at 0x201) that are copied into boot_params. */
  readonly headerEnd: number;
}

/** Why a file is not a bootable bzImage. */
export interface LinuxHeaderError {
  readonly kind: "notLinux" | "tooOld" | "notBzImage" | "truncated";
  readonly message: string;
}

export type LinuxHeaderResult = { readonly ok: true; readonly header: LinuxSetupHeader } | { readonly ok: false; readonly error: LinuxHeaderError };

const hex = (v: number): string => `0x${v.toString(16)}`;

function u16(b: Uint8Array, o: number): number {
  return (b[o] ?? 0) | ((b[o + 1] ?? 0) << 8);
}
function u32(b: Uint8Array, o: number): number {
  return (u16(b, o) | (u16(b, o + 2) << 16)) >>> 0;
}

/** True when `file` carries "HdrS" at 0x202: it is a Linux kernel image, whatever else it is (as QEMU decides). */
export function isLinuxKernel(file: Uint8Array): boolean {
  return file.length >= HDR.header + 4 && u32(file, HDR.header) === LINUX_HDRS_MAGIC;
}

/** Parses and checks the setup header of `file`. */
export function parseLinuxSetupHeader(file: Uint8Array): LinuxHeaderResult {
  const fail = (kind: LinuxHeaderError["kind"], message: string): LinuxHeaderResult => ({ ok: false, error: { kind, message } });
  if (!isLinuxKernel(file)) return fail("notLinux", 'no Linux setup header ("HdrS" at 0x202)');
  const version = u16(file, HDR.version);
  const vtext = `${version >>> 8}.${(version & 0xff).toString().padStart(2, "0")}`;
  if (version < LINUX_MIN_PROTOCOL) return fail("tooOld", `Linux boot protocol ${vtext} is older than 2.04 (a zImage or a kernel before 2.6): not supported`);
  const headerEnd = HDR.header + (file[HDR.jump + 1] ?? 0);
  if (file.length < Math.max(headerEnd, HDR.cmdlineSize + 4)) return fail("truncated", `the file ends inside the setup header (${file.length} bytes)`);
  const loadflags = file[HDR.loadflags] ?? 0;
  if ((loadflags & LOADED_HIGH) === 0) return fail("notBzImage", "loadflags.LOADED_HIGH is clear: a zImage loads below 1 MiB through real mode, which this PC does not run");
  const rawSects = file[HDR.setupSects] ?? 0;
  const setupSects = rawSects === 0 ? 4 : rawSects;
  const kernelOffset = (setupSects + 1) * 512;
  if (kernelOffset >= file.length) return fail("truncated", `setup_sects ${setupSects} puts the protected-mode kernel at ${hex(kernelOffset)}, beyond the file's ${file.length} bytes`);
  const has = (v: number): boolean => version >= v;
  const header: LinuxSetupHeader = {
    version,
    setupSects,
    kernelOffset,
    loadflags,
    code32Start: u32(file, HDR.code32Start),
    initrdAddrMax: u32(file, HDR.initrdAddrMax),
    kernelAlignment: has(0x0205) ? u32(file, HDR.kernelAlignment) : 0,
    relocatable: has(0x0205) && (file[HDR.relocatableKernel] ?? 0) !== 0,
    cmdlineSize: has(0x0206) ? u32(file, HDR.cmdlineSize) : 255,
    prefAddress: has(0x020a) ? u32(file, HDR.prefAddress) : 0x100000,
    initSize: has(0x020a) ? u32(file, HDR.initSize) : 0,
    headerEnd,
  };
  if (header.code32Start !== 0x100000) return fail("notBzImage", `code32_start ${hex(header.code32Start)}: a bzImage enters at 0x100000`);
  return { ok: true, header };
}
