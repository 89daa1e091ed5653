// Renders guest console output safely for a host terminal: control characters and escape sequences
// are shown visibly (caret notation ^[ for C0 and DEL, \x9b for C1) instead of being obeyed, so a
// guest cannot retitle or clear the terminal or make it type a reply (ESC [6n) into our stdin.
// Pure: text or bytes in, text or bytes out.

const CARET = (c: number): string => (c === 0x7f ? "^?" : `^${String.fromCharCode(c + 0x40)}`);
const HEX = (c: number): string => `\\x${c.toString(16).padStart(2, "0")}`;

/** One console line (a latin1 string of guest bytes, newline removed): controls except TAB made visible. */
export function sanitizeLine(text: string): string {
  // Fast path: nothing to change.
  if (!/[\x00-\x08\x0a-\x1f\x7f-\x9f]/.test(text)) return text;
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) out += CARET(c);
    else if (c >= 0x80 && c <= 0x9f) out += HEX(c);
    else out += text[i];
  }
  return out;
}

/** A raw byte stream (`boot`'s serial output) made safe: TAB, LF, CR and BS pass, other C0 controls and
 * DEL in caret notation, UTF-8-encoded C1 controls (C2 80..C2 9F) as \xNN; remembers a C2 split
 * between two writes. */
export class ByteSanitizer {
  private heldC2 = false;

  filter(bytes: Uint8Array): Uint8Array {
    const out: number[] = [];
    const text = (s: string): void => {
      for (let k = 0; k < s.length; k++) out.push(s.charCodeAt(k));
    };
    for (const b of bytes) {
      if (this.heldC2) {
        this.heldC2 = false;
        if (b >= 0x80 && b <= 0x9f) {
          text(HEX(b));
          continue;
        }
        out.push(0xc2);
      }
      if (b === 0xc2) this.heldC2 = true;
      else if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x08) || b === 0x7f) text(CARET(b));
      else out.push(b);
    }
    return Uint8Array.from(out);
  }
}
