// Size limits on input files (kernel images, partition images, XML, modules, stdin). The kernel core
// passes the limit to HostFiles.read; the Node host enforces it (kernel/host/node/read-limited.ts reads
// a regular file only when its size is within the limit, and a pipe only until it passes the limit).

/** Size limits per kind of input, in bytes. */
export const INPUT_LIMITS = {
  /** A kernel, partition image or Multiboot module (guest RAM is at most 512 MiB). */
  image: 128 * 1024 * 1024,
  /** An ARINC 653 XML module. */
  xml: 16 * 1024 * 1024,
  /** A disk image (boot --drive, apx:Device Image): held in memory while the machine runs. */
  disk: 256 * 1024 * 1024,
  /** Console input read from stdin before a run. */
  stdin: 16 * 1024 * 1024,
} as const;

/** An input larger than its limit (reported like an I/O error: one line, no stack). */
export class InputTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`larger than the ${limit / 1048576} MiB limit`);
  }
}
