// Moved to kernel/bench/guest-manifest.ts (kernel code may not import scripts/); this re-export keeps
// scripts written against the old path building.
export * from "../../kernel/bench/guest-manifest";
