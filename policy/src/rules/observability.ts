import type { ResourceRule } from "./types";
import { asArray, asNumber } from "./values";

/** Logs are kept for a known time: never forever (cost) and never unset. */
export const logGroupRetention: ResourceRule = {
  kind: "resource",
  name: "log-group-retention",
  description: "Every CloudWatch log group has a retention period.",
  level: "mandatory",
  types: ["aws:cloudwatch/logGroup:LogGroup"],
  validate({ props }) {
    const days = asNumber(props.retentionInDays);
    return days !== undefined && days > 0 ? [] : ["log group must set retentionInDays (it keeps logs forever otherwise)"];
  },
};

/** An alarm nobody hears is not an alarm. */
export const alarmsNotify: ResourceRule = {
  kind: "resource",
  name: "alarms-notify",
  description: "Every CloudWatch alarm notifies someone (alarmActions is not empty).",
  level: "mandatory",
  types: ["aws:cloudwatch/metricAlarm:MetricAlarm", "aws:cloudwatch/compositeAlarm:CompositeAlarm"],
  validate({ props }) {
    if (props.actionsEnabled === false) return ["alarm has actionsEnabled: false, so it notifies nobody"];
    return asArray(props.alarmActions).length > 0 ? [] : ["alarm must notify: alarmActions must include the alert topic ARN"];
  },
};

/** Advisory: customer-managed keys rotate yearly. */
export const kmsKeyRotation: ResourceRule = {
  kind: "resource",
  name: "kms-key-rotation",
  description: "Customer-managed KMS keys rotate automatically.",
  level: "advisory",
  types: ["aws:kms/key:Key"],
  validate({ props }) {
    if (props.customerMasterKeySpec !== undefined && props.customerMasterKeySpec !== "SYMMETRIC_DEFAULT") return [];
    if (props.keySpec !== undefined && props.keySpec !== "SYMMETRIC_DEFAULT") return [];
    return props.enableKeyRotation === true ? [] : ["KMS key should set enableKeyRotation: true"];
  },
};
