// CPUID: the one place that says which features this vCPU has. Every bit set here is implemented;
// an instruction or register that is missing has no bit (Intel SDM vol. 2A, CPUID, tables 3-10/3-11).

/** CPUID vendor string: 12 characters in EBX, EDX, ECX. */
export const CPU_VENDOR = "ApexVisorCPU";
/** CPUID.1:EAX: family 6, model 1, stepping 0. */
export const CPUID_SIGNATURE = 0x0610;
/** Highest basic leaf answered. */
export const CPUID_MAX_LEAF = 1;

/** CPUID.1:EDX feature bits that this vCPU implements, by the SDM's names (one per line). */
export const CPUID1_EDX_IMPLEMENTED = {
  /** The x87 FPU on chip (kernel/cpu/x87). */
  FPU: 0,
  /** 4 MiB pages with CR4.PSE. */
  PSE: 3,
  /** RDTSC and CR4.TSD. */
  TSC: 4,
  /** RDMSR/WRMSR (msr.ts). */
  MSR: 5,
  /** PAE paging: CR4.PAE, 64-bit entries, 2 MiB pages (pae-walk.ts). */
  PAE: 6,
  /** CMPXCHG8B. */
  CX8: 8,
  /** An on-chip local APIC (reported while IA32_APIC_BASE.EN is set, SDM vol. 3 10.4.3). */
  APIC: 9,
  /** SYSENTER/SYSEXIT and their MSRs. */
  SEP: 11,
  /** MTRRcap and MTRRdefType (no variable or fixed ranges: MTRRcap reads 0). */
  MTRR: 12,
  /** CMOVcc and FCMOVcc. */
  CMOV: 15,
  /** IA32_PAT. */
  PAT: 16,
  /** FXSAVE/FXRSTOR (and CR4.OSFXSR). */
  FXSR: 24,
} as const;

/** CPUID.1:EDX as a word, given whether a local APIC is present and enabled. */
export function cpuid1Edx(apicEnabled: boolean): number {
  let v = 0;
  for (const bit of Object.values(CPUID1_EDX_IMPLEMENTED)) v |= 1 << bit;
  if (!apicEnabled) v &= ~(1 << CPUID1_EDX_IMPLEMENTED.APIC);
  return v;
}

/** CPUID.1:EDX of a PC with its local APIC enabled (the MP table's processor entry copies it). */
export const CPUID_FEATURES = cpuid1Edx(true);

function vendorWord(i: number): number {
  let v = 0;
  for (let k = 0; k < 4; k++) v |= CPU_VENDOR.charCodeAt(i * 4 + k) << (8 * k);
  return v;
}

/** Result of one CPUID leaf: EAX, EBX, ECX, EDX (int32). */
export interface CpuidResult {
  eax: number;
  ebx: number;
  ecx: number;
  edx: number;
}

/** Highest extended leaf answered. */
export const CPUID_MAX_EXTENDED_LEAF = 0x80000001;
/** CPUID.80000001H:EDX bit 20: execute-disable (IA32_EFER.NXE and the XD bit of PAE entries). */
export const CPUID_EXT_EDX_NX = 1 << 20;

/** Answers leaf `leaf` (EAX); other leaves above the highest basic or extended one read as 0. */
export function cpuidLeaf(leaf: number, apicEnabled: boolean): CpuidResult {
  switch (leaf >>> 0) {
    case 0x80000000:
      return { eax: CPUID_MAX_EXTENDED_LEAF, ebx: 0, ecx: 0, edx: 0 };
    case 0x80000001:
      return { eax: 0, ebx: 0, ecx: 0, edx: CPUID_EXT_EDX_NX };
    case 0:
      return { eax: CPUID_MAX_LEAF, ebx: vendorWord(0), edx: vendorWord(1), ecx: vendorWord(2) };
    case 1:
      // EBX: initial APIC ID 0 (bits 31-24), one logical processor; ECX: no SSE3-era features.
      return { eax: CPUID_SIGNATURE, ebx: 0, ecx: 0, edx: cpuid1Edx(apicEnabled) };
    default:
      return { eax: 0, ebx: 0, ecx: 0, edx: 0 };
  }
}
