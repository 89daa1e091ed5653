// The small HTTP server behind `apexvisor serve`: the page's static files from build/web/ and the
// module's files from memory, GET only, a fixed list of paths; nothing else on the machine is reachable.
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import type { ServedFile } from "./module-files";

const STATIC: Readonly<Record<string, { file: string; type: string }>> = {
  "/": { file: "index.html", type: "text/html; charset=utf-8" },
  "/index.html": { file: "index.html", type: "text/html; charset=utf-8" },
  "/app.js": { file: "app.js", type: "text/javascript; charset=utf-8" },
  "/worker.js": { file: "worker.js", type: "text/javascript; charset=utf-8" },
  "/style.css": { file: "style.css", type: "text/css; charset=utf-8" },
  "/app.js.map": { file: "app.js.map", type: "application/json" },
  "/worker.js.map": { file: "worker.js.map", type: "application/json" },
};

/** A server for the page in `webDir` and the module `files`; call listen() on it. */
export function pageServer(webDir: string, module: { xmlPath: string; libpvPath: string; files: readonly ServedFile[] }): Server {
  const manifest = JSON.stringify({
    xmlPath: module.xmlPath,
    libpvPath: module.libpvPath,
    files: module.files.map((f, i) => ({ path: f.path, url: `module/file/${i}` })),
  });
  return createServer((req, res) => {
    const url = (req.url ?? "/").split("?")[0] ?? "/";
    const send = (status: number, type: string, body: string | Uint8Array): void => {
      res.writeHead(status, { "content-type": type, "cache-control": "no-store", "x-content-type-options": "nosniff" });
      res.end(body);
    };
    if (req.method !== "GET" && req.method !== "HEAD") return send(405, "text/plain", "GET only\n");
    if (url === "/module/manifest.json") return send(200, "application/json", manifest);
    if (url === "/favicon.ico") return send(204, "image/x-icon", "");
    const m = /^\/module\/file\/(\d+)$/.exec(url);
    if (m !== null) {
      const f = module.files[Number(m[1])];
      return f === undefined ? send(404, "text/plain", "no such module file\n") : send(200, "application/octet-stream", f.bytes);
    }
    const s = STATIC[url];
    if (s === undefined) return send(404, "text/plain", "not found\n");
    try {
      return send(200, s.type, readFileSync(join(webDir, s.file)));
    } catch {
      return send(404, "text/plain", `${s.file} is not built (npm run build:web)\n`);
    }
  });
}
