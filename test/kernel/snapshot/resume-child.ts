// Child process of continuation.test.ts: resumes module snapshot files in THIS process, which never ran
// the module, each into a fresh runner built from the file as `apexvisor resume` does (same reader, same
// runModule path), and prints every resume's console lines and trace as one JSON document on stdout.
// Usage: node resume-child.js FILE:REST_NS [FILE:REST_NS ...]
import { NODE_HOST } from "../../../kernel/host/node/node-files";
import { readSnapshotFile } from "../../../kernel/host/node/snapshot-io";
import { nanos } from "../../../kernel/mem/types";
import { defaultBuilders } from "../../../kernel/module/default-builders";
import { runModule } from "../../../kernel/module/run-module";
import { writeJsonLines } from "../../../kernel/trace/jsonl-writer";
import { MemoryTracer } from "../../../kernel/trace/tracer";

/** What the parent reads back for one resumed file. */
export interface ResumedRun {
  readonly file: string;
  readonly lines: readonly string[];
  readonly trace: string;
}

function resumeOne(job: string): ResumedRun {
  const at = job.lastIndexOf(":");
  const file = job.slice(0, at);
  const rest = BigInt(job.slice(at + 1));
  const read = readSnapshotFile(file);
  if (!read.ok) throw new Error(`${file}: ${read.error}`);
  const module = read.content.params["module"];
  if (typeof module !== "string") throw new Error(`${file}: not a module snapshot`);
  const lines: string[] = [];
  const tracer = new MemoryTracer();
  const out = runModule({
    file: module,
    length: { kind: "duration", value: nanos(rest) },
    host: NODE_HOST,
    builders: (c) => defaultBuilders(c, NODE_HOST),
    trace: tracer,
    onConsoleLine: (n, l) => lines.push(`[${n}] ${l}`),
    onNotice: (t, text) => lines.push(`-- ${t}: ${text}`),
    resume: read.content,
  });
  if (out.kind !== "ran") throw new Error(`${file}: ${out.kind} ${JSON.stringify(out).slice(0, 300)}`);
  return { file, lines, trace: writeJsonLines(tracer.events) };
}

process.stdout.write(JSON.stringify(process.argv.slice(2).map(resumeOne)));
