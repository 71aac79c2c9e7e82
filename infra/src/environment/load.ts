import * as fs from "node:fs";
import * as path from "node:path";
import { closest } from "fastest-levenshtein";
import { parseDocument } from "yaml";
import { toEnvironment, type Environment } from "./environment";
import { isEnvironmentName } from "./name";
import { recoverySettings, recoverySourceName } from "./recovery";
import { settingsSchema, type Settings } from "./schema";

/** The Pulumi project whose `config:` block declares every environment setting. */
export const ROOT_PROJECT = "platform";
const NAMESPACE = `${ROOT_PROJECT}:`;

/** One thing wrong with an environment file. */
export interface EnvironmentProblem {
  /** The key as written in the file, e.g. "platform:azCount" (empty when the problem is the file itself). */
  readonly key: string;
  /** The value found, as JSON; undefined when the key is missing. */
  readonly value?: string;
  /** What is wrong and what is allowed. */
  readonly message: string;
}

export type EnvironmentErrorCode = "UNKNOWN_ENVIRONMENT" | "INVALID_ENVIRONMENT";

/** Raised for an unknown environment or a file that breaks the model; `message` lists every problem. */
export class EnvironmentError extends Error {
  override readonly name = "EnvironmentError";
  constructor(
    readonly code: EnvironmentErrorCode,
    /** The file at fault (Pulumi.yaml or Pulumi.<env>.yaml), absolute. */
    readonly file: string,
    readonly problems: readonly EnvironmentProblem[],
    /** What to do about it, in one line. */
    readonly suggestion: string,
  ) {
    super(
      [
        `${path.basename(file)}: ${problems.length === 1 ? "1 problem" : `${problems.length} problems`}`,
        ...problems.map((p) => `  - ${p.key ? `${p.key}` : "(file)"}${p.value === undefined ? "" : ` = ${p.value}`}: ${p.message}`),
        suggestion,
      ].join("\n"),
    );
  }
}

export interface LoadOptions {
  /** Folder holding Pulumi.yaml and the Pulumi.<env>.yaml files. Default: the repository root. */
  readonly rootDir?: string;
}

/** The repository root: infra/{src,dist}/environment/ is three folders below it. */
export const REPOSITORY_ROOT = path.resolve(__dirname, "..", "..", "..");

/** Names of the environments that have a file, sorted. */
export function listEnvironments(options: LoadOptions = {}): string[] {
  const root = options.rootDir ?? REPOSITORY_ROOT;
  return fs
    .readdirSync(root)
    .map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f)?.[1])
    .filter((n): n is string => n !== undefined && isEnvironmentName(n))
    .sort();
}

/**
 * Reads Pulumi.<name>.yaml, applies the defaults declared in Pulumi.yaml, validates every value and the
 * rules between them, and returns a frozen Environment. Throws EnvironmentError naming the file, each bad
 * key, its value and what is allowed.
 */
export function loadEnvironment(name: string, options: LoadOptions = {}): Environment {
  const root = options.rootDir ?? REPOSITORY_ROOT;
  const source = recoverySourceName(name);
  if (source !== undefined && listEnvironments({ rootDir: root }).includes(source)) return loadRecoveryEnvironment(name, source, options);
  const projectFile = path.join(root, "Pulumi.yaml");
  const known = listEnvironments({ rootDir: root });
  const file = ["yaml", "yml"].map((ext) => path.join(root, `Pulumi.${name}.${ext}`)).find((f) => fs.existsSync(f));
  if (!isEnvironmentName(name) || file === undefined) {
    throw new EnvironmentError(
      "UNKNOWN_ENVIRONMENT",
      path.join(root, `Pulumi.${name}.yaml`),
      [{ key: "", message: `unknown environment "${name}"; known environments: ${known.join(", ") || "(none)"}` }],
      `Use one of: ${known.join(", ")}; or add Pulumi.${name}.yaml beside Pulumi.yaml to create it.`,
    );
  }

  return toEnvironment(name, file, readSettings(file, projectFile));
}

/** The validated settings of one environment file, Pulumi.yaml's defaults applied; throws EnvironmentError. */
function readSettings(file: string, projectFile: string): Settings {
  const declarations = readDeclarations(projectFile);
  const raw = readStackConfig(file);
  const problems: EnvironmentProblem[] = [];
  const values: Record<string, unknown> = {};

  for (const [fullKey, value] of Object.entries(raw)) {
    const key = fullKey.startsWith(NAMESPACE) ? fullKey.slice(NAMESPACE.length) : undefined;
    const declaration = key === undefined ? undefined : declarations.get(key);
    if (key === undefined || declaration === undefined) {
      const guess = closest(key ?? fullKey, [...declarations.keys()]);
      problems.push({
        key: fullKey,
        value: show(value),
        message:
          `unknown key; an environment file may set only the ${NAMESPACE}* keys declared in Pulumi.yaml` +
          (guess ? ` (did you mean ${NAMESPACE}${guess}?)` : ""),
      });
      continue;
    }
    const typeProblem = checkType(declaration, value);
    if (typeProblem) {
      problems.push({ key: fullKey, value: show(value), message: typeProblem });
      continue;
    }
    values[key] = value;
  }
  for (const [key, declaration] of declarations) {
    if (key in values || problems.some((p) => p.key === NAMESPACE + key)) continue;
    if (declaration.default === undefined) {
      problems.push({ key: NAMESPACE + key, message: `is required (${declaration.description ?? declaration.type})` });
    } else {
      values[key] = declaration.default;
    }
  }

  if (problems.length === 0) {
    const parsed = settingsSchema.safeParse(values);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) {
      const [key, index] = issue.path;
      const keyName = typeof key === "string" ? key : "";
      const topValue = values[keyName];
      const value: unknown = typeof index === "number" && Array.isArray(topValue) ? (topValue as unknown[])[index] : topValue;
      problems.push({
        key: NAMESPACE + keyName + (typeof index === "number" ? `[${index}]` : ""),
        value: show(value),
        message: issue.message,
      });
    }
  }
  throw new EnvironmentError(
    "INVALID_ENVIRONMENT",
    file,
    problems,
    `Fix ${path.basename(file)}; every key, its type, default and meaning are declared in Pulumi.yaml.`,
  );
}

/**
 * <env>-dr: derived from <env>'s file (recoverySettings), never written by hand. Refused when a hand-written
 * file claims the name, or when <env> keeps no backups in its DR region to restore from.
 */
function loadRecoveryEnvironment(name: string, source: string, options: LoadOptions): Environment {
  const root = options.rootDir ?? REPOSITORY_ROOT;
  if (listEnvironments({ rootDir: root }).includes(name)) {
    const file = path.join(root, `Pulumi.${name}.yaml`);
    throw new EnvironmentError(
      "INVALID_ENVIRONMENT",
      file,
      [{ key: "", message: `${name} is the recovery environment of ${source}, which is derived from Pulumi.${source}.yaml` }],
      `Delete ${path.basename(file)}; change Pulumi.${source}.yaml instead (or name a separate environment differently).`,
    );
  }
  const base = loadEnvironment(source, options);
  const settings = readSettings(base.file, path.join(root, "Pulumi.yaml"));
  if (!settings.dbReplicateBackupsToDr) {
    throw new EnvironmentError(
      "INVALID_ENVIRONMENT",
      base.file,
      [
        {
          key: `${NAMESPACE}dbReplicateBackupsToDr`,
          value: "false",
          message: `${source} keeps no backups in its DR region (${settings.drRegion}), so ${name} has nothing to restore`,
        },
      ],
      `Set ${NAMESPACE}dbReplicateBackupsToDr: true in ${path.basename(base.file)} and deploy ${source}'s data layer, then wait for its first replicated backup.`,
    );
  }
  return toEnvironment(name, base.file, recoverySettings(settings), source);
}

interface Declaration {
  readonly type: "string" | "integer" | "boolean" | "array";
  readonly items?: { readonly type: "string" | "integer" | "boolean" };
  readonly default?: unknown;
  readonly description?: string;
}

/** Reads the `config:` declarations of the root Pulumi.yaml. */
export function readDeclarations(projectFile: string): Map<string, Declaration> {
  const doc = readYaml(projectFile) as { name?: unknown; config?: Record<string, Declaration> } | null;
  if (!doc || doc.name !== ROOT_PROJECT || typeof doc.config !== "object" || doc.config === null) {
    throw new EnvironmentError(
      "INVALID_ENVIRONMENT",
      projectFile,
      [{ key: "", message: `must declare project "${ROOT_PROJECT}" with a config: block of settings` }],
      "Restore Pulumi.yaml from the repository.",
    );
  }
  return new Map(Object.entries(doc.config));
}

function readStackConfig(file: string): Record<string, unknown> {
  const doc = readYaml(file);
  const config = (doc as { config?: unknown } | null)?.config;
  if (config === undefined || config === null || typeof config !== "object" || Array.isArray(config)) {
    throw new EnvironmentError(
      "INVALID_ENVIRONMENT",
      file,
      [{ key: "config", value: show(config), message: "must be a mapping of platform:<key>: <value>" }],
      "Start the file with `config:` and put one platform:<key>: <value> per line under it.",
    );
  }
  return config as Record<string, unknown>;
}

function readYaml(file: string): unknown {
  const doc = parseDocument(fs.readFileSync(file, "utf8"), { prettyErrors: true });
  const first = doc.errors[0];
  if (first) {
    throw new EnvironmentError(
      "INVALID_ENVIRONMENT",
      file,
      [{ key: "", message: `is not valid YAML: ${first.message.split("\n")[0] ?? ""}` }],
      "Fix the YAML syntax (indentation, quotes, colons) at the line named above.",
    );
  }
  return doc.toJS() as unknown;
}

function checkType(declaration: Declaration, value: unknown): string | undefined {
  const is = (type: string, v: unknown): boolean => (type === "integer" ? Number.isInteger(v) : type === "array" ? Array.isArray(v) : typeof v === type);
  if (!is(declaration.type, value)) {
    const secure = typeof value === "object" && value !== null && "secure" in value;
    return secure
      ? "is a secret; the environment file holds no secrets (they are generated and kept in Secrets Manager)"
      : `must be of type ${declaration.type}${declaration.items ? ` of ${declaration.items.type}` : ""} (declared in Pulumi.yaml)`;
  }
  if (declaration.type === "array" && declaration.items) {
    const itemType = declaration.items.type;
    const bad = (value as unknown[]).findIndex((item) => !is(itemType, item));
    if (bad >= 0) return `item ${bad} must be of type ${itemType}`;
  }
  return undefined;
}

function show(value: unknown): string | undefined {
  return value === undefined ? undefined : JSON.stringify(value);
}
