// Message length checks and the copy that moves a message into or out of kernel-owned storage.
// No port state here: the buffers and queues hold what these helpers produce.
import type { ServiceOutcome } from "./return-codes";

/**
 * ARINC length rules for WRITE_SAMPLING_MESSAGE / SEND_QUEUING_MESSAGE: LENGTH <= 0 is out of range
 * (INVALID_PARAM); LENGTH > MAX_MESSAGE_SIZE disagrees with the configuration (INVALID_CONFIG).
 * Returns undefined when the length is acceptable.
 */
export function checkLength(length: number, maxMessageSize: number): ServiceOutcome | undefined {
  if (!Number.isSafeInteger(length) || length <= 0) return "badParam";
  if (length > maxMessageSize) return "tooLarge";
  return undefined;
}

/** A fresh copy of a message: kernel storage never aliases guest memory or another buffer. */
export function copyMessage(data: Uint8Array): Uint8Array {
  return Uint8Array.from(data);
}
