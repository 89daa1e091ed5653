// Decides how a kernel file boots on the PC, as QEMU's -kernel does: a Linux bzImage ("HdrS" at 0x202) by the
// Linux 32-bit boot protocol, anything else as a Multiboot v1 kernel. Pure planning; pc-boot.ts loads the plan.
import { planLinuxLoad, type LinuxPlan } from "../loader/linux-boot";
import { isLinuxKernel } from "../loader/linux-setup-header";
import { planMultibootLoad, type MultibootPlan } from "../loader/multiboot";
import type { BootModule } from "../loader/multiboot-info";
import type { KernelFormat } from "../config/model";
import { multibootCommandLine, PC_BOOT_LOADER_NAME } from "./pc-machine";

/** A checked load plan of either format. */
export type KernelPlan = { readonly kind: "multiboot"; readonly plan: MultibootPlan } | { readonly kind: "linux"; readonly plan: LinuxPlan };

export interface KernelLoadOptions {
  readonly memoryBytes: number;
  /** The kernel's path as given (Multiboot kernels see "PATH APPEND"; Linux sees APPEND only, as with QEMU). */
  readonly elfPath: string;
  readonly commandLine: string;
  /** Multiboot modules; for Linux their bytes, concatenated in order, are the initrd (concatenated cpio archives are valid). */
  readonly modules: readonly BootModule[];
  /** "auto" (default): by the header; "linux"/"multiboot": as named (apx:Guest Format), a file of the other kind is refused. */
  readonly format?: KernelFormat;
}

export type KernelPlanResult = { readonly ok: true; readonly plan: KernelPlan } | { readonly ok: false; readonly message: string };

/** Plans the load of `file` in the format its header names. */
export function planKernelLoad(file: Uint8Array, opts: KernelLoadOptions): KernelPlanResult {
  const linux = isLinuxKernel(file);
  if (opts.format === "linux" && !linux) return { ok: false, message: 'Format="linux", but this is not a Linux bzImage (no "HdrS" setup header at offset 0x202)' };
  if (opts.format === "multiboot" && linux) return { ok: false, message: 'Format="multiboot", but this is a Linux bzImage (its setup header says so); use Format="linux" or leave Format out' };
  if (linux) {
    const planned = planLinuxLoad(file, { memoryBytes: opts.memoryBytes, commandLine: opts.commandLine, initrd: concatInitrds(opts.modules) });
    return planned.ok ? { ok: true, plan: { kind: "linux", plan: planned.plan } } : { ok: false, message: `Linux kernel: ${planned.error.message}` };
  }
  const planned = planMultibootLoad(file, {
    memoryBytes: opts.memoryBytes,
    commandLine: multibootCommandLine(opts.elfPath, opts.commandLine),
    bootLoaderName: PC_BOOT_LOADER_NAME,
    modules: opts.modules,
  });
  return planned.ok ? { ok: true, plan: { kind: "multiboot", plan: planned.plan } } : { ok: false, message: planned.error.message };
}

/** The initrds back to back, each padded to 4 bytes (the kernel's unpacker skips the zero padding between archives). */
function concatInitrds(modules: readonly BootModule[]): Uint8Array {
  if (modules.length === 1) return modules[0]!.data;
  const padded = (n: number): number => Math.ceil(n / 4) * 4;
  const out = new Uint8Array(modules.reduce((n, m) => n + padded(m.data.length), 0));
  let at = 0;
  for (const m of modules) {
    out.set(m.data, at);
    at += padded(m.data.length);
  }
  return out;
}
