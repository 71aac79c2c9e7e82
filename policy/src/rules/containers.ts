import type { ResourceRule } from "./types";
import { asArray, asRecord, containerDefinitions, isTrue, show } from "./values";

const TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition";
const SERVICE = "aws:ecs/service:Service";

/** Environment variable names that hold secrets; those belong in `secrets` (Secrets Manager), not `environment`. */
export const SECRET_NAME = /PASSWORD|SECRET|TOKEN|KEY/i;
const DIGEST = /@sha256:[0-9a-f]{64}$/;
const ROOT_USERS = new Set(["root", "0", "0:0", "root:root"]);

const eachContainer = (props: Readonly<Record<string, unknown>>, check: (c: Record<string, unknown>, name: string) => string[]) =>
  containerDefinitions(props.containerDefinitions).flatMap((c) => check(c, show(c.name, "(unnamed)")));

export const containerNonRoot: ResourceRule = {
  kind: "resource",
  name: "container-non-root",
  description: "Containers run as a non-root user.",
  level: "mandatory",
  types: [TASK_DEFINITION],
  validate({ props }) {
    return eachContainer(props, (c, name) =>
      typeof c.user === "string" && c.user !== "" && !ROOT_USERS.has(c.user)
        ? []
        : [`container ${name} runs as root (set user to a non-root uid, e.g. "1000:1000")`],
    );
  },
};

export const containerReadOnlyRoot: ResourceRule = {
  kind: "resource",
  name: "container-read-only-root",
  description: "Containers have a read-only root filesystem.",
  level: "mandatory",
  types: [TASK_DEFINITION],
  validate({ props }) {
    return eachContainer(props, (c, name) => (isTrue(c.readonlyRootFilesystem) ? [] : [`container ${name} must set readonlyRootFilesystem: true`]));
  },
};

export const containerNoPlainSecrets: ResourceRule = {
  kind: "resource",
  name: "container-no-plain-secrets",
  description: "No secret-looking variable (PASSWORD, SECRET, TOKEN, KEY) in a container's plain environment.",
  level: "mandatory",
  types: [TASK_DEFINITION],
  validate({ props }) {
    return eachContainer(props, (c, name) =>
      asArray(c.environment)
        .map((e) => asRecord(e)?.name)
        .filter((n): n is string => typeof n === "string" && SECRET_NAME.test(n))
        .map((n) => `container ${name} has ${n} in plain environment; pass it through secrets (valueFrom Secrets Manager)`),
    );
  },
};

export const imagePinnedByDigest: ResourceRule = {
  kind: "resource",
  name: "image-pinned-by-digest",
  description: "Container images are pinned by digest (<repository>@sha256:<64 hex>), never by a mutable tag.",
  level: "mandatory",
  types: [TASK_DEFINITION],
  validate({ props }) {
    return eachContainer(props, (c, name) =>
      typeof c.image === "string" && DIGEST.test(c.image) ? [] : [`container ${name} image ${show(c.image)} is not pinned by digest (@sha256:...)`],
    );
  },
};

/** Production deploys shift traffic in steps and roll back on alarms. */
export const productionProgressiveDeploys: ResourceRule = {
  kind: "resource",
  name: "prod-progressive-deploys",
  description: "In production an ECS service deploys progressively (canary, linear or blue/green) and rolls back on alarms.",
  level: "mandatory",
  types: [SERVICE],
  validate({ props }, environment) {
    if (!environment.isProduction) return [];
    const problems: string[] = [];
    const strategy = asRecord(props.deploymentConfiguration)?.strategy;
    if (strategy !== "CANARY" && strategy !== "LINEAR" && strategy !== "BLUE_GREEN") {
      problems.push(
        `production service must deploy progressively (deploymentConfiguration.strategy CANARY, LINEAR or BLUE_GREEN, not ${show(strategy, "ROLLING")})`,
      );
    }
    const alarms = asRecord(props.alarms);
    if (!alarms || !isTrue(alarms.enable) || !isTrue(alarms.rollback) || asArray(alarms.alarmNames).length === 0) {
      problems.push("production service must roll back on alarms (alarms: { enable: true, rollback: true, alarmNames: [...] })");
    }
    return problems;
  },
};
