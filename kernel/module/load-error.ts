// The typed error for a partition whose image cannot be loaded (missing file, bad ELF, wrong ABI):
// it names the file and the config line that names it, so the CLI reports it once, without a stack.
import type { SourcePos } from "../config/model";

/** A partition image that is missing or unloadable. */
export class PartitionLoadError extends Error {
  constructor(
    /** The partition's name. */
    readonly partition: string,
    /** The image file, as resolved. */
    readonly file: string | undefined,
    /** Where the configuration names the image (or the partition). */
    readonly pos: SourcePos | undefined,
    /** What is wrong, as a sentence. */
    readonly reason: string,
  ) {
    super(`${pos === undefined ? "" : `${pos.file}:${pos.line}:${pos.column}: `}partition ${partition}: ${file === undefined ? "" : `${file}: `}${reason}`);
    this.name = "PartitionLoadError";
  }
}
