// The VM tree on a Unix-domain socket, one JSON object per line each way (protocol in README.md,
// "debugging a partition"): {"id", "op": "ls"|"cat"|"write"|"watch", "path", "value"?} in,
// {"id", "ok": true, "value"} or {"id", "ok": false, "error"} out; a watch sends {"id", "event": value}
// whenever the value changes. Malformed lines get an error reply; nothing a client sends can throw.
import { existsSync, lstatSync, unlinkSync } from "fs";
import { createServer, type Server, type Socket } from "net";
import { LineSplitter } from "./json-lines";
import type { VmTree } from "../../introspect/vm-tree";
import type { Waker } from "../../introspect/waker";

/** Longest request line accepted; a longer one closes the connection. */
const MAX_LINE = 16 * 1024;
/** Most watches per connection. */
const MAX_WATCHES = 16;

interface Watch {
  readonly id: unknown;
  readonly path: string;
  last: string;
}

/** A listening control socket. */
export class ControlServer {
  private readonly watches = new Map<Socket, Watch[]>();

  private constructor(private readonly server: Server, private readonly path: string) {}

  /** Listens on `path` (a stale socket file is replaced; any other existing file is an error). */
  static listen(path: string, tree: VmTree, waker: Waker): Promise<ControlServer> {
    return new Promise((resolve, reject) => {
      if (existsSync(path)) {
        if (!lstatSync(path).isSocket()) {
          reject(Object.assign(new Error(`${path} exists and is not a socket (not replaced)`), { code: "EEXIST" }));
          return;
        }
        unlinkSync(path);
      }
      const srv = createServer();
      const cs = new ControlServer(srv, path);
      srv.on("connection", (s) => cs.accept(s, tree, waker));
      srv.once("error", reject);
      srv.listen(path, () => resolve(cs));
    });
  }

  private accept(s: Socket, tree: VmTree, waker: Waker): void {
    const lines = new LineSplitter();
    this.watches.set(s, []);
    const reply = (o: unknown): void => {
      if (!s.destroyed) s.write(`${JSON.stringify(o)}\n`);
    };
    s.setEncoding("utf8");
    s.on("data", (chunk: string) => {
      for (const line of lines.push(chunk)) if (line.trim().length > 0) this.request(line, tree, s, reply);
      if (lines.pending > MAX_LINE) {
        reply({ id: null, ok: false, error: "request line too long" });
        s.destroy();
      }
      waker.wake();
    });
    const gone = (): void => {
      this.watches.delete(s);
    };
    s.on("close", gone);
    s.on("error", gone);
  }

  private request(line: string, tree: VmTree, s: Socket, reply: (o: unknown) => void): void {
    let req: unknown;
    try {
      req = JSON.parse(line);
    } catch {
      reply({ id: null, ok: false, error: "not JSON" });
      return;
    }
    if (typeof req !== "object" || req === null || Array.isArray(req)) {
      reply({ id: null, ok: false, error: "expected an object" });
      return;
    }
    const r = req as Record<string, unknown>;
    const id = typeof r["id"] === "number" || typeof r["id"] === "string" ? r["id"] : null;
    const path = r["path"];
    if (typeof path !== "string") {
      reply({ id, ok: false, error: '"path" must be a string' });
      return;
    }
    switch (r["op"]) {
      case "ls":
        reply({ id, ...tree.ls(path) });
        return;
      case "cat":
        reply({ id, ...tree.cat(path) });
        return;
      case "write": {
        const value = r["value"];
        if (typeof value !== "string") {
          reply({ id, ok: false, error: '"value" must be a string' });
          return;
        }
        reply({ id, ...tree.write(path, value) });
        return;
      }
      case "watch": {
        const first = tree.cat(path);
        reply({ id, ...first });
        const list = this.watches.get(s);
        if (!first.ok || list === undefined) return;
        if (list.length >= MAX_WATCHES) {
          reply({ id, ok: false, error: "too many watches on this connection" });
          return;
        }
        list.push({ id, path, last: JSON.stringify(first.value) });
        return;
      }
      default:
        reply({ id, ok: false, error: '"op" must be ls, cat, write or watch' });
    }
  }

  /** Re-reads every watched path and sends the changed ones (called by the run loop between slices). */
  poll(tree: VmTree): void {
    for (const [s, list] of this.watches) {
      for (const w of list) {
        const r = tree.cat(w.path);
        const text = JSON.stringify(r.ok ? r.value : { error: r.error });
        if (text === w.last) continue;
        w.last = text;
        if (!s.destroyed) s.write(`${JSON.stringify({ id: w.id, event: r.ok ? r.value : { error: r.error } })}\n`);
      }
    }
  }

  /** Closes every connection and removes the socket file. */
  close(): void {
    for (const s of this.watches.keys()) s.destroy();
    this.server.close();
    try {
      unlinkSync(this.path);
    } catch {
      // already gone
    }
  }
}
