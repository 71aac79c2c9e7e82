import * as fs from "node:fs";
import * as path from "node:path";
import { LAYER_PROJECTS, type Layer } from "@platform/infra/layers";
import { DevctlError } from "../errors";
import type { StackRef } from "./engine";

/** How devctl runs the Pulumi CLI: decided once from the environment variables, pure and tested. */
export interface AutomationSettings {
  readonly repositoryRoot: string;
  /** PULUMI_BACKEND_URL, else file://<repo>/.devctl/state (git-ignored). */
  readonly backendUrl: string;
  /** The local folder of a file backend devctl chose, to create before first use. */
  readonly localStateDir?: string;
  /** --secrets-provider / DEVCTL_SECRETS_PROVIDER, default "passphrase". */
  readonly secretsProvider: string;
  /** Passed to every Pulumi command. */
  readonly envVars: Readonly<Record<string, string>>;
  /**
   * Policy packs every preview and update runs (`--policy-pack`): the repository's own pack (policy/), the
   * same rules `devctl plan` checks offline. DEVCTL_POLICY_PACKS (path-separated) replaces the list;
   * "none" turns it off.
   */
  readonly policyPacks: readonly string[];
}

export const INSTALL_PULUMI =
  "install the Pulumi CLI (curl -fsSL https://get.pulumi.com | sh, or brew install pulumi/tap/pulumi; see https://www.pulumi.com/docs/install/) and make sure `pulumi` is on PATH";

export function automationSettings(
  env: Readonly<Record<string, string | undefined>>,
  repositoryRoot: string,
  options: { secretsProvider?: string } = {},
): AutomationSettings {
  const localStateDir = env.PULUMI_BACKEND_URL ? undefined : path.join(repositoryRoot, ".devctl", "state");
  const backendUrl = env.PULUMI_BACKEND_URL || `file://${localStateDir ?? ""}`;
  const secretsProvider = options.secretsProvider || env.DEVCTL_SECRETS_PROVIDER || "passphrase";
  const envVars: Record<string, string> = {
    PULUMI_BACKEND_URL: backendUrl,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    // The stack config file (git-ignored) holds the secrets provider and the passphrase salt; without it (a
    // fresh checkout, every CI job) the CLI would make a new passphrase secrets manager. This makes it use
    // the one the stack's state records instead: an awskms:// stack stays on its key.
    PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER: "true",
  };
  if (secretsProvider === "passphrase") {
    if (env.PULUMI_CONFIG_PASSPHRASE !== undefined) envVars.PULUMI_CONFIG_PASSPHRASE = env.PULUMI_CONFIG_PASSPHRASE;
    else if (env.PULUMI_CONFIG_PASSPHRASE_FILE) envVars.PULUMI_CONFIG_PASSPHRASE_FILE = env.PULUMI_CONFIG_PASSPHRASE_FILE;
    else {
      throw new DevctlError(
        "USAGE",
        "the stacks' secrets are encrypted with a passphrase and PULUMI_CONFIG_PASSPHRASE is not set",
        "export PULUMI_CONFIG_PASSPHRASE=<the team's passphrase> (or PULUMI_CONFIG_PASSPHRASE_FILE), or choose another provider with --secrets-provider awskms://alias/<key>",
      );
    }
  }
  const policyPacks =
    env.DEVCTL_POLICY_PACKS === "none"
      ? []
      : env.DEVCTL_POLICY_PACKS
        ? env.DEVCTL_POLICY_PACKS.split(path.delimiter)
            .filter(Boolean)
            .map((p) => path.resolve(repositoryRoot, p))
        : [path.join(repositoryRoot, "policy")];
  return { repositoryRoot, backendUrl, localStateDir, secretsProvider, envVars, policyPacks };
}

/** The arguments for LocalWorkspace.createOrSelectStack / selectStack of one layer's stack. */
export function stackArgs(settings: AutomationSettings, ref: StackRef): { workDir: string; stackName: string } {
  return { workDir: layerDir(settings.repositoryRoot, ref.layer), stackName: ref.environment };
}

/** LocalWorkspaceOptions: each layer is a local program in its own folder, run by its own engine process. */
export function workspaceOptions(settings: AutomationSettings, ref: StackRef): { workDir: string; envVars: Record<string, string>; secretsProvider: string } {
  return { workDir: layerDir(settings.repositoryRoot, ref.layer), envVars: { ...settings.envVars }, secretsProvider: settings.secretsProvider };
}

/** The stack's own config file, stacks/<layer>/Pulumi.<env>.yaml (git-ignored: per checkout). */
export function stackConfigFile(settings: AutomationSettings, ref: StackRef): string {
  return path.join(layerDir(settings.repositoryRoot, ref.layer), `Pulumi.${ref.environment}.yaml`);
}

export function layerDir(repositoryRoot: string, layer: Layer): string {
  return path.join(repositoryRoot, "stacks", layer);
}

/** The executable's path when it is on PATH, else undefined. */
export function findOnPath(
  command: string,
  pathVariable: string | undefined,
  isExecutable: (file: string) => boolean = defaultIsExecutable,
): string | undefined {
  for (const dir of (pathVariable ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, command);
    if (isExecutable(file)) return file;
  }
  return undefined;
}

function defaultIsExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Fails fast, before any stack is touched, when the Pulumi CLI the Automation API drives is missing. */
export function requirePulumiCli(env: Readonly<Record<string, string | undefined>>, isExecutable?: (file: string) => boolean): string {
  const found = findOnPath("pulumi", env.PATH, isExecutable);
  if (!found)
    throw new DevctlError("PULUMI_CLI_MISSING", "the Pulumi CLI (`pulumi`) is not on PATH; devctl drives it through the Automation API", INSTALL_PULUMI);
  return found;
}

/**
 * The upstream layer a failure names: a StackReference to a stack that does not exist, or one that exists
 * without the output (created by a preview, a failed first update, or destroyed): requireOutput's message.
 */
function upstreamIn(text: string): Layer | undefined {
  const match =
    /(?:unknown stack|no stack named|stack not found)[^\n]*?(platform-(?:network|data|compute))/i.exec(text) ??
    /Required output '[^']+' does not exist on stack '[^'\n]*?(platform-(?:network|data|compute))/.exec(text);
  return match?.[1] ? PROJECT_LAYER.get(match[1]) : undefined;
}

const PROJECT_LAYER = new Map(Object.entries(LAYER_PROJECTS).map(([layer, project]) => [project, layer as Layer]));

/** The Kubernetes API's refusal of an authenticated user (RBAC), as client-go and Helm print it. */
const KUBERNETES_FORBIDDEN = /User "([^"]+)" cannot (\w+) resource "([^"]+)"(?: in API group "[^"]*")?(?: in the namespace "([^"]+)"| at the cluster scope)/;

/**
 * Turns what the Automation API throws into devctl's typed errors, each naming its fix. Unknown errors
 * become OPERATION_FAILED carrying the CLI's own error lines.
 */
export function mapAutomationError(error: unknown, ref: StackRef): Error {
  if (error instanceof DevctlError) return error;
  const name = error instanceof Error ? error.name : "";
  const text = error instanceof Error ? error.message : String(error);
  const stack = `${ref.layer}/${ref.environment}`;
  if (/spawn pulumi ENOENT|Command failed with ENOENT: pulumi/.test(text)) {
    return new DevctlError("PULUMI_CLI_MISSING", "the Pulumi CLI (`pulumi`) is not installed or not on PATH", INSTALL_PULUMI, { cause: error });
  }
  if (name === "ConcurrentUpdateError" || text.includes("the stack is currently locked") || text.includes("[409] Conflict")) {
    return new DevctlError(
      "STACK_LOCKED",
      `another update holds the lock of stack ${stack}`,
      // `pulumi cancel` deletes a file backend's lock files (and cancels a Pulumi Cloud update); stack import
      // would itself need the lock.
      `wait for it to finish; if the process that held it is gone, run \`pulumi cancel --stack ${ref.environment} --yes\` in stacks/${ref.layer}`,
      { cause: error },
    );
  }
  if (name === "StackAlreadyExistsError") {
    return new DevctlError(
      "STACK_LOCKED",
      `stack ${stack} was created by another devctl or pulumi process at the same moment`,
      "run the command again: the stack exists now",
      { cause: error },
    );
  }
  const upstreamLayer = upstreamIn(text);
  if (upstreamLayer && upstreamLayer !== ref.layer) {
    return new DevctlError(
      "UPSTREAM_NOT_DEPLOYED",
      `the ${ref.layer} layer of ${ref.environment} reads the ${upstreamLayer} layer, which has not been deployed to ${ref.environment} (no stack, or a stack without outputs)`,
      `run devctl up ${ref.environment} --layer ${upstreamLayer} first`,
      { cause: error },
    );
  }
  if (
    /No valid credential sources found|NoCredentialProviders|Could not load credentials|failed to refresh cached credentials|ExpiredToken|InvalidClientTokenId|UnrecognizedClientException/i.test(
      text,
    ) ||
    name === "CredentialsProviderError"
  ) {
    return new DevctlError(
      "AWS_CREDENTIALS_MISSING",
      `no valid AWS credentials for ${stack}`,
      "sign in (aws sso login --profile <profile> and export AWS_PROFILE) or export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY; in CI use the OIDC role",
      { cause: error },
    );
  }
  if (/passphrase must be set|incorrect passphrase|failed to decrypt/i.test(text)) {
    return new DevctlError("USAGE", `cannot decrypt the secrets of ${stack}: the passphrase is missing or wrong`, "export the right PULUMI_CONFIG_PASSPHRASE", {
      cause: error,
    });
  }
  const refused = KUBERNETES_FORBIDDEN.exec(text);
  if (refused) {
    const [, user, verb, resource, namespace] = refused;
    const role = /assumed-role\/([^/]+)/.exec(user!)?.[1] ?? user;
    return new DevctlError(
      "OPERATION_FAILED",
      `${stack}: the cluster refused ${role}: it may not ${verb} "${resource}" ${namespace ? `in namespace ${namespace}` : "at the cluster scope"} (Kubernetes RBAC, not IAM)`,
      // A cluster created before the drift role could read the Helm releases (RELEASE_READER) lacks that grant.
      `on the eks platform a role's rights in the cluster are the access entries and policies the compute layer creates: ` +
        `run devctl up ${ref.environment} --layer compute (deploy role) to bring them up to date; what each role may do is in docs/ci-cd.md`,
      { cause: error },
    );
  }
  // The SDK's text holds the CLI's stderr twice (as stderr and inside err) and stdout once: each line once.
  const errorLines = [
    ...new Set(
      text
        .split("\n")
        .filter((l) => /^\s*error:/.test(l))
        .map((l) => l.trim()),
    ),
  ];
  const summary = errorLines.length > 0 ? errorLines.slice(0, 5).join("; ") : (text.split("\n").find((l) => l.trim() !== "") ?? text).trim();
  return new DevctlError(
    "OPERATION_FAILED",
    `${stack}: ${summary}`,
    "read the engine output above; fix the program, its configuration or the cloud resource, then run it again",
    {
      cause: error,
    },
  );
}
