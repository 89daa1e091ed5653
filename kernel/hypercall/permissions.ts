// Which paravirt services a partition may call, from its configuration alone (never from guest data).
// The dispatcher and the resolver both ask here; an unpermitted service looks like an unknown one.
import type { PartitionConfig, SystemConfig } from "../config/model";
import { SERVICES, type ServiceDescriptor, type ServiceId } from "./generated/abi-generated";

/** True when `p` may call a service with this permission. */
export function allows(permission: ServiceDescriptor["permission"], p: PartitionConfig, config: SystemConfig): boolean {
  switch (permission) {
    case "any":
      return true;
    case "system-partition":
      return p.systemPartition;
    case "schedule-permitted":
      return schedulePermitted(p, config);
    default: {
      const unreachable: never = permission;
      throw new Error(`unhandled permission ${String(unreachable)}`);
    }
  }
}

/** True when some module schedule lets `p` call SET_MODULE_SCHEDULE. */
export function schedulePermitted(p: PartitionConfig, config: SystemConfig): boolean {
  return config.schedules.some((s) => s.partitions.some((e) => e.partition === p.id && e.setModuleSchedule));
}

/** The live services `p` may call. */
export function permittedServices(p: PartitionConfig, config: SystemConfig): ReadonlySet<ServiceId> {
  return new Set(SERVICES.filter((s) => allows(s.permission, p, config)).map((s) => s.id));
}
