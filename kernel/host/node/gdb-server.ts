// The gdb stub's socket shell: listens on 127.0.0.1 only, one client at a time, acks and framing per
// the remote protocol, and hands packets to GdbStub. A client that disconnects (even mid-packet) only
// detaches: breakpoints are dropped and the run goes on. Not responsible for running the machine.
import { createServer, type Server, type Socket } from "net";
import type { Waker } from "../../introspect/waker";
import { GdbStub, type GdbTarget } from "../../introspect/gdb/gdb-stub";
import { frame, RspDecoder } from "../../introspect/gdb/rsp-framing";

/** A parsed --gdb HOST:PORT. */
export type GdbAddress = { readonly ok: true; readonly host: "127.0.0.1"; readonly port: number } | { readonly ok: false; readonly message: string };

/** Parses "HOST:PORT" (also ":PORT" and QEMU's "tcp::PORT"); only loopback hosts are accepted. */
export function parseGdbAddress(text: string): GdbAddress {
  const m = /^(?:tcp:)?([^:]*):(\d{1,5})$/.exec(text.trim());
  if (m === null) return { ok: false, message: `--gdb ${JSON.stringify(text)}: expected HOST:PORT, e.g. 127.0.0.1:1234` };
  const host = m[1]!;
  if (host !== "" && host !== "127.0.0.1" && host !== "localhost") return { ok: false, message: `--gdb ${text}: the stub binds to 127.0.0.1 only (a debugger can rewrite the guest)` };
  const port = Number(m[2]);
  if (port > 65535) return { ok: false, message: `--gdb ${text}: port must be 0..65535` };
  return { ok: true, host: "127.0.0.1", port };
}

/** A listening gdb stub. */
export class GdbServer {
  private client: Socket | null = null;
  private stub: GdbStub | null = null;
  private noAck = false;
  private connectedWaiters: (() => void)[] = [];

  private constructor(private readonly server: Server, private readonly target: GdbTarget, private readonly waker: Waker) {}

  /** Starts listening; resolves with the server (its port is known then, also for port 0). */
  static listen(port: number, target: GdbTarget, waker: Waker): Promise<GdbServer> {
    return new Promise((resolve, reject) => {
      const srv = createServer();
      const gs = new GdbServer(srv, target, waker);
      srv.on("connection", (s) => gs.accept(s));
      srv.once("error", reject);
      srv.listen(port, "127.0.0.1", () => resolve(gs));
    });
  }

  /** The TCP port listened on. */
  get port(): number {
    const a = this.server.address();
    return typeof a === "object" && a !== null ? a.port : 0;
  }

  /** True while a gdb is connected. */
  get connected(): boolean {
    return this.client !== null;
  }

  private accept(s: Socket): void {
    if (this.client !== null) {
      s.end(); // one debugger at a time
      return;
    }
    this.client = s;
    this.noAck = false;
    const stub = new GdbStub(this.target);
    this.stub = stub;
    const dec = new RspDecoder();
    s.on("data", (chunk: Buffer) => {
      for (const ev of dec.push(new Uint8Array(chunk))) {
        switch (ev.kind) {
          case "packet": {
            if (!this.noAck) s.write("+");
            const r = stub.handle(ev.data);
            if (ev.data === "QStartNoAckMode" && r.reply === "OK") {
              this.send(r.reply);
              this.noAck = true;
            } else if (r.reply !== null) this.send(r.reply);
            if (r.close === true) s.end();
            break;
          }
          case "bad":
            if (!this.noAck) s.write("-");
            break;
          case "interrupt":
            stub.interrupt();
            break;
          case "ack":
          case "nak":
            break; // replies are not resent: the connection is reliable
          default: {
            const never: never = ev;
            throw new Error(`unknown event ${JSON.stringify(never)}`);
          }
        }
      }
      this.waker.wake();
    });
    const gone = (): void => {
      if (this.client !== s) return;
      this.client = null;
      this.stub = null;
      this.target.dbg.clear(); // detach: the run goes on without breakpoints
      this.waker.wake();
    };
    s.on("close", gone);
    s.on("error", gone);
    for (const w of this.connectedWaiters.splice(0)) w();
    this.waker.wake();
  }

  private send(body: string): void {
    this.client?.write(frame(body));
  }

  /** Sends the stop reply if the target stopped since the last c/s. */
  poll(): void {
    const r = this.stub?.pollStop();
    if (r !== undefined && r !== null) this.send(r);
  }

  /** The run ended: tell a waiting gdb (W: exited with status, X: killed) and close. */
  ended(reply: string): void {
    if (this.stub?.running === true) this.send(reply);
    this.client?.end();
  }

  /** Stops listening and drops the client. */
  close(): void {
    this.client?.destroy();
    this.server.close();
  }
}
