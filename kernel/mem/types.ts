// Branded number types for addresses and units, so that an address is never mistaken for a length
// and nanoseconds never for cycles. Construction helpers check ranges; arithmetic on addresses lives
// in kernel/mem/ helpers only.

declare const brand: unique symbol;
/** A number tagged with a unit or address space that the compiler keeps apart from plain numbers. */
export type Brand<T, B extends string> = T & { readonly [brand]: B };

/** Guest-physical address (32 bits, unsigned). */
export type GuestPhysAddr = Brand<number, "GuestPhysAddr">;
/** Guest-virtual (linear, after segmentation) address (32 bits, unsigned). */
export type GuestVirtAddr = Brand<number, "GuestVirtAddr">;
/** A byte count. */
export type ByteLength = Brand<number, "ByteLength">;
/** An x86 I/O port number, 0..0xFFFF. */
export type IoPort = Brand<number, "IoPort">;
/** ARINC 653 partition identifier as configured (PartitionIdentifier). */
export type PartitionId = Brand<number, "PartitionId">;
/** Virtual time or a duration, in integer nanoseconds (bigint: a module may run for longer than 2^53 ns). */
export type Nanos = Brand<bigint, "Nanos">;
/** CPU cycles of the cost model. */
export type Cycles = Brand<number, "Cycles">;

const U32_MAX = 0xffff_ffff;

function checkU32(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value > U32_MAX) {
    throw new RangeError(`${what} out of range: ${value}`);
  }
}

/** Tags a checked 32-bit value as a guest-physical address. */
export function guestPhys(value: number): GuestPhysAddr {
  checkU32(value, "guest-physical address");
  return value as GuestPhysAddr;
}

/** Tags a checked 32-bit value as a guest-virtual address. */
export function guestVirt(value: number): GuestVirtAddr {
  checkU32(value, "guest-virtual address");
  return value as GuestVirtAddr;
}

/** Tags a non-negative integer as a byte length. */
export function byteLength(value: number): ByteLength {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`byte length out of range: ${value}`);
  return value as ByteLength;
}

/** Tags a 16-bit value as an I/O port. */
export function ioPort(value: number): IoPort {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff) throw new RangeError(`I/O port out of range: ${value}`);
  return value as IoPort;
}

/** Tags a configured identifier as a partition id. */
export function partitionId(value: number): PartitionId {
  if (!Number.isSafeInteger(value)) throw new RangeError(`partition id not an integer: ${value}`);
  return value as PartitionId;
}

/** Tags a bigint as nanoseconds. */
export function nanos(value: bigint | number): Nanos {
  return BigInt(value) as Nanos;
}

/** Tags a non-negative integer as a cycle count. */
export function cycles(value: number): Cycles {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`cycle count out of range: ${value}`);
  return value as Cycles;
}
