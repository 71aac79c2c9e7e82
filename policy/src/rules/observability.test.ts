import { describe, expect, it } from "vitest";
import { alarmsNotify, kmsKeyRotation, logGroupRetention } from "./observability";
import { resource, STAGING } from "./testing";

describe("log-group-retention", () => {
  it("passes a retention", () => {
    expect(logGroupRetention.validate(resource("aws:cloudwatch/logGroup:LogGroup", { retentionInDays: 30 }), STAGING)).toEqual([]);
  });
  it("fails none (kept forever)", () => {
    expect(logGroupRetention.validate(resource("aws:cloudwatch/logGroup:LogGroup", {}), STAGING)).toHaveLength(1);
    expect(logGroupRetention.validate(resource("aws:cloudwatch/logGroup:LogGroup", { retentionInDays: 0 }), STAGING)).toHaveLength(1);
  });
});

describe("alarms-notify", () => {
  const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
  it("passes an alarm that notifies the alert topic", () => {
    expect(alarmsNotify.validate(resource(ALARM, { alarmActions: ["arn:aws:sns:eu-west-1:1:alerts"] }), STAGING)).toEqual([]);
  });
  it("fails a silent alarm", () => {
    expect(alarmsNotify.validate(resource(ALARM, { alarmActions: [] }), STAGING)).toHaveLength(1);
    expect(alarmsNotify.validate(resource(ALARM, { alarmActions: ["arn"], actionsEnabled: false }), STAGING)).toHaveLength(1);
  });
});

describe("kms-key-rotation (advisory)", () => {
  it("passes a rotating key", () => {
    expect(kmsKeyRotation.validate(resource("aws:kms/key:Key", { enableKeyRotation: true }), STAGING)).toEqual([]);
  });
  it("flags a key that does not rotate", () => {
    expect(kmsKeyRotation.level).toBe("advisory");
    expect(kmsKeyRotation.validate(resource("aws:kms/key:Key", {}), STAGING)).toHaveLength(1);
  });
});
