// Register map, bit names and command codes of an ATA (IDE) channel as ATA/ATAPI-6 (T13/1410D) names
// them: command block registers at offsets 0-7 from the channel base (0x1F0 on the primary channel),
// the control block register at 0x3F6, which the controller sees at offset CONTROL_OFFSET.

// Command block (ATA-6 section 7, table 2), read / write meaning.
export const REG_DATA = 0;
export const REG_ERROR_FEATURES = 1;
export const REG_SECTOR_COUNT = 2;
export const REG_LBA_LOW = 3; // sector number in CHS addressing
export const REG_LBA_MID = 4; // cylinder low
export const REG_LBA_HIGH = 5; // cylinder high
export const REG_DEVICE = 6; // device/head
export const REG_STATUS_COMMAND = 7;
/** Alternate Status (read) / Device Control (write), at 0x3F6: offset 8 of the controller. */
export const CONTROL_OFFSET = 8;

/** Primary channel ports and ISA IRQ (the PC/AT assignment). */
export const ATA_PRIMARY = { commandBase: 0x1f0, commandCount: 8, controlPort: 0x3f6, irq: 14 } as const;

// Status register bits (ATA-6 7.15.6).
export const ST_BSY = 0x80; // busy: the device owns the registers
export const ST_DRDY = 0x40; // device ready to accept commands
export const ST_DF = 0x20; // device fault
export const ST_DSC = 0x10; // device seek complete (obsolete in ATA-6; drives and QEMU still report it)
export const ST_DRQ = 0x08; // data request: a word may be transferred through the Data register
export const ST_ERR = 0x01; // the last command ended in an error (see Error)

// Error register bits (ATA-6 7.9).
export const ER_IDNF = 0x10; // ID not found: the address is outside the medium
export const ER_ABRT = 0x04; // command aborted: unsupported command or bad parameters

// Device register bits (ATA-6 7.10).
export const DEV_LBA = 0x40; // the address registers hold an LBA (else CHS)
export const DEV_DEV = 0x10; // device 1 selected

// Device Control register bits (ATA-6 7.8).
export const DC_SRST = 0x04; // software reset of both devices while set
export const DC_NIEN = 0x02; // the selected device releases INTRQ while set

/** Commands this controller executes (ATA-6 section 8); every other code is aborted. */
export const CMD = {
  readSectors: 0x20,
  readSectorsNoRetry: 0x21,
  writeSectors: 0x30,
  writeSectorsNoRetry: 0x31,
  readVerifySectors: 0x40,
  readVerifySectorsNoRetry: 0x41,
  executeDeviceDiagnostic: 0x90,
  initializeDeviceParameters: 0x91,
  readMultiple: 0xc4,
  writeMultiple: 0xc5,
  setMultipleMode: 0xc6,
  flushCache: 0xe7,
  identifyDevice: 0xec,
} as const;

/** Diagnostic code in Error after power-on, reset or EXECUTE DEVICE DIAGNOSTIC: device 0 passed, device 1 absent (ATA-6 table 10). */
export const DIAG_PASSED = 0x01;
/** Most sectors per block for READ/WRITE MULTIPLE (IDENTIFY word 47). */
export const MAX_MULTIPLE = 16;
