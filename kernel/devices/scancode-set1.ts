// Host characters as PS/2 keystrokes in scan code set 1 (the set an 8042 with translation on hands
// the guest; IBM PC/AT technical reference, keyboard scan codes): make and break codes, with Shift or
// Ctrl held around the key when the character needs it. A character with no key is dropped.

/** Set-1 make codes of the unshifted (index 0) and shifted (index 1) character of each key. */
const KEYS: ReadonlyArray<readonly [number, string, string]> = [
  [0x02, "1", "!"], [0x03, "2", "@"], [0x04, "3", "#"], [0x05, "4", "$"], [0x06, "5", "%"], [0x07, "6", "^"],
  [0x08, "7", "&"], [0x09, "8", "*"], [0x0a, "9", "("], [0x0b, "0", ")"], [0x0c, "-", "_"], [0x0d, "=", "+"],
  [0x10, "q", "Q"], [0x11, "w", "W"], [0x12, "e", "E"], [0x13, "r", "R"], [0x14, "t", "T"], [0x15, "y", "Y"],
  [0x16, "u", "U"], [0x17, "i", "I"], [0x18, "o", "O"], [0x19, "p", "P"], [0x1a, "[", "{"], [0x1b, "]", "}"],
  [0x1e, "a", "A"], [0x1f, "s", "S"], [0x20, "d", "D"], [0x21, "f", "F"], [0x22, "g", "G"], [0x23, "h", "H"],
  [0x24, "j", "J"], [0x25, "k", "K"], [0x26, "l", "L"], [0x27, ";", ":"], [0x28, "'", '"'], [0x29, "`", "~"],
  [0x2b, "\\", "|"], [0x2c, "z", "Z"], [0x2d, "x", "X"], [0x2e, "c", "C"], [0x2f, "v", "V"], [0x30, "b", "B"],
  [0x31, "n", "N"], [0x32, "m", "M"], [0x33, ",", "<"], [0x34, ".", ">"], [0x35, "/", "?"], [0x39, " ", " "],
];
const LEFT_SHIFT = 0x2a, LEFT_CTRL = 0x1d, BREAK = 0x80;
/** Keys that are control characters of their own: Esc, Backspace (BS and DEL), Tab, Enter (CR and LF). */
const SPECIAL: ReadonlyMap<number, number> = new Map([[0x1b, 0x01], [0x08, 0x0e], [0x7f, 0x0e], [0x09, 0x0f], [0x0d, 0x1c], [0x0a, 0x1c]]);

const PLAIN = new Map<number, { code: number; shift: boolean }>();
for (const [code, lower, upper] of KEYS) {
  PLAIN.set(lower.charCodeAt(0), { code, shift: false });
  if (!PLAIN.has(upper.charCodeAt(0))) PLAIN.set(upper.charCodeAt(0), { code, shift: true });
}

/** The set-1 bytes a keyboard sends for host byte `ch` (make/break, modifiers around), or [] when no key types it. */
export function scancodesFor(ch: number): number[] {
  const special = SPECIAL.get(ch);
  if (special !== undefined) return [special, special | BREAK];
  const key = PLAIN.get(ch);
  if (key !== undefined) return key.shift ? [LEFT_SHIFT, key.code, key.code | BREAK, LEFT_SHIFT | BREAK] : [key.code, key.code | BREAK];
  if (ch >= 1 && ch <= 26) {
    // Ctrl-A .. Ctrl-Z
    const letter = PLAIN.get(0x60 + ch);
    if (letter !== undefined) return [LEFT_CTRL, letter.code, letter.code | BREAK, LEFT_CTRL | BREAK];
  }
  return [];
}
