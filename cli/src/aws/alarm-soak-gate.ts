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
 * The promotion soak gate: every alarm exists, is OK now, and did not go to ALARM during the last
 * `minutes` minutes. INSUFFICIENT_DATA counts as not OK: an alarm that sees no traffic proves nothing.
 */
export class AlarmSoakGate implements SoakGate {
  constructor(
    private readonly source: AlarmSource,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async check(request: SoakRequest): Promise<SoakResult> {
    const until = this.now();
    const since = new Date(until.getTime() - request.minutes * 60_000);
    const [states, transitions] = await Promise.all([
      this.source.currentStates(request.region, request.alarmNames),
      this.source.transitions(request.region, request.alarmNames, since, until),
    ]);
    const problems: string[] = [];
    for (const name of request.alarmNames) {
      const state = states.find((s) => s.name === name);
      if (!state) problems.push(`${name}: no such alarm in ${request.region}`);
      else if (state.state !== "OK") problems.push(`${name}: is ${state.state} now`);
    }
    for (const t of transitions) {
      if (t.to === "ALARM") problems.push(`${t.name}: went to ALARM at ${t.at.toISOString()}`);
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
          const response = await client.send(new cw.DescribeAlarmsCommand({ AlarmNames: names.slice(i, i + 100), AlarmTypes: ["MetricAlarm", "CompositeAlarm"] }));
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
