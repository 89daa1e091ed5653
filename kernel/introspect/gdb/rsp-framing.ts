// gdb remote serial protocol framing: splits a byte stream into packets ($data#cs), acknowledgements
// and the out-of-band interrupt byte (0x03), and builds framed replies. Pure: bytes in, events out.
// Not responsible for what packets mean (gdb-stub.ts).

/** Largest packet body accepted (and advertised as PacketSize); longer input is dropped as malformed. */
export const MAX_PACKET = 0x4000;

/** One thing read from the stream. */
export type RspEvent =
  | { readonly kind: "packet"; readonly data: string }
  /** A packet whose checksum did not match or that was too long: answer with a NAK ('-'). */
  | { readonly kind: "bad" }
  | { readonly kind: "interrupt" }
  | { readonly kind: "ack" }
  | { readonly kind: "nak" };

/** Incremental decoder; keeps a partial packet across chunks. */
export class RspDecoder {
  private state: "idle" | "body" | "sum1" | "sum2" = "idle";
  private body: number[] = [];
  private sum = 0;
  private given = 0;
  private overlong = false;

  /** Feeds bytes and returns the events they complete, in order. */
  push(chunk: Uint8Array): RspEvent[] {
    const out: RspEvent[] = [];
    for (const b of chunk) {
      switch (this.state) {
        case "idle":
          if (b === 0x24) this.start();
          else if (b === 0x03) out.push({ kind: "interrupt" });
          else if (b === 0x2b) out.push({ kind: "ack" });
          else if (b === 0x2d) out.push({ kind: "nak" });
          break; // anything else between packets is noise
        case "body":
          if (b === 0x23) this.state = "sum1";
          else if (b === 0x24) this.start(); // a new start abandons a broken packet
          else {
            this.sum = (this.sum + b) & 0xff;
            if (this.body.length < MAX_PACKET) this.body.push(b);
            else this.overlong = true;
          }
          break;
        case "sum1":
        case "sum2": {
          const h = hexDigit(b);
          if (h < 0) {
            out.push({ kind: "bad" });
            this.state = "idle";
            break;
          }
          this.given = (this.given << 4) | h;
          if (this.state === "sum1") {
            this.state = "sum2";
            break;
          }
          this.state = "idle";
          if (this.overlong || this.given !== this.sum) out.push({ kind: "bad" });
          else out.push({ kind: "packet", data: String.fromCharCode(...this.body) });
          break;
        }
        default: {
          const never: never = this.state;
          throw new Error(`bad decoder state ${String(never)}`);
        }
      }
    }
    return out;
  }

  /** True while a packet has started but not ended. */
  get midPacket(): boolean {
    return this.state !== "idle";
  }

  private start(): void {
    this.state = "body";
    this.body = [];
    this.sum = 0;
    this.given = 0;
    this.overlong = false;
  }
}

function hexDigit(b: number): number {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x61 && b <= 0x66) return b - 0x57;
  if (b >= 0x41 && b <= 0x46) return b - 0x37;
  return -1;
}

/** Frames a reply body: $body#cs, with '#', '$', '}' and '*' escaped. */
export function frame(body: string): string {
  let esc = "";
  for (const ch of body) {
    if (ch === "#" || ch === "$" || ch === "}" || ch === "*") esc += "}" + String.fromCharCode(ch.charCodeAt(0) ^ 0x20);
    else esc += ch;
  }
  let sum = 0;
  for (let i = 0; i < esc.length; i++) sum = (sum + esc.charCodeAt(i)) & 0xff;
  return `$${esc}#${sum.toString(16).padStart(2, "0")}`;
}

/** Undoes binary escaping ('}' then byte ^ 0x20) of an X packet's data. */
export function unescapeBinary(data: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < data.length; i++) {
    const c = data.charCodeAt(i);
    if (c === 0x7d && i + 1 < data.length) out.push(data.charCodeAt(++i) ^ 0x20);
    else out.push(c & 0xff);
  }
  return Uint8Array.from(out);
}

/** Lower-case hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
}

/** Bytes of an even-length hex string, or null when it is not one. */
export function fromHex(hex: string): Uint8Array | null {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return null;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}

/** Little-endian hex of a 32-bit value (gdb's register encoding on i386). */
export function le32Hex(v: number): string {
  const x = v >>> 0;
  return toHex(Uint8Array.of(x & 0xff, (x >>> 8) & 0xff, (x >>> 16) & 0xff, x >>> 24));
}
