// The colour text display: the 32 KiB text buffer at 0xB8000 (char + attribute per cell, 80x25 shown)
// as a cheap MMIO region, and the CRTC (6845/VGA) index/data, mode and status ports at 0x3D0-0x3DF.
// It renders nothing: dumpText() gives the visible page as text. Graphics modes and fonts are out of scope.
import type { MmioHandler } from "../mem/physical-memory";
import { guestPhys, ioPort } from "../mem/types";
import type { Device, ParseResult } from "./device";
import { parseStateWith } from "./state-reader";

/** Physical base of the colour text buffer. */
export const CGA_TEXT_BASE = guestPhys(0xb_8000);
/** Size of the text buffer window (0xB8000-0xBFFFF). */
export const CGA_TEXT_SIZE = 0x8000;
/** First port of the CGA register block (the device's offset 0). */
export const CGA_PORT_BASE = ioPort(0x3d0);
/** Number of ports in the block. */
export const CGA_PORT_COUNT = 16;
/** Visible columns and rows of text mode 3. */
export const TEXT_COLUMNS = 80;
export const TEXT_ROWS = 25;

const PORT_CRTC_INDEX = 0x4; // 0x3D4 CRTC Address Register
const PORT_CRTC_DATA = 0x5; // 0x3D5 CRTC Data Register
const PORT_MODE_CONTROL = 0x8; // 0x3D8 CGA Mode Control Register
const PORT_COLOR_SELECT = 0x9; // 0x3D9 CGA Colour Select Register
const PORT_STATUS = 0xa; // 0x3DA Input Status Register 1
const STATUS_DISPLAY_DISABLED = 0x01; // Input Status 1 bit 0: Display Enable NOT (retrace)
const STATUS_VERTICAL_RETRACE = 0x08; // Input Status 1 bit 3: Vertical Retrace
const CRTC_REGISTERS = 0x19; // VGA CRTC registers 0x00-0x18
const CRTC_START_ADDRESS_HIGH = 0x0c; // Start Address High
const CRTC_START_ADDRESS_LOW = 0x0d; // Start Address Low
const CRTC_CURSOR_HIGH = 0x0e; // Cursor Location High
const CRTC_CURSOR_LOW = 0x0f; // Cursor Location Low

/** CRTC contents a VGA BIOS leaves for text mode 3 (80x25, cursor scan lines 13-14). */
const MODE3_CRTC = [
  0x5f, 0x4f, 0x50, 0x82, 0x55, 0x81, 0xbf, 0x1f, 0x00, 0x4f, 0x0d, 0x0e, 0x00, 0x00, 0x00, 0x00,
  0x9c, 0x8e, 0x8f, 0x28, 0x1f, 0x96, 0xb9, 0xa3, 0xff,
];

/** Code page 437, bytes 0x80-0xFF, for dumpText. */
const CP437_HIGH =
  "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0";

/** Saved display: CRTC registers, the other port latches and the whole text buffer. */
export interface CgaTextState {
  readonly crtcIndex: number;
  readonly crtc: readonly number[];
  readonly modeControl: number;
  readonly colorSelect: number;
  readonly statusReads: number;
  /** The 32 KiB text buffer, byte by byte. */
  readonly vram: readonly number[];
}

/** The text display: this Device is the port block; `memory` is the buffer at 0xB8000. */
export class CgaText implements Device<CgaTextState> {
  readonly name = "cga-text";
  private readonly vram = new Uint8Array(CGA_TEXT_SIZE);
  private crtcIndex = 0;
  private readonly crtc = new Array<number>(CRTC_REGISTERS).fill(0);
  private modeControl = 0;
  private colorSelect = 0;
  private statusReads = 0;

  /** The text buffer as an MMIO region (little-endian; accesses past the end are dropped / read 0xFF). */
  readonly memory: MmioHandler = {
    read: (offset, size) => {
      if (offset < 0 || offset + size > CGA_TEXT_SIZE) return size === 4 ? 0xffff_ffff : (1 << (size * 8)) - 1;
      const v = this.vram;
      if (size === 1) return v[offset] ?? 0;
      if (size === 2) return (v[offset] ?? 0) | ((v[offset + 1] ?? 0) << 8);
      return ((v[offset] ?? 0) | ((v[offset + 1] ?? 0) << 8) | ((v[offset + 2] ?? 0) << 16) | ((v[offset + 3] ?? 0) << 24)) >>> 0;
    },
    write: (offset, size, value) => {
      if (offset < 0 || offset + size > CGA_TEXT_SIZE) return;
      for (let i = 0; i < size; i++) this.vram[offset + i] = (value >>> (8 * i)) & 0xff;
    },
  };

  constructor() {
    this.reset();
  }

  /** Clears the screen to grey-on-black spaces and loads the mode 3 CRTC values. */
  reset(): void {
    for (let i = 0; i < CGA_TEXT_SIZE; i += 2) {
      this.vram[i] = 0x20;
      this.vram[i + 1] = 0x07;
    }
    this.crtcIndex = 0;
    MODE3_CRTC.forEach((v, i) => (this.crtc[i] = v));
    this.modeControl = 0x29; // 80x25 text, video enabled, blink
    this.colorSelect = 0;
    this.statusReads = 0;
  }

  read(offset: number, size: 1 | 2 | 4): number {
    const low = this.readPort(offset);
    if (size === 1) return low;
    return low | (this.readPort(offset + 1) << 8) | (size === 4 ? 0xffff_0000 : 0);
  }

  /** A 16-bit write to 0x3D4 is the usual "index in AL, data in AH" idiom: both bytes land. */
  write(offset: number, size: 1 | 2 | 4, value: number): void {
    this.writePort(offset, value & 0xff);
    if (size >= 2) this.writePort(offset + 1, (value >>> 8) & 0xff);
  }

  private readPort(offset: number): number {
    switch (offset) {
      case PORT_CRTC_INDEX: return this.crtcIndex;
      case PORT_CRTC_DATA: return this.crtc[this.crtcIndex] ?? 0xff;
      case PORT_STATUS: {
        // Alternate retrace / display on every read, so both "wait for retrace" loops end.
        const inRetrace = (this.statusReads & 1) === 0;
        this.statusReads = (this.statusReads + 1) & 0xffff;
        return inRetrace ? STATUS_DISPLAY_DISABLED | STATUS_VERTICAL_RETRACE : 0;
      }
      default: return 0xff; // mode control and colour select are write-only
    }
  }

  private writePort(offset: number, value: number): void {
    switch (offset) {
      case PORT_CRTC_INDEX: this.crtcIndex = value & 0x1f; return;
      case PORT_CRTC_DATA:
        if (this.crtcIndex < CRTC_REGISTERS) this.crtc[this.crtcIndex] = value;
        return;
      case PORT_MODE_CONTROL: this.modeControl = value; return;
      case PORT_COLOR_SELECT: this.colorSelect = value; return;
      default: return;
    }
  }

  /** Cell index (row * 80 + column) of the hardware cursor, relative to the buffer start. */
  cursorCell(): number {
    return (((this.crtc[CRTC_CURSOR_HIGH] ?? 0) << 8) | (this.crtc[CRTC_CURSOR_LOW] ?? 0)) & 0x3fff;
  }

  /** The visible page (from the CRTC start address) as 25 lines, trailing spaces trimmed, CP437 decoded. */
  dumpText(): string {
    const start = ((((this.crtc[CRTC_START_ADDRESS_HIGH] ?? 0) << 8) | (this.crtc[CRTC_START_ADDRESS_LOW] ?? 0)) & 0x3fff) * 2;
    const lines: string[] = [];
    for (let row = 0; row < TEXT_ROWS; row++) {
      let line = "";
      for (let col = 0; col < TEXT_COLUMNS; col++) {
        line += glyph(this.vram[(start + (row * TEXT_COLUMNS + col) * 2) % CGA_TEXT_SIZE] ?? 0x20);
      }
      lines.push(line.replace(/[ \u00a0]+$/, ""));
    }
    return lines.join("\n");
  }

  saveState(): CgaTextState {
    return {
      crtcIndex: this.crtcIndex, crtc: [...this.crtc], modeControl: this.modeControl, colorSelect: this.colorSelect,
      statusReads: this.statusReads, vram: Array.from(this.vram),
    };
  }

  parseState(raw: unknown): ParseResult<CgaTextState> {
    const parsed = parseStateWith(raw, this.name, (r): CgaTextState => ({
      crtcIndex: r.uint("crtcIndex", 0x1f), crtc: r.uintList("crtc", 0xff, CRTC_REGISTERS),
      modeControl: r.uint("modeControl", 0xff), colorSelect: r.uint("colorSelect", 0xff),
      statusReads: r.uint("statusReads", 0xffff), vram: r.uintList("vram", 0xff, CGA_TEXT_SIZE),
    }));
    if (!parsed.ok) return parsed;
    if (parsed.state.crtc.length !== CRTC_REGISTERS) return { ok: false, error: `${this.name}.crtc: expected ${CRTC_REGISTERS} registers` };
    if (parsed.state.vram.length !== CGA_TEXT_SIZE) return { ok: false, error: `${this.name}.vram: expected ${CGA_TEXT_SIZE} bytes` };
    return parsed;
  }

  restoreState(s: CgaTextState): void {
    this.crtcIndex = s.crtcIndex;
    s.crtc.forEach((v, i) => (this.crtc[i] = v));
    this.modeControl = s.modeControl;
    this.colorSelect = s.colorSelect;
    this.statusReads = s.statusReads;
    this.vram.set(s.vram);
  }
}

/** Printable ASCII as is, NUL as a space, other control codes as '.', the upper half as CP437. */
function glyph(byte: number): string {
  if (byte >= 0x20 && byte < 0x7f) return String.fromCharCode(byte);
  if (byte === 0) return " ";
  if (byte >= 0x80) return CP437_HIGH[byte - 0x80] ?? ".";
  return ".";
}
