// Newline-delimited text over a stream socket (the control protocol, one JSON object per line each
// way): chunks arrive cut anywhere, lines come out whole. Used by the control server and the `ctl` client.

/** Collects chunks and hands back the complete lines they finish. */
export class LineSplitter {
  private buf = "";

  /** Appends `chunk`; returns every line it completed, without its "\n", in order. */
  push(chunk: string): string[] {
    this.buf += chunk;
    const lines: string[] = [];
    let nl: number;
    while ((nl = this.buf.indexOf("\n")) >= 0) {
      lines.push(this.buf.slice(0, nl));
      this.buf = this.buf.slice(nl + 1);
    }
    return lines;
  }

  /** Characters received that wait for their newline. */
  get pending(): number {
    return this.buf.length;
  }
}
