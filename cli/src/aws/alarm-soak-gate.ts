import type { AlarmKind, AlarmRef } from "@platform/infra/layers";
import type { SoakGate, SoakRequest, SoakResult } from "../services/services";
import { awsError } from "./aws-errors";

export interface AlarmState {
  readonly name: string;
  readonly state: string;
}

export interface AlarmTransition {
  readonly name: string;
  readonly at: Date;
  /** The state the alarm went to (from the history item's JSON data). */
  readonly to: string;
}

/** What the soak gate reads from CloudWatch; the SDK one below, in-memory ones in tests. */
export interface AlarmSource {
  currentStates(region: string, names: readonly string[]): Promise<AlarmState[]>;
  transitions(region: string, names: readonly string[], since: Date, until: Date): Promise<AlarmTransition[]>;
}

/**
 * Whether INSUFFICIENT_DATA passes the gate, per alarm kind. A threshold alarm (all of ours set
 * treatMissingData) reports it only when it cannot evaluate at all, which proves nothing; an anomaly-detection
 * alarm reports it while its model trains, for days on a new, quiet environment.
 */
export const INSUFFICIENT_DATA_PASSES: Readonly<Record<AlarmKind, boolean>> = { threshold: false, anomaly: true };

/**
 * The promotion soak gate: every alarm exists in its region, is OK now (or INSUFFICIENT_DATA where its kind
 * allows it), and did not go to ALARM during the last `minutes` minutes. Each region is asked for its own alarms.
 */
export class AlarmSoakGate implements SoakGate {
  constructor(
    private readonly source: AlarmSource,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async check(request: SoakRequest): Promise<SoakResult> {
    const until = this.now();
    const since = new Date(until.getTime() - request.minutes * 60_000);
    const regions = [...new Set(request.alarms.map((a) => a.region))];
    const read = await Promise.all(
      regions.map(async (region) => {
        const names = request.alarms.filter((a) => a.region === region).map((a) => a.name);
        const [states, transitions] = await Promise.all([this.source.currentStates(region, names), this.source.transitions(region, names, since, until)]);
        return { region, states, transitions };
      }),
    );
    const label = (a: AlarmRef) => `${a.name} (${a.region})`;
    const problems: string[] = [];
    for (const alarm of request.alarms) {
      const state = read.find((r) => r.region === alarm.region)?.states.find((s) => s.name === alarm.name)?.state;
      if (state === undefined) problems.push(`${label(alarm)}: no such alarm in ${alarm.region}`);
      else if (state === "INSUFFICIENT_DATA" && !INSUFFICIENT_DATA_PASSES[alarm.kind]) {
        problems.push(`${label(alarm)}: is INSUFFICIENT_DATA now (a ${alarm.kind} alarm without data proves nothing)`);
      } else if (state !== "OK" && state !== "INSUFFICIENT_DATA") problems.push(`${label(alarm)}: is ${state} now`);
    }
    for (const { region, transitions } of read) {
      for (const t of transitions) {
        if (t.to === "ALARM") problems.push(`${t.name} (${region}): went to ALARM at ${t.at.toISOString()}`);
      }
    }
    return { ok: problems.length === 0, problems };
  }
}

/** CloudWatch DescribeAlarms / DescribeAlarmHistory through the AWS SDK, loaded on first use; `endpoint` only in tests. */
export function sdkAlarmSource(endpoint?: string): AlarmSource {
  const load = async (region: string) => {
    const cw = await import("@aws-sdk/client-cloudwatch");
    return { cw, client: new cw.CloudWatchClient({ region, ...(endpoint ? { endpoint } : {}) }) };
  };
  return {
    async currentStates(region, names) {
      try {
        const { cw, client } = await load(region);
        const states: AlarmState[] = [];
        for (let i = 0; i < names.length; i += 100) {
          const response = await client.send(
            new cw.DescribeAlarmsCommand({ AlarmNames: names.slice(i, i + 100), AlarmTypes: ["MetricAlarm", "CompositeAlarm"] }),
          );
          for (const alarm of [...(response.MetricAlarms ?? []), ...(response.CompositeAlarms ?? [])]) {
            if (alarm.AlarmName) states.push({ name: alarm.AlarmName, state: alarm.StateValue ?? "UNKNOWN" });
          }
        }
        return states;
      } catch (error) {
        throw awsError(error, "reading CloudWatch alarms");
      }
    },
    async transitions(region, names, since, until) {
      try {
        const { cw, client } = await load(region);
        const found: AlarmTransition[] = [];
        for (const name of names) {
          let token: string | undefined;
          do {
            const response = await client.send(
              new cw.DescribeAlarmHistoryCommand({ AlarmName: name, HistoryItemType: "StateUpdate", StartDate: since, EndDate: until, NextToken: token }),
            );
            for (const item of response.AlarmHistoryItems ?? []) {
              found.push({ name, at: item.Timestamp ?? until, to: newState(item.HistoryData, item.HistorySummary) });
            }
            token = response.NextToken;
          } while (token);
        }
        return found;
      } catch (error) {
        throw awsError(error, "reading CloudWatch alarm history");
      }
    },
  };
}

/** The target state of a StateUpdate history item: HistoryData JSON newState.stateValue, else the summary. */
export function newState(historyData: string | undefined, summary: string | undefined): string {
  try {
    const data = JSON.parse(historyData ?? "") as { newState?: { stateValue?: unknown } };
    if (typeof data.newState?.stateValue === "string") return data.newState.stateValue;
  } catch {
    // fall through to the summary, e.g. "Alarm updated from OK to ALARM"
  }
  return /to (ALARM|OK|INSUFFICIENT_DATA)\b/.exec(summary ?? "")?.[1] ?? "UNKNOWN";
}
