// Trace output files for `apexvisor run`: opened (and so checked) before the run starts, written as
// the run goes through a bounded buffer, closed at the end. The first I/O error stops the writing and
// is reported once by the caller; nothing here throws for an I/O problem.
import { closeSync, ftruncateSync, unlinkSync, writeSync } from "fs";
import { ioMessage, openOutput, sameFile } from "./output-files";
import { ChromeTraceStream } from "../trace/chrome-trace-stream";
import { toJsonLine } from "../trace/jsonl-writer";
import type { TraceEvent } from "../trace/trace-event";
import type { TraceSink } from "../trace/tracer";

/** Bytes buffered before a write to the file. */
const FLUSH_AT = 64 * 1024;

/** A file written in order through a bounded buffer; remembers the first error instead of throwing. */
class BufferedFile {
  private buf = "";
  private started = false;
  error: string | undefined;

  constructor(private readonly fd: number, readonly path: string, private readonly created: boolean) {}

  write(text: string): void {
    if (this.error !== undefined) return;
    this.buf += text;
    if (this.buf.length >= FLUSH_AT) this.flush();
  }

  flush(): void {
    if (this.error !== undefined || this.buf === "") return;
    try {
      if (!this.started) ftruncateSync(this.fd, 0); // opened without truncating: see openOutput
      this.started = true;
      const data = Buffer.from(this.buf, "utf8");
      let off = 0;
      while (off < data.length) off += writeSync(this.fd, data, off);
    } catch (e) {
      this.error = `cannot write ${this.path}: ${ioMessage(e)}`;
    }
    this.buf = "";
  }

  /** Closes without writing what is buffered: a file this run created goes, an older one stays as it was. */
  discard(): void {
    this.buf = "";
    try {
      closeSync(this.fd);
      if (this.created && !this.started) unlinkSync(this.path);
    } catch {
      // Nothing was written; a file that cannot be removed is left empty.
    }
  }

  close(): void {
    this.flush();
    try {
      closeSync(this.fd);
    } catch (e) {
      this.error ??= `cannot close ${this.path}: ${ioMessage(e)}`;
    }
  }
}

/** The trace outputs of one run. */
export class TraceFiles implements TraceSink {
  private constructor(
    private readonly jsonl: BufferedFile | undefined,
    private readonly chrome: { file: BufferedFile; stream: ChromeTraceStream } | undefined,
  ) {}

  /** Opens both outputs (either may be absent); a one-line message when one cannot be opened. */
  static open(jsonlPath: string | undefined, chromePath: string | undefined, partitions: readonly number[], names: ReadonlyMap<number, string>): TraceFiles | string {
    if (jsonlPath !== undefined && chromePath !== undefined && sameFile(jsonlPath, chromePath)) return `--trace and --chrome-trace name the same file (${chromePath})`;
    let jsonl: BufferedFile | undefined;
    if (jsonlPath !== undefined) {
      const o = openOutput(jsonlPath, false, true);
      if (!o.ok) return o.message;
      jsonl = new BufferedFile(o.fd, jsonlPath, o.created);
    }
    let chrome;
    if (chromePath !== undefined) {
      const o = openOutput(chromePath, false, true);
      if (!o.ok) {
        jsonl?.discard();
        return o.message;
      }
      chrome = { file: new BufferedFile(o.fd, chromePath, o.created), stream: new ChromeTraceStream(partitions, names) };
      chrome.file.write(chrome.stream.begin());
    }
    return new TraceFiles(jsonl, chrome);
  }

  emit(e: TraceEvent): void {
    this.jsonl?.write(toJsonLine(e) + "\n");
    if (this.chrome !== undefined) this.chrome.file.write(this.chrome.stream.push(e));
  }

  /** Closes the files of a run that never started (a partition failed to load): nothing is left behind. */
  discard(): void {
    this.jsonl?.discard();
    this.chrome?.file.discard();
  }

  /** Finishes and closes the files; the first I/O error, if any. */
  close(): string | undefined {
    if (this.chrome !== undefined) this.chrome.file.write(this.chrome.stream.end());
    this.jsonl?.close();
    this.chrome?.file.close();
    return this.jsonl?.error ?? this.chrome?.file.error;
  }
}
