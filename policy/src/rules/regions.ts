import type { PolicyResource, StackRule, Violation } from "./types";
import { asRecord, asStringArray } from "./values";

const ALARM_TYPES = new Set(["aws:cloudwatch/metricAlarm:MetricAlarm", "aws:cloudwatch/compositeAlarm:CompositeAlarm"]);
const ECS_SERVICE = "aws:ecs/service:Service";
const ACTIONS = ["alarmActions", "okActions", "insufficientDataActions"] as const;

/** The region inside an ARN (arn:<partition>:<service>:<region>:...); undefined when it has none. */
export function regionOfArn(arn: string): string | undefined {
  const region = arn.split(":")[3];
  return region === undefined || region === "" ? undefined : region;
}

/**
 * CloudWatch alarms are regional: an alarm can only notify an SNS topic in its own region, and ECS looks up a
 * service's deployment alarms in the service's region (so does anything that gates on an alarm by name).
 * Resources whose region is unknown (a real preview before the provider is known) are not judged.
 */
export const alarmSameRegion: StackRule = {
  kind: "stack",
  name: "alarm-same-region",
  description: "An alarm notifies topics in its own region; a service's deployment alarms live in the service's region.",
  level: "mandatory",
  validate(resources) {
    const violations: Violation[] = [];
    const alarms = resources.filter((r) => ALARM_TYPES.has(r.type));
    for (const alarm of alarms) {
      if (alarm.region === undefined) continue;
      for (const key of ACTIONS) {
        for (const arn of asStringArray(alarm.props[key])) {
          const region = regionOfArn(arn);
          if (arn.startsWith("arn:") && arn.split(":")[2] === "sns" && region !== undefined && region !== alarm.region) {
            violations.push({
              urn: alarm.urn,
              message: `alarm in ${alarm.region} has ${key} ${arn} in ${region}; CloudWatch only notifies topics in the alarm's region (use a topic in ${alarm.region})`,
            });
          }
        }
      }
    }
    const alarmNamed = (name: string): PolicyResource | undefined => alarms.find((a) => a.props.name === name);
    for (const service of resources.filter((r) => r.type === ECS_SERVICE && r.region !== undefined)) {
      for (const name of asStringArray(asRecord(service.props.alarms)?.alarmNames)) {
        const alarm = alarmNamed(name);
        if (alarm?.region !== undefined && alarm.region !== service.region) {
          violations.push({
            urn: service.urn,
            message: `service in ${service.region} is gated by alarm ${name}, which lives in ${alarm.region}; ECS finds only alarms in its own region`,
          });
        }
      }
    }
    return violations;
  },
};
