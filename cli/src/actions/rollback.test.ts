import { describe, expect, it } from "vitest";
import { harness, image, type Harness } from "../../test/memory-services";
import { IMAGE_CONFIG_KEY, type UpdateRecord } from "../engine/engine";
import { DevctlError, ExitCode } from "../errors";
import { chooseRollbackTarget, reconcileMessage, ROLLED_BACK } from "./rollback-target";

const at = (hour: number): Date => new Date(Date.UTC(2026, 10, 20, hour));
const update = (version: number, fields: Partial<UpdateRecord> & { image?: string }): UpdateRecord => ({
  version,
  kind: "update",
  result: "succeeded",
  startTime: at(version),
  message: "",
  ...fields,
  config: fields.config ?? (fields.image ? { [IMAGE_CONFIG_KEY]: fields.image } : {}),
});

describe("chooseRollbackTarget", () => {
  it("reads back the rolled-back image from the message release.ts writes on its reconcile update", () => {
    expect(reconcileMessage(image("v5"), image("v4"))).toBe(`devctl reconcile: ECS rolled back ${image("v5")}; image back to ${image("v4")}`);
    expect(ROLLED_BACK.exec(reconcileMessage(image("v5"), image("v4")))?.[1]).toBe(image("v5"));
  });

  // Newest first, as Pulumi returns history.
  const history = [
    update(6, { image: image("v4"), message: `devctl reconcile: ECS rolled back ${image("v5")}; image back to ${image("v4")}` }),
    update(5, { image: image("v5") }),
    update(4, { image: image("v4"), config: { [IMAGE_CONFIG_KEY]: image("v4"), "platform-compute:debug": "true", "platform-compute:token": "[secret]" } }),
    update(3, { image: image("v3"), result: "failed" }),
    update(2, { message: "devctl up staging" }),
    update(1, { image: image("v1") }),
  ];

  it("skips the running image, failed updates, images ECS rolled back and builds without a digest", () => {
    const target = chooseRollbackTarget(history, image("v4"));
    expect(target.record.version).toBe(1);
    expect(target.image).toBe(image("v1"));
  });

  it("takes the newest good release that differs from what runs", () => {
    expect(chooseRollbackTarget(history, image("v1")).record.version).toBe(6);
  });

  it("restores the release's compute settings but never a secret placeholder", () => {
    expect(chooseRollbackTarget(history, image("v4"), "4").settings).toEqual({ "platform-compute:debug": "true" });
  });

  it("never restores where a migration's traffic stood: weights and phase are devctl migrate's, not the release's", () => {
    const migrating = [
      update(2, { image: image("v2") }),
      update(1, {
        config: {
          [IMAGE_CONFIG_KEY]: image("v1"),
          "platform-compute:debug": "true",
          "platform-compute:migrationWeight": "10",
          "platform-compute:migrationEcsTargetGroup": "green",
          "platform-compute:migrationPhase": "drained",
        },
      }),
    ];
    expect(chooseRollbackTarget(migrating, image("v2")).settings).toEqual({ "platform-compute:debug": "true" });
  });

  it("--to picks a release by version or by digest prefix, and refuses bad ones with the reason", () => {
    expect(chooseRollbackTarget(history, image("v4"), "1").image).toBe(image("v1"));
    const hex = image("v1").split("@sha256:")[1]!;
    expect(chooseRollbackTarget(history, image("v4"), `sha256:${hex.slice(0, 12)}`).record.version).toBe(1);
    expect(() => chooseRollbackTarget(history, image("v4"), "3")).toThrow(/cannot roll back to release 3: that update failed/);
    expect(() => chooseRollbackTarget(history, image("v4"), "5")).toThrow(/ECS rolled its image .* back/);
    expect(() => chooseRollbackTarget(history, image("v4"), "2")).toThrow(/built from source/);
    expect(() => chooseRollbackTarget(history, image("v4"), "99")).toThrow(/no release "99"/);
  });

  it("fails with a way forward when there is nothing to go back to", () => {
    const error = (() => {
      try {
        chooseRollbackTarget([update(1, { image: image("v1") })], image("v1"));
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(DevctlError);
    expect((error as DevctlError).suggestion).toContain("devctl promote");
  });
});

function deployedWithHistory(): Harness {
  const h = harness();
  h.deploy("staging", "network");
  h.deploy("staging", "data");
  const ref = { environment: "staging", layer: "compute" as const };
  h.addHistory(ref, { config: { [IMAGE_CONFIG_KEY]: image("v1") }, message: "devctl promote" });
  h.addHistory(ref, { config: { [IMAGE_CONFIG_KEY]: image("v2") }, result: "failed" });
  h.addHistory(ref, { config: { [IMAGE_CONFIG_KEY]: image("v3") } });
  const compute = h.engine.stack(ref);
  compute.config = { [IMAGE_CONFIG_KEY]: image("v3") };
  compute.outputs = { imageRef: image("v3"), clusterName: "c", serviceName: "s" };
  return h;
}

describe("devctl rollback", () => {
  it("redeploys the previous good release and waits for ECS", async () => {
    const h = deployedWithHistory();
    const { code, stdout, stderr } = await h.run(["rollback", "staging"]);
    expect(code).toBe(ExitCode.Success);
    const compute = h.engine.stack({ environment: "staging", layer: "compute" });
    expect(compute.config[IMAGE_CONFIG_KEY]).toBe(image("v1"));
    expect(compute.history.at(-1)?.message).toBe(`devctl rollback staging to release 1 ${image("v1")}`);
    expect(h.watcher.watched).toHaveLength(1);
    expect(stdout).toContain("rolled staging back to release 1");
    expect(stderr).toContain("rolling staging back to release 1");
  });

  it("warns when the data layer changed since that release", async () => {
    const h = deployedWithHistory();
    h.addHistory({ environment: "staging", layer: "data" }, { message: "devctl up staging" });
    const { code, io } = await h.run(["rollback", "staging", "--json"]);
    expect(code).toBe(ExitCode.Success);
    const result = JSON.parse(io.stdout.join(""));
    expect(result.warnings[0]).toMatch(/the data layer of staging changed 1 time\(s\) since release 1/);
    expect(io.stderr.join("\n")).toContain("warning: the data layer of staging changed");
  });

  it("--to a failed release exits 2 and changes nothing", async () => {
    const h = deployedWithHistory();
    const { code, stderr } = await h.run(["rollback", "staging", "--to", "2"]);
    expect(code).toBe(ExitCode.Usage);
    expect(stderr).toContain("cannot roll back to release 2: that update failed");
    expect(h.engine.calls.filter((c) => c.startsWith("up ") || c.startsWith("setConfig"))).toEqual([]);
  });

  it("needs --yes for production without a terminal", async () => {
    const h = harness();
    const { code } = await h.run(["rollback", "prod", "--to", "1"]);
    expect(code).toBe(ExitCode.Usage);
  });
});
