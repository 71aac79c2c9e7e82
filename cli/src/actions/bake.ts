import type { AlarmRef } from "@platform/infra/layers";
import type { Services, SoakResult } from "../services/services";

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A step of traffic on trial: wait `minutes` while it takes requests, then ask the soak gate (the one `promote`
 * uses) whether every alarm stayed OK through that window. Asking at once would judge the minutes before the step.
 */
export async function bakeThenCheck(services: Pick<Services, "soak" | "sleep">, alarms: readonly AlarmRef[], minutes: number): Promise<SoakResult> {
  await (services.sleep ?? sleep)(minutes * 60_000);
  return services.soak.check({ alarms, minutes });
}
