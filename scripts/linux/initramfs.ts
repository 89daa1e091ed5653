// The initramfs of the Linux example: a static busybox and an /init that mounts proc and sys, prints what a
// reader checks (uname -a, the command line, memory, CPU), then gives the console a shell, or powers off at
// once with `apx.poweroff` on the command line. Pure: busybox bytes in, gzip-compressed newc cpio out.
import { gzipSync } from "zlib";
import { writeCpioNewc, type CpioEntry } from "./cpio-newc";

/** The line /init prints first and last: a test looks for these. */
export const INIT_BANNER = "apexvisor-init: start";
export const INIT_DONE = "apexvisor-init: done";

/**
 * /init. Power-off writes 0 to the isa-debug-exit port (0xF4) through /dev/port, which ends an apexvisor (or QEMU
 * -device isa-debug-exit) run with status 1; without that device, `poweroff -f` halts the CPU.
 */
export const INIT_SCRIPT = `#!/bin/sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
echo "${INIT_BANNER}"
uname -a
echo "cmdline: $(cat /proc/cmdline)"
grep -E '^(MemTotal|MemFree):' /proc/meminfo
grep -E '^(model name|flags)' /proc/cpuinfo
echo "uptime: $(cat /proc/uptime)"
ls /sys/bus
echo "${INIT_DONE}"
off() {
  printf '\\000' | dd of=/dev/port bs=1 seek=244 count=1 2>/dev/null
  poweroff -f
}
if grep -q apx.poweroff /proc/cmdline; then off; fi
echo "busybox shell on the console; 'exit' powers off"
setsid cttyhack sh
off
`;

/** The archive entries: directories, busybox, /bin/sh, the device nodes the kernel and /init need, /init. */
export function initramfsEntries(busybox: Uint8Array, extra: readonly CpioEntry[] = []): CpioEntry[] {
  const enc = new TextEncoder();
  return [
    ...["bin", "sbin", "dev", "proc", "sys", "tmp", "etc"].map((path): CpioEntry => ({ kind: "dir", path })),
    { kind: "file", path: "bin/busybox", data: busybox, mode: 0o755 },
    { kind: "symlink", path: "bin/sh", target: "busybox" },
    // The kernel opens /dev/console for init's stdin/stdout before anything is mounted.
    { kind: "chardev", path: "dev/console", major: 5, minor: 1 },
    { kind: "chardev", path: "dev/null", major: 1, minor: 3, mode: 0o666 },
    { kind: "chardev", path: "dev/port", major: 1, minor: 4 },
    { kind: "chardev", path: "dev/ttyS0", major: 4, minor: 64 },
    ...extra,
    { kind: "file", path: "init", data: enc.encode(INIT_SCRIPT), mode: 0o755 },
  ];
}

/** The gzip-compressed initramfs (gzip level 9, no name or time in its header: the same input gives the same bytes). */
export function buildInitramfs(busybox: Uint8Array, extra: readonly CpioEntry[] = []): Uint8Array {
  return new Uint8Array(gzipSync(writeCpioNewc(initramfsEntries(busybox, extra)), { level: 9 }));
}
