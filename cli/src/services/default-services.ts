import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";
import { REPOSITORY_ROOT, type Environment } from "@platform/infra/environment";
import { AlarmSoakGate, sdkAlarmSource } from "../aws/alarm-soak-gate";
import { sdkBackupCatalog } from "../aws/replicated-backups";
import { sdkEdgeControl } from "../aws/edge-control";
import { EcsDeploymentWatcher, sdkDescribeDeployments, sdkReadTraffic } from "../aws/ecs-deployment-watcher";
import { testAwsEndpoint, testSmokeUrl } from "../aws/test-endpoint";
import { AutomationEngine } from "../engine/automation";
import { eksAccess, kubernetesWorkloadReader } from "../kubernetes/eks-connection";
import { KubernetesRolloutWatcher } from "../kubernetes/rollout-watcher";
import { automationSettings, requirePulumiCli } from "../engine/automation-options";
import type { Io } from "../io";
import { recoverySmoke } from "../smoke/checks";
import type { Services, ServicesFactory } from "./services";

/**
 * The real services: the Automation API engine and the AWS SDK clients. This module is imported only
 * when a command runs (never for --help), and the SDKs inside load only when first used.
 */
export const createServices: ServicesFactory = (environment: Environment, io: Io, options = {}): Promise<Services> => {
  requirePulumiCli(io.env);
  const settings = automationSettings(io.env, REPOSITORY_ROOT, { secretsProvider: options.secretsProvider });
  const awsEndpoint = testAwsEndpoint(io.env);
  const smokeUrl = testSmokeUrl(io.env);
  const timeoutMinutes = Number(io.env.DEVCTL_DEPLOY_TIMEOUT_MINUTES ?? 60);
  const timeoutMs = (Number.isFinite(timeoutMinutes) && timeoutMinutes > 0 ? timeoutMinutes : 60) * 60_000;
  return Promise.resolve({
    engine: new AutomationEngine(settings, io.env.DEVCTL_DEBUG ? (text) => io.err(text.trimEnd()) : undefined),
    // The one place devctl tells the platforms apart: what it waits for after a compute update.
    deployments:
      environment.compute.platform === "eks"
        ? new KubernetesRolloutWatcher(kubernetesWorkloadReader(eksAccess()), { timeoutMs })
        : new EcsDeploymentWatcher(sdkDescribeDeployments(awsEndpoint), { timeoutMs, readTraffic: sdkReadTraffic(awsEndpoint) }),
    soak: new AlarmSoakGate(sdkAlarmSource(awsEndpoint)),
    stateDir: path.join(REPOSITORY_ROOT, ".devctl"),
    now: () => new Date(),
    commitSha: () => gitCommit(io, REPOSITORY_ROOT),
    backups: sdkBackupCatalog(awsEndpoint),
    edge: sdkEdgeControl(awsEndpoint),
    traffic: sdkReadTraffic(awsEndpoint),
    ...(smokeUrl === undefined
      ? {}
      : {
          smokeTest: (serviceUrl: string) => {
            io.err(`DEVCTL_SMOKE_URL (tests only): smoke checks go to ${smokeUrl}, not ${serviceUrl}`);
            return recoverySmoke(smokeUrl);
          },
        }),
  });
};

/** GITHUB_SHA in CI, else `git rev-parse HEAD`; undefined when neither gives 40 hex digits. */
export async function gitCommit(io: Io, cwd: string): Promise<string | undefined> {
  const fromEnv = io.env.GITHUB_SHA;
  if (fromEnv && /^[0-9a-f]{40}$/.test(fromEnv)) return fromEnv;
  try {
    const { stdout } = await promisify(execFile)("git", ["rev-parse", "HEAD"], { cwd, timeout: 5000 });
    const sha = stdout.trim();
    return /^[0-9a-f]{40}$/.test(sha) ? sha : undefined;
  } catch {
    return undefined;
  }
}
