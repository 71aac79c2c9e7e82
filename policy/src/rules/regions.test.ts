import { describe, expect, it } from "vitest";
import { alarmSameRegion } from "./regions";
import { STAGING } from "./testing";
import type { PolicyResource } from "./types";

const at = (type: string, name: string, region: string | undefined, props: Record<string, unknown>): PolicyResource => ({
  type,
  name,
  urn: `urn:pulumi:staging::platform-compute::${type}::${name}`,
  props,
  ...(region === undefined ? {} : { region }),
});
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const SERVICE = "aws:ecs/service:Service";
const topic = (region: string) => `arn:aws:sns:${region}:123456789012:alerts`;

describe("alarm-same-region", () => {
  it("passes alarms that notify a topic in their own region and a service gated by alarms in its region", () => {
    const resources = [
      at(ALARM, "cdn", "us-east-1", { name: "cdn-5xx", alarmActions: [topic("us-east-1")] }),
      at(ALARM, "api", "eu-west-1", { name: "api-5xx", alarmActions: [topic("eu-west-1")], okActions: [topic("eu-west-1")] }),
      at(SERVICE, "svc", "eu-west-1", { alarms: { enable: true, rollback: true, alarmNames: ["api-5xx"] } }),
    ];
    expect(alarmSameRegion.validate(resources, STAGING)).toEqual([]);
  });

  it("fails an alarm notifying a topic in another region (CloudWatch cannot deliver there)", () => {
    const cdn = at(ALARM, "cdn", "us-east-1", { name: "cdn-5xx", alarmActions: [topic("eu-west-1")] });
    expect(alarmSameRegion.validate([cdn], STAGING)).toEqual([{ urn: cdn.urn, message: expect.stringContaining("eu-west-1") }]);
  });

  it("fails a service whose deployment gate names an alarm in another region (ECS looks it up in its own)", () => {
    const cdn = at(ALARM, "cdn", "us-east-1", { name: "cdn-5xx", alarmActions: [topic("us-east-1")] });
    const service = at(SERVICE, "svc", "eu-west-1", { alarms: { alarmNames: ["cdn-5xx"] } });
    expect(alarmSameRegion.validate([cdn, service], STAGING)).toEqual([{ urn: service.urn, message: expect.stringMatching(/cdn-5xx.*us-east-1/) }]);
  });

  it("judges nothing whose region is unknown", () => {
    expect(alarmSameRegion.validate([at(ALARM, "x", undefined, { alarmActions: [topic("eu-west-1")] })], STAGING)).toEqual([]);
  });
});
