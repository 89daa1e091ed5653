// Where `npm run fetch:linux` keeps the Debian kernels, busybox and the example initramfs (build/linux/, never committed).
import { join } from "path";

/** The cached files under `root`/build/linux. */
export function linuxCacheFiles(root: string): { kernel686: string; kernelRt: string; busybox: string; initrd: string; packages: string } {
  const dir = join(root, "build", "linux");
  return {
    kernel686: join(dir, "vmlinuz-686"),
    kernelRt: join(dir, "vmlinuz-rt-686-pae"),
    busybox: join(dir, "busybox"),
    initrd: join(dir, "initrd.gz"),
    packages: join(dir, "packages.txt"),
  };
}
