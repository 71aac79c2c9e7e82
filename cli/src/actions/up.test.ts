import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { harness, image } from "../../test/memory-services";
import { stackLockedError } from "../engine/memory";
import { IMAGE_CONFIG_KEY } from "../engine/engine";
import { violationFromEvent } from "../engine/policy";
import { DevctlError, ExitCode } from "../errors";
import { KubernetesRolloutWatcher } from "../kubernetes/rollout-watcher";
import { main } from "../main";
import { recordingIo } from "../../test/recording-io";

describe("devctl up", () => {
  it("deploys network -> data -> compute in order, saving a state export before each, and waits for ECS", async () => {
    const h = harness();
    const { code, stdout, stderr } = await h.run(["up", "staging"]);
    expect(code).toBe(ExitCode.Success);
    expect(h.engine.calls.filter((c) => c.startsWith("up "))).toEqual(["up staging/network", "up staging/data", "up staging/compute"]);
    const backups = fs.readdirSync(path.join(h.stateDir, "backups", "staging")).sort();
    expect(backups).toHaveLength(3);
    expect(backups.map((f) => f.split("-")[0])).toEqual(["compute", "data", "network"]);
    expect(JSON.parse(fs.readFileSync(path.join(h.stateDir, "backups", "staging", backups[0]!), "utf8"))).toMatchObject({ version: 3 });
    expect(h.watcher.watched).toEqual([{ region: "eu-west-1", cluster: "staging-cluster", service: "staging-service" }]);
    expect(stdout).toContain("devctl up staging: done");
    expect(stdout).toMatch(/applied\s+compute/);
    expect(stderr).toMatch(/\[staging\/ecs \d+s\] deployment/);
  });

  it("says which target group serves after the deployment, and warns when a canary did not flip them", async () => {
    const h = harness();
    h.watcher.results.push({ state: "COMPLETED", traffic: { before: "arn:tg/blue", after: "arn:tg/green", targetGroupCount: 2 } });
    const flipped = await h.run(["up", "staging"]);
    expect(flipped.code).toBe(ExitCode.Success);
    expect(flipped.stderr).toContain("traffic: served by arn:tg/green (was arn:tg/blue)");
    expect(flipped.stderr).not.toContain("did not move");

    h.watcher.results.push({ state: "COMPLETED", traffic: { before: "arn:tg/green", after: "arn:tg/green", targetGroupCount: 2 } });
    const stuck = await h.run(["up", "staging"]);
    expect(stuck.code).toBe(ExitCode.Success);
    expect(stuck.stderr).toContain("warning: traffic did not move: arn:tg/green served before and after this deployment");
    expect(stuck.stderr).toContain("docs/runbooks.md#canary-target-groups");
  });

  describe("--bootstrap: the first production deploy", () => {
    it("deploys network and data, then promotes the digest staging runs, with its soak gate", async () => {
      const h = harness();
      h.deploy("staging", "network");
      h.deploy("staging", "data");
      h.deploy("staging", "compute", { [IMAGE_CONFIG_KEY]: image("v7") });
      const { code, stderr } = await h.run(["up", "prod", "--bootstrap", "--yes", "--soak-minutes", "30"]);
      expect(code, stderr).toBe(ExitCode.Success);
      expect(h.engine.calls.filter((c) => c.startsWith("up "))).toEqual(["up prod/network", "up prod/data", "up prod/compute"]);
      expect(h.engine.stack({ environment: "prod", layer: "compute" }).config[IMAGE_CONFIG_KEY]).toBe(image("v7"));
      expect(h.soak.requests).toHaveLength(1);
      expect(h.soak.requests[0]!.minutes).toBe(30);
      expect(h.watcher.watched).toEqual([{ region: "eu-west-1", cluster: "prod-cluster", service: "prod-service" }]);
    });

    it("refuses an environment that already runs an image, before touching any stack", async () => {
      const h = harness();
      for (const env of ["staging", "prod"]) for (const layer of ["network", "data"] as const) h.deploy(env, layer);
      h.deploy("staging", "compute", { [IMAGE_CONFIG_KEY]: image("v7") });
      h.deploy("prod", "compute", { [IMAGE_CONFIG_KEY]: image("v6") });
      const { code, stderr } = await h.run(["up", "prod", "--bootstrap", "--yes"]);
      expect(code).toBe(ExitCode.Usage);
      expect(stderr).toContain("prod already runs");
      expect(stderr).toContain("devctl promote prod");
      expect(h.engine.calls.filter((c) => c.startsWith("up "))).toEqual([]);
    });

    it("refuses when the source runs no image yet, before touching any stack", async () => {
      const h = harness();
      const { code, stderr } = await h.run(["up", "prod", "--bootstrap", "--yes"]);
      expect(code).toBe(ExitCode.Usage);
      expect(stderr).toContain("staging runs no image");
      expect(h.engine.calls.filter((c) => c.startsWith("up "))).toEqual([]);
    });

    it("does not combine with --layer, --image, --build, --keep-image or --json", async () => {
      const h = harness();
      for (const extra of [["--layer", "data"], ["--image", image("x")], ["--build"], ["--keep-image"], ["--json"]]) {
        const { code } = await h.run(["up", "prod", "--bootstrap", "--yes", ...extra]);
        expect(code, extra.join(" ")).toBe(ExitCode.Usage);
      }
      expect((await h.run(["up", "prod", "--soak-minutes", "5", "--yes"])).code).toBe(ExitCode.Usage);
      expect((await h.run(["up", "prod", "--from", "staging", "--yes"])).code).toBe(ExitCode.Usage);
    });
  });

  it("stops at the first failure and reports what was and was not applied", async () => {
    const h = harness();
    h.engine.failures.set("up staging/data", new DevctlError("OPERATION_FAILED", "staging/data: error: creating RDS instance: InvalidParameterCombination"));
    const { code, stdout, stderr } = await h.run(["up", "staging"]);
    expect(code).toBe(ExitCode.Failure);
    expect(h.engine.calls.filter((c) => c.startsWith("up "))).toEqual(["up staging/network", "up staging/data"]);
    expect(stdout).toMatch(/applied\s+network/);
    expect(stdout).toMatch(/FAILED\s+data\s+staging\/data: error: creating RDS instance/);
    expect(stdout).toMatch(/not applied\s+compute/);
    expect(stderr).toContain("error: staging/data: error: creating RDS instance");
  });

  it("stops at a layer the policy pack refuses, naming the rule and the resource (POLICY_VIOLATION, exit 1)", async () => {
    const h = harness();
    h.engine.policy.set("staging/data", [
      violationFromEvent({
        resourceUrn: "urn:pulumi:staging::platform-data::aws:rds/instance:Instance::db",
        message: "Databases are encrypted.\nstorageEncrypted is false\n",
        policyName: "rds-encryption",
        policyPackName: "platform",
        enforcementLevel: "mandatory",
      }),
    ]);
    const { code, stdout, stderr } = await h.run(["up", "staging"]);
    expect(code).toBe(ExitCode.Failure);
    expect(h.engine.calls.filter((c) => c.startsWith("up "))).toEqual(["up staging/network", "up staging/data"]);
    expect(stdout).toMatch(/FAILED\s+data\s+1 mandatory policy violation in data\/staging: rds-encryption/);
    expect(stderr).toContain("[mandatory] rds-encryption: aws:rds/instance:Instance db: Databases are encrypted. storageEncrypted is false");
    expect(h.engine.stack({ environment: "staging", layer: "data" }).history.at(-1)?.result).toBe("failed");
  });

  it("--json prints exactly one JSON document on stdout, also when it fails", async () => {
    const h = harness();
    h.engine.failures.set("up staging/compute", new Error("boom"));
    const { code, io } = await h.run(["up", "staging", "--json"]);
    expect(code).toBe(ExitCode.Failure);
    expect(io.stdout).toHaveLength(1);
    const report = JSON.parse(io.stdout.join(""));
    expect(report).toMatchObject({ command: "up", ok: false, failed: { layer: "compute", error: "boom" }, notApplied: [] });
    expect(report.applied.map((a: { layer: string }) => a.layer)).toEqual(["network", "data"]);
    expect(io.stderr.join("\n")).toContain("error: boom");
  });

  it("refuses production without --yes when there is no terminal, before touching any stack", async () => {
    const h = harness();
    const { code, stderr } = await h.run(["up", "prod"]);
    expect(code).toBe(ExitCode.Usage);
    expect(stderr).toContain("needs confirmation and there is no terminal");
    expect(stderr).toContain("--yes");
    expect(h.engine.calls).toEqual([]);
  });

  it("asks for the environment name on a terminal: the right name deploys, a wrong one changes nothing", async () => {
    const wrong = harness();
    const refused = await wrong.run(["up", "prod"], { interactive: true, answers: ["staging"] });
    expect(refused.code).toBe(ExitCode.Usage);
    expect(refused.io.questions[0]).toContain("Type the environment name");
    expect(refused.stderr).toContain('confirmation did not match "prod"');
    expect(wrong.engine.calls).toEqual([]);

    const right = harness();
    right.deploy("prod", "compute", { [IMAGE_CONFIG_KEY]: image("running") });
    const accepted = await right.run(["up", "prod"], { interactive: true, answers: ["prod"] });
    expect(accepted.code).toBe(ExitCode.Success);
    expect(right.engine.calls.filter((c) => c.startsWith("up "))).toHaveLength(3);
  });

  it("does not ask for a staging deploy or with --yes on production", async () => {
    const h = harness();
    h.deploy("prod", "compute", { [IMAGE_CONFIG_KEY]: image("running") });
    expect((await h.run(["up", "prod", "--yes"])).code).toBe(ExitCode.Success);
    expect((await h.run(["up", "staging"])).io.questions).toEqual([]);
  });

  it("names the layer to deploy first when an upstream was never deployed", async () => {
    const h = harness();
    const { code, stderr } = await h.run(["up", "staging", "--layer", "compute"]);
    expect(code).toBe(ExitCode.Failure);
    expect(stderr).toContain("reads network and data, which have never been deployed to staging");
    expect(stderr).toContain("fix: run devctl up staging --layer network first");
    expect(h.engine.calls.filter((c) => c.startsWith("up "))).toEqual([]);
  });

  it("--layer runs only the named layers, in deploy order", async () => {
    const h = harness();
    h.deploy("staging", "network");
    const { code } = await h.run(["up", "staging", "--layer", "compute", "--layer", "data"]);
    expect(code).toBe(ExitCode.Success);
    expect(h.engine.calls.filter((c) => c.startsWith("up "))).toEqual(["up staging/data", "up staging/compute"]);
  });

  it("rejects an unknown layer with exit 2", async () => {
    const { code, stderr } = await harness().run(["up", "staging", "--layer", "edge"]);
    expect(code).toBe(ExitCode.Usage);
    expect(stderr).toContain('unknown layer "edge"; use one of: network, data, compute');
  });

  it("builds from source by default (clears the pinned image); --image pins a digest; --keep-image keeps what runs", async () => {
    const h = harness();
    h.deploy("staging", "network");
    h.deploy("staging", "data");
    h.deploy("staging", "compute", { [IMAGE_CONFIG_KEY]: image("old") });
    await h.run(["up", "staging", "--layer", "compute"]);
    expect(h.engine.stack({ environment: "staging", layer: "compute" }).config[IMAGE_CONFIG_KEY]).toBeUndefined();

    expect((await h.run(["up", "staging", "--layer", "compute", "--image", image("new")])).code).toBe(0);
    expect(h.engine.stack({ environment: "staging", layer: "compute" }).config[IMAGE_CONFIG_KEY]).toBe(image("new"));

    // A fresh checkout has no pin in its stack settings: --keep-image reads what runs from the state.
    delete h.engine.stack({ environment: "staging", layer: "compute" }).config[IMAGE_CONFIG_KEY];
    expect((await h.run(["up", "staging", "--layer", "compute", "--keep-image"])).code).toBe(0);
    expect(h.engine.stack({ environment: "staging", layer: "compute" }).config[IMAGE_CONFIG_KEY]).toBe(image("new"));

    const bad = await h.run(["up", "staging", "--image", "release-ledger:latest"]);
    expect(bad.code).toBe(ExitCode.Usage);
    expect(bad.stderr).toContain("is not an image pinned by digest");
  });

  it("in production keeps the running image unless told otherwise, and refuses to build the first one", async () => {
    const h = harness();
    h.deploy("prod", "network");
    h.deploy("prod", "data");
    h.deploy("prod", "compute", { [IMAGE_CONFIG_KEY]: image("promoted") });
    // A fresh checkout has no pin in its stack settings: the running image is read from the state.
    delete h.engine.stack({ environment: "prod", layer: "compute" }).config[IMAGE_CONFIG_KEY];
    expect((await h.run(["up", "prod", "--yes"])).code).toBe(ExitCode.Success);
    expect(h.engine.stack({ environment: "prod", layer: "compute" }).config[IMAGE_CONFIG_KEY]).toBe(image("promoted"));

    expect((await h.run(["up", "prod", "--yes", "--layer", "compute", "--build"])).code).toBe(ExitCode.Success);
    expect(h.engine.stack({ environment: "prod", layer: "compute" }).config[IMAGE_CONFIG_KEY]).toBeUndefined();

    const empty = harness();
    const refused = await empty.run(["up", "prod", "--yes"]);
    expect(refused.code).toBe(ExitCode.Usage);
    expect(refused.stderr).toContain("prod is a production environment and runs no image yet");
    expect(refused.stderr).toContain("devctl promote prod --from staging");
    expect(empty.engine.calls.filter((c) => c.startsWith("up "))).toEqual([]);

    const conflicting = await h.run(["up", "prod", "--yes", "--build", "--keep-image"]);
    expect(conflicting.code).toBe(ExitCode.Usage);
  });

  it("on the eks platform, names the Kubernetes rollout and Argo Rollouts, and still pins the last good image after an abort", async () => {
    const h = harness();
    h.watcher.words = new KubernetesRolloutWatcher(() => Promise.resolve({ kind: "missing" })).words;
    h.deploy("staging", "network");
    h.deploy("staging", "data");
    h.deploy("staging", "compute", { [IMAGE_CONFIG_KEY]: image("good") });
    h.watcher.results.push({ state: "ROLLED_BACK", reason: 'RolloutAborted: metric "target-5xx-rate" assessed Failed' });
    const { code, stderr } = await h.run(["up", "staging", "--layer", "compute", "--image", image("bad")]);
    expect(code).toBe(ExitCode.Failure);
    expect(stderr).toContain("waiting for the Kubernetes rollout of staging-service in staging-cluster to finish");
    expect(stderr).toMatch(/\[staging\/eks \d+s\] deployment/);
    expect(stderr).toContain(`Argo Rollouts rolled back the deployment of ${image("bad")} to staging (RolloutAborted`);
    expect(stderr).not.toContain("ECS");
    const compute = h.engine.stack({ environment: "staging", layer: "compute" });
    expect(compute.config[IMAGE_CONFIG_KEY]).toBe(image("good"));
    // The reconcile message keeps the form devctl rollback reads to skip rolled-back images.
    expect(compute.history.at(-1)!.message).toBe(`devctl reconcile: ECS rolled back ${image("bad")}; image back to ${image("good")}`);
  });

  it("when ECS rolls the deployment back, pins the last good image again and updates the stack to match", async () => {
    const h = harness();
    h.deploy("staging", "network");
    h.deploy("staging", "data");
    h.deploy("staging", "compute", { [IMAGE_CONFIG_KEY]: image("good") });
    h.watcher.results.push({ state: "ROLLED_BACK", reason: "ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/1" });
    const { code, stderr } = await h.run(["up", "staging", "--layer", "compute", "--image", image("bad")]);
    expect(code).toBe(ExitCode.Failure);
    expect(stderr).toContain("ECS rolled back the deployment of");
    expect(stderr).toContain(`the compute stack now pins the last good image ${image("good")}`);
    const compute = h.engine.stack({ environment: "staging", layer: "compute" });
    expect(compute.config[IMAGE_CONFIG_KEY]).toBe(image("good"));
    expect(compute.outputs.imageRef).toBe(image("good"));
    const last = compute.history.at(-1)!;
    expect(last.message).toBe(`devctl reconcile: ECS rolled back ${image("bad")}; image back to ${image("good")}`);
    expect(h.engine.calls.filter((c) => c.startsWith("up "))).toEqual(["up staging/compute", "up staging/compute"]);
  });

  it("when ECS fails the very first rollout there is nothing to put back, and it says so", async () => {
    const h = harness();
    h.watcher.results.push({ state: "FAILED", reason: "tasks failed to start" });
    const { code, stderr } = await h.run(["up", "staging"]);
    expect(code).toBe(ExitCode.Failure);
    expect(stderr).toContain("ECS failed the deployment");
    expect(stderr).toContain("no earlier image pinned by digest to put back");
    expect(h.engine.calls.filter((c) => c.startsWith("up "))).toHaveLength(3);
  });

  it("passes --secrets-provider (before or after the command) to the services", async () => {
    const h = harness();
    const seen: (string | undefined)[] = [];
    const factory: typeof h.factory = (environment, io, options) => {
      seen.push(options?.secretsProvider);
      return h.factory(environment, io, options);
    };
    expect(await main(["--secrets-provider", "awskms://alias/a", "status", "staging"], recordingIo(), factory)).toBe(0);
    expect(await main(["status", "staging", "--secrets-provider", "awskms://alias/b"], recordingIo(), factory)).toBe(0);
    expect(seen).toEqual(["awskms://alias/a", "awskms://alias/b"]);
  });

  it("reports a locked stack with the command that clears it", async () => {
    const h = harness();
    h.engine.failures.set("up staging/network", stackLockedError({ environment: "staging", layer: "network" }));
    const { code, stderr } = await h.run(["up", "staging"]);
    expect(code).toBe(ExitCode.Failure);
    expect(stderr).toContain("another update holds the lock of stack network/staging");
    expect(stderr).toContain("pulumi cancel --stack staging");
  });

  it("lists the known environments for an unknown one (exit 2)", async () => {
    const { code, stderr } = await harness().run(["up", "qa"]);
    expect(code).toBe(ExitCode.Usage);
    expect(stderr).toContain('unknown environment "qa"; known environments: prod, staging');
  });
});

describe("--json when a command fails before it has a result", () => {
  it("prints the error as the one JSON document on stdout", async () => {
    const h = harness();
    const refused = await h.run(["up", "prod", "--json"]);
    expect(refused.code).toBe(ExitCode.Usage);
    expect(refused.io.stdout).toHaveLength(1);
    expect(JSON.parse(refused.stdout)).toMatchObject({ ok: false, error: { code: "CONFIRMATION_REQUIRED", exitCode: 2 } });

    const unknown = await h.run(["status", "qa", "--json"]);
    expect(JSON.parse(unknown.stdout)).toMatchObject({
      ok: false,
      error: { code: "UNKNOWN_ENVIRONMENT", suggestion: expect.stringContaining("prod, staging") },
    });
  });
});
