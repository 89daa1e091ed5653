// What `validate` says about an FV partition's kernel file and initrd before anything runs: the format the
// header names against apx:Guest Format, an Initrd given to a Multiboot kernel (or modules to a Linux one),
// and for Linux the whole load plan against the partition's RAM (initrd too big, command line too long, a
// kernel that cannot decompress in that RAM). Pure: bytes in, problems out; the files are read by the caller.
import type { PartitionConfig } from "../config/model";
import { isLinuxKernel } from "../loader/linux-setup-header";
import { partitionRamBytes } from "../module/partition-memory";
import { planKernelLoad } from "./kernel-plan";

/** The problems of partition `p`'s kernel `kernel` (its whole file) with initrd `initrd` (read when configured). */
export function fvKernelProblems(p: PartitionConfig, kernel: Uint8Array, initrd: Uint8Array | undefined): string[] {
  const g = p.guest;
  const linux = isLinuxKernel(kernel);
  const format = g.format ?? "auto";
  if (format === "linux" && !linux) return ['Format="linux", but the kernel file is not a Linux bzImage (no "HdrS" setup header at offset 0x202)'];
  if (format === "multiboot" && linux) return ['Format="multiboot", but the kernel file is a Linux bzImage; use Format="linux" or leave Format out'];
  if (!linux) return g.initrd !== undefined ? ["Initrd is for a Linux kernel and this is a Multiboot kernel; give its files as apx:MultibootModule elements"] : [];
  if (g.modules.length > 0) return ['a Linux kernel takes one initial RAM disk: use Initrd="FILE" instead of apx:MultibootModule'];
  const planned = planKernelLoad(kernel, {
    memoryBytes: partitionRamBytes(p),
    elfPath: g.image ?? "",
    commandLine: g.commandLine,
    modules: initrd === undefined ? [] : [{ data: initrd, string: g.initrd ?? "" }],
    format,
  });
  return planned.ok ? [] : [`${planned.message}; the partition has ${partitionRamBytes(p) / 1048576} MiB`];
}
