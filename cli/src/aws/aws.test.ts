import { describe, expect, it } from "vitest";
import type { AlarmRef } from "@platform/infra/layers";
import { AlarmSoakGate, newState, type AlarmSource } from "./alarm-soak-gate";
import { awsError } from "./aws-errors";
import { EcsDeploymentWatcher, assessDeployments, servingTargetGroup, type EcsDeploymentView, type TrafficView } from "./ecs-deployment-watcher";
import { testAwsEndpoint, testSmokeUrl } from "./test-endpoint";

const target = { region: "eu-west-1", cluster: "c", service: "s" };

describe("assessDeployments", () => {
  it("is done when the primary deployment completed", () => {
    expect(assessDeployments([{ id: "d2", status: "PRIMARY", rolloutState: "COMPLETED" }], undefined).result).toEqual({
      state: "COMPLETED",
      deploymentId: "d2",
    });
  });

  it("keeps waiting while the rollout is in progress", () => {
    const a = assessDeployments(
      [
        { id: "d2", status: "PRIMARY", rolloutState: "IN_PROGRESS", runningCount: 1, desiredCount: 3 },
        { id: "d1", status: "ACTIVE", rolloutState: "COMPLETED" },
      ],
      undefined,
    );
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
    expect(assessDeployments([{ id: "d2", status: "PRIMARY", rolloutState: "FAILED", rolloutStateReason: "tasks failed to start" }], "d2").result?.state).toBe(
      "FAILED",
    );
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

  it("reports which target group serves after the deployment, and which served before", async () => {
    const completed = () => Promise.resolve([{ id: "d3", status: "PRIMARY", rolloutState: "COMPLETED" }]);
    const views: TrafficView[] = [
      { servingTargetGroupArn: "arn:tg/blue", targetGroupCount: 2 },
      { servingTargetGroupArn: "arn:tg/green", targetGroupCount: 2 },
    ];
    const watcher = new EcsDeploymentWatcher(completed, { sleep: () => Promise.resolve(), readTraffic: () => Promise.resolve(views.shift()) });
    expect(await watcher.waitForDeployment(target, { onProgress: () => undefined })).toEqual({
      state: "COMPLETED",
      deploymentId: "d3",
      traffic: { before: "arn:tg/blue", after: "arn:tg/green", targetGroupCount: 2 },
    });
  });

  it("reads the serving target group from the production listener rule's forward weights", () => {
    const forward = (weights: [string, number][]) => [
      { Actions: [{ Type: "forward", ForwardConfig: { TargetGroups: weights.map(([TargetGroupArn, Weight]) => ({ TargetGroupArn, Weight })) } }] },
    ];
    expect(
      servingTargetGroup(
        forward([
          ["arn:tg/blue", 0],
          ["arn:tg/green", 100],
        ]),
      ),
    ).toEqual({ servingTargetGroupArn: "arn:tg/green", targetGroupCount: 2 });
    // Mid-canary both carry traffic: the one with the larger share serves, and the view says they share.
    expect(
      servingTargetGroup(
        forward([
          ["arn:tg/blue", 90],
          ["arn:tg/green", 10],
        ]),
      ),
    ).toEqual({ servingTargetGroupArn: "arn:tg/blue", targetGroupCount: 2, shared: true });
    expect(servingTargetGroup([{ Actions: [{ Type: "forward", TargetGroupArn: "arn:tg/only" }] }])).toEqual({
      servingTargetGroupArn: "arn:tg/only",
      targetGroupCount: 1,
    });
    expect(servingTargetGroup([{ Actions: [{ Type: "fixed-response" }] }])).toBeUndefined();
  });

  it("gives up after the timeout with a clear error", async () => {
    const watcher = new EcsDeploymentWatcher(() => Promise.resolve([{ id: "d2", status: "PRIMARY", rolloutState: "IN_PROGRESS" }]), {
      pollMs: 60_000,
      timeoutMs: 120_000,
      sleep: () => Promise.resolve(),
    });
    await expect(watcher.waitForDeployment(target, { onProgress: () => undefined })).rejects.toThrow(/did not finish within 2 minutes/);
  });
});

describe("AlarmSoakGate", () => {
  /** Alarms per region, as CloudWatch holds them; each query sees only its own region's alarms. */
  const source = (
    regions: Record<string, Record<string, string>>,
    transitions: { name: string; to: string }[] = [],
  ): AlarmSource & { since?: Date; asked: string[] } => {
    const s: AlarmSource & { since?: Date; asked: string[] } = {
      asked: [],
      currentStates: (region, names) => {
        s.asked.push(`${region}:${names.join(",")}`);
        const states = regions[region] ?? {};
        return Promise.resolve(names.filter((n) => n in states).map((name) => ({ name, state: states[name]! })));
      },
      transitions: (region, names, since) => {
        s.since = since;
        const states = regions[region] ?? {};
        return Promise.resolve(
          transitions.filter((t) => names.includes(t.name) && t.name in states).map((t) => ({ ...t, at: new Date("2026-11-25T11:50:00Z") })),
        );
      },
    };
    return s;
  };
  const now = () => new Date("2026-11-25T12:00:00Z");
  const threshold = (name: string, region = "eu-west-1"): AlarmRef => ({ name, region, kind: "threshold" });

  it("passes when every alarm is OK and none went to ALARM in the window", async () => {
    const s = source({ "eu-west-1": { a: "OK", b: "OK" } }, [{ name: "a", to: "OK" }]);
    expect(await new AlarmSoakGate(s, now).check({ alarms: [threshold("a"), threshold("b")], minutes: 30 })).toEqual({ ok: true, problems: [] });
    expect(s.since?.toISOString()).toBe("2026-11-25T11:30:00.000Z");
  });

  it("asks each alarm's own region: the CloudFront alarm lives in us-east-1", async () => {
    const s = source({ "eu-west-1": { a: "OK" }, "us-east-1": { cdn: "OK" } }, [{ name: "cdn", to: "ALARM" }]);
    const result = await new AlarmSoakGate(s, now).check({ alarms: [threshold("a"), threshold("cdn", "us-east-1")], minutes: 30 });
    expect(s.asked.sort()).toEqual(["eu-west-1:a", "us-east-1:cdn"]);
    expect(result).toEqual({ ok: false, problems: ["cdn (us-east-1): went to ALARM at 2026-11-25T11:50:00.000Z"] });
  });

  it("fails on an alarm in ALARM, a threshold alarm in INSUFFICIENT_DATA, a missing one, or one that fired during the window", async () => {
    const result = await new AlarmSoakGate(source({ "eu-west-1": { a: "ALARM", b: "INSUFFICIENT_DATA", c: "OK" } }, [{ name: "c", to: "ALARM" }]), now).check({
      alarms: ["a", "b", "c", "d"].map((n) => threshold(n)),
      minutes: 30,
    });
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([
      "a (eu-west-1): is ALARM now",
      "b (eu-west-1): is INSUFFICIENT_DATA now (a threshold alarm without data proves nothing)",
      "d (eu-west-1): no such alarm in eu-west-1",
      "c (eu-west-1): went to ALARM at 2026-11-25T11:50:00.000Z",
    ]);
  });

  it("accepts INSUFFICIENT_DATA from an anomaly-detection alarm (its model is still learning), but not ALARM", async () => {
    const anomaly: AlarmRef = { name: "requests", region: "eu-west-1", kind: "anomaly" };
    expect(await new AlarmSoakGate(source({ "eu-west-1": { requests: "INSUFFICIENT_DATA" } }), now).check({ alarms: [anomaly], minutes: 30 })).toEqual({
      ok: true,
      problems: [],
    });
    expect((await new AlarmSoakGate(source({ "eu-west-1": { requests: "ALARM" } }), now).check({ alarms: [anomaly], minutes: 30 })).ok).toBe(false);
  });

  it("reads the new state from CloudWatch history data or summary", () => {
    expect(newState(JSON.stringify({ oldState: { stateValue: "OK" }, newState: { stateValue: "ALARM" } }), undefined)).toBe("ALARM");
    expect(newState(undefined, "Alarm updated from ALARM to OK")).toBe("OK");
  });
});

describe("awsError", () => {
  it("maps missing credentials to AWS_CREDENTIALS_MISSING with the fix", () => {
    const error = awsError(
      Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" }),
      "reading the ECS service s",
    );
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

describe("DEVCTL_SMOKE_URL (tests only)", () => {
  it("is off unless set, and accepts only a loopback http address", () => {
    expect(testSmokeUrl({})).toBeUndefined();
    expect(testSmokeUrl({ DEVCTL_SMOKE_URL: "http://localhost:8080/" })).toBe("http://localhost:8080");
    expect(testSmokeUrl({ DEVCTL_SMOKE_URL: "http://[::1]:8080" })).toBe("http://[::1]:8080");
    expect(() => testSmokeUrl({ DEVCTL_SMOKE_URL: "https://dr.ledger.platform.example.com" })).toThrow(
      /DEVCTL_SMOKE_URL=https:\/\/dr\.ledger\.platform\.example\.com is not a loopback http address/,
    );
    let refused: unknown;
    try {
      testSmokeUrl({ DEVCTL_SMOKE_URL: "http://127.0.0.1.example.com" });
    } catch (error) {
      refused = error;
    }
    expect(refused).toMatchObject({ code: "USAGE", suggestion: expect.stringContaining("unset DEVCTL_SMOKE_URL for real deployments") });
  });
});
