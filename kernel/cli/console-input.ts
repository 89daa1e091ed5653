// The CLI's console input for `boot` and `run --console`: stdin read as a stream (a pipe or file, a chunk
// at a time when the guest's line wants a byte, so an endless pipe never holds up the start), or a
// terminal in raw mode. The terminal is the one non-deterministic input: what arrives when depends on the
// typist. Ctrl-A x quits and Ctrl-A Ctrl-A sends Ctrl-A, as in QEMU.
import { closeSync, constants, openSync, readSync } from "fs";
import type { InputPoll, InputSource } from "../machine/serial-input";

const CHUNK = 4096;
const CTRL_A = 0x01;
/** How long a look at an idle terminal waits for a key (host ms): keeps an idle guest from spinning the host. */
const TTY_WAIT_MS = 1;

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Reads `fd` a chunk at a time, blocking until bytes or the end arrive (deterministic: no timing involved). */
export function streamSource(fd: number): InputSource {
  const buf = Buffer.alloc(CHUNK);
  let have = 0;
  let at = 0;
  let ended = false;
  return {
    interactive: false,
    poll(): InputPoll {
      while (at === have && !ended) {
        try {
          have = readSync(fd, buf, 0, CHUNK, null);
          at = 0;
          if (have === 0) ended = true;
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          if (code === "EAGAIN") sleepMs(2); // a non-blocking pipe with nothing yet: the line waits
          else ended = true; // closed or unreadable: no more input
        }
      }
      return ended && at === have ? { kind: "end" } : { kind: "byte", byte: buf[at++]! };
    },
  };
}

/** A terminal in raw mode; `close()` puts it back. */
export interface TerminalSource extends InputSource {
  close(): void;
}

/** The controlling terminal, raw, read without blocking. */
export function terminalSource(): TerminalSource {
  process.stdin.setRawMode(true);
  const fd = openSync("/dev/tty", constants.O_RDONLY | constants.O_NONBLOCK);
  const buf = Buffer.alloc(256);
  const queue: number[] = [];
  let escape = false;
  let quit = false;
  const take = (b: number): void => {
    if (escape) {
      escape = false;
      if (b === 0x78 || b === 0x58) quit = true; // x
      else if (b === CTRL_A || b === 0x61) queue.push(CTRL_A); // Ctrl-A a / Ctrl-A Ctrl-A
      return;
    }
    if (b === CTRL_A) escape = true;
    else queue.push(b);
  };
  const readAvailable = (): void => {
    try {
      const n = readSync(fd, buf, 0, buf.length, null);
      for (let i = 0; i < n; i++) take(buf[i]!);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EAGAIN") quit = true;
    }
  };
  return {
    interactive: true,
    poll(): InputPoll {
      if (queue.length === 0 && !quit) {
        readAvailable();
        if (queue.length === 0 && !quit) {
          sleepMs(TTY_WAIT_MS);
          readAvailable();
        }
      }
      if (quit) return { kind: "quit" };
      const b = queue.shift();
      return b === undefined ? { kind: "none" } : { kind: "byte", byte: b };
    },
    close(): void {
      closeSync(fd);
      process.stdin.setRawMode(false);
      process.stdin.pause();
      process.stdin.destroy();
    },
  };
}

/** stdin as an input source: the terminal when it is one, else the stream. */
export function stdinSource(): InputSource & { close(): void } {
  if (process.stdin.isTTY) return terminalSource();
  return { ...streamSource(0), close: () => undefined };
}
