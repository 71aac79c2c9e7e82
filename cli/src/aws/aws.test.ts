import { describe, expect, it } from "vitest";
import { AlarmSoakGate, newState, type AlarmSource } from "./alarm-soak-gate";
import { awsError } from "./aws-errors";
import { EcsDeploymentWatcher, assessDeployments, type EcsDeploymentView } from "./ecs-deployment-watcher";
import { testAwsEndpoint } from "./test-endpoint";

const target = { region: "eu-west-1", cluster: "c", service: "s" };

describe("assessDeployments", () => {
  it("is done when the primary deployment completed", () => {
    expect(assessDeployments([{ id: "d2", status: "PRIMARY", rolloutState: "COMPLETED" }], undefined).result).toEqual({ state: "COMPLETED", deploymentId: "d2" });
  });

  it("keeps waiting while the rollout is in progress", () => {
    const a = assessDeployments([{ id: "d2", status: "PRIMARY", rolloutState: "IN_PROGRESS", runningCount: 1, desiredCount: 3 }, { id: "d1", status: "ACTIVE", rolloutState: "COMPLETED" }], undefined);
    expect(a.result).toBeUndefined();
    expect(a.tracked).toBe("d2");
    expect(a.line).toBe("IN_PROGRESS 1/3 tasks running");
  });

  it("reports a rollback when ECS made another deployment primary and ours failed", () => {
    const result = assessDeployments(
      [
        { id: "d3", status: "PRIMARY", rolloutState: "IN_PROGRESS" },
        { id: "d2", status: "ACTIVE", rolloutState: "FAILED", rolloutStateReason: "ECS deployment circuit breaker: rolling back to deploymentId d1." },
      ],
      "d2",
    ).result;
    expect(result).toEqual({ state: "ROLLED_BACK", reason: "ECS deployment circuit breaker: rolling back to deploymentId d1.", deploymentId: "d2" });
  });

  it("reports a failure when the primary deployment failed without a rollback", () => {
    expect(assessDeployments([{ id: "d2", status: "PRIMARY", rolloutState: "FAILED", rolloutStateReason: "tasks failed to start" }], "d2").result?.state).toBe("FAILED");
  });
});

describe("EcsDeploymentWatcher", () => {
  it("polls until the tracked deployment completes, reporting progress changes", async () => {
    const answers: EcsDeploymentView[][] = [
      [{ id: "d2", status: "PRIMARY", rolloutState: "IN_PROGRESS", runningCount: 0, desiredCount: 2 }],
      [{ id: "d2", status: "PRIMARY", rolloutState: "IN_PROGRESS", runningCount: 0, desiredCount: 2 }],
      [{ id: "d2", status: "PRIMARY", rolloutState: "IN_PROGRESS", runningCount: 2, desiredCount: 2 }],
      [{ id: "d2", status: "PRIMARY", rolloutState: "COMPLETED", runningCount: 2, desiredCount: 2 }],
    ];
    const sleeps: number[] = [];
    const watcher = new EcsDeploymentWatcher(() => Promise.resolve(answers.shift() ?? []), { pollMs: 10, sleep: (ms) => (sleeps.push(ms), Promise.resolve()) });
    const lines: string[] = [];
    expect(await watcher.waitForDeployment(target, { onProgress: (l) => lines.push(l) })).toEqual({ state: "COMPLETED", deploymentId: "d2" });
    expect(lines).toEqual(["deployment d2: IN_PROGRESS 0/2 tasks running", "deployment d2: IN_PROGRESS 2/2 tasks running"]);
    expect(sleeps).toEqual([10, 10, 10]);
  });

  it("gives up after the timeout with a clear error", async () => {
    const watcher = new EcsDeploymentWatcher(() => Promise.resolve([{ id: "d2", status: "PRIMARY", rolloutState: "IN_PROGRESS" }]), { pollMs: 60_000, timeoutMs: 120_000, sleep: () => Promise.resolve() });
    await expect(watcher.waitForDeployment(target, { onProgress: () => undefined })).rejects.toThrow(/did not finish within 2 minutes/);
  });
});

describe("AlarmSoakGate", () => {
  const source = (states: Record<string, string>, transitions: { name: string; to: string }[] = []): AlarmSource & { since?: Date } => {
    const s: AlarmSource & { since?: Date } = {
      currentStates: (_region, names) => Promise.resolve(names.filter((n) => n in states).map((name) => ({ name, state: states[name]! }))),
      transitions: (_region, _names, since) => {
        s.since = since;
        return Promise.resolve(transitions.map((t) => ({ ...t, at: new Date("2026-11-25T11:50:00Z") })));
      },
    };
    return s;
  };
  const now = () => new Date("2026-11-25T12:00:00Z");

  it("passes when every alarm is OK and none went to ALARM in the window", async () => {
    const s = source({ a: "OK", b: "OK" }, [{ name: "a", to: "OK" }]);
    expect(await new AlarmSoakGate(s, now).check({ region: "eu-west-1", alarmNames: ["a", "b"], minutes: 30 })).toEqual({ ok: true, problems: [] });
    expect(s.since?.toISOString()).toBe("2026-11-25T11:30:00.000Z");
  });

  it("fails on an alarm in ALARM or INSUFFICIENT_DATA, a missing one, or one that fired during the window", async () => {
    const result = await new AlarmSoakGate(source({ a: "ALARM", b: "INSUFFICIENT_DATA", c: "OK" }, [{ name: "c", to: "ALARM" }]), now).check({
      region: "eu-west-1",
      alarmNames: ["a", "b", "c", "d"],
      minutes: 30,
    });
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([
      "a: is ALARM now",
      "b: is INSUFFICIENT_DATA now",
      "d: no such alarm in eu-west-1",
      "c: went to ALARM at 2026-11-25T11:50:00.000Z",
    ]);
  });

  it("reads the new state from CloudWatch history data or summary", () => {
    expect(newState(JSON.stringify({ oldState: { stateValue: "OK" }, newState: { stateValue: "ALARM" } }), undefined)).toBe("ALARM");
    expect(newState(undefined, "Alarm updated from ALARM to OK")).toBe("OK");
  });
});

describe("awsError", () => {
  it("maps missing credentials to AWS_CREDENTIALS_MISSING with the fix", () => {
    const error = awsError(Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" }), "reading the ECS service s");
    expect(error).toMatchObject({ code: "AWS_CREDENTIALS_MISSING", suggestion: expect.stringContaining("aws sso login") });
    expect(awsError(Object.assign(new Error("User is not authorized"), { name: "AccessDeniedException" }), "x")).toMatchObject({ code: "OPERATION_FAILED" });
  });
});

describe("DEVCTL_AWS_ENDPOINT_URL (tests only)", () => {
  it("is off unless set, and accepts only a loopback http address", () => {
    expect(testAwsEndpoint({})).toBeUndefined();
    expect(testAwsEndpoint({ DEVCTL_AWS_ENDPOINT_URL: "http://127.0.0.1:5055/" })).toBe("http://127.0.0.1:5055");
    expect(() => testAwsEndpoint({ DEVCTL_AWS_ENDPOINT_URL: "https://ecs.eu-west-1.example.com" })).toThrow(/not a loopback http address/);
    expect(() => testAwsEndpoint({ DEVCTL_AWS_ENDPOINT_URL: "not a url" })).toThrow(/not a loopback http address/);
  });
});
