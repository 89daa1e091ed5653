// The initramfs of partitions/linux-mixed: the example's busybox archive with the relay program (a static Linux
// ELF built by `npm run build:guests` from partitions/linux-mixed/relay) as /bin/relay and an /init that starts it
// and powers off when it ends. Written by `npm run fetch:linux` (and by the module's test when it is missing).
import { existsSync, readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { gzipSync } from "zlib";
import { linuxCacheFiles } from "./cache";
import { writeCpioNewc } from "./cpio-newc";
import { initramfsEntries } from "./initramfs";

/** The relay's image, as build-guests names it. */
export function relayImage(root: string): string {
  return join(root, "build", "guests", "partitions", "linux-mixed", "relay", "relay-linux-O2.elf");
}

/** Where the module's initramfs goes (module.xml names it). */
export function mixedInitrdPath(root: string): string {
  return join(root, "build", "linux", "linux-mixed-initrd.gz");
}

/** The line /init prints before it starts the relay (a test looks for it). */
export const MIXED_INIT_BANNER = "linux-mixed: starting the relay";

/**
 * /init: busybox applets called by name (no --install: fewer files for a short boot), proc mounted for uname and
 * uptime, the relay run, then 0 written to isa-debug-exit (port 0xF4) so the partition stops itself.
 */
export const MIXED_INIT_SCRIPT = `#!/bin/sh
/bin/busybox mount -t proc proc /proc
echo "linux-mixed: $(/bin/busybox uname -sr), uptime $(/bin/busybox cut -d' ' -f1 /proc/uptime) s"
echo "${MIXED_INIT_BANNER}"
/bin/relay
echo "linux-mixed: the relay exited with status $?; powering off"
printf '\\000' | /bin/busybox dd of=/dev/port bs=1 seek=244 count=1 2>/dev/null
/bin/busybox poweroff -f
`;

/** The gzip-compressed archive (deterministic bytes: gzip without a name or time). */
export function buildMixedInitramfs(busybox: Uint8Array, relay: Uint8Array): Uint8Array {
  const enc = new TextEncoder();
  const entries = initramfsEntries(busybox, [{ kind: "file", path: "bin/relay", data: relay, mode: 0o755 }]).map((e) =>
    e.kind === "file" && e.path === "init" ? { ...e, data: enc.encode(MIXED_INIT_SCRIPT) } : e,
  );
  return new Uint8Array(gzipSync(writeCpioNewc(entries), { level: 9 }));
}

/** Writes the module's initramfs from the cached busybox and the built relay; the reason when one of them is missing. */
export function writeMixedInitramfs(root: string): { ok: true; path: string } | { ok: false; reason: string } {
  const busybox = linuxCacheFiles(root).busybox;
  const relay = relayImage(root);
  if (!existsSync(busybox)) return { ok: false, reason: `${busybox} is missing; run \`npm run fetch:linux\`` };
  if (!existsSync(relay)) return { ok: false, reason: `${relay} is missing; run \`npm run build:guests\`` };
  const out = mixedInitrdPath(root);
  writeFileSync(out, buildMixedInitramfs(new Uint8Array(readFileSync(busybox)), new Uint8Array(readFileSync(relay))));
  return { ok: true, path: out };
}
