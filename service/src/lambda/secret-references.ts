import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";

/**
 * SECRET_REFERENCES: a JSON object of variable name → Secrets Manager reference, in ECS's `valueFrom` form
 * (`<secret arn>` for the whole value, `<secret arn>:<json key>::` for one field of a JSON secret). ECS
 * resolves these into the environment when a task starts; Lambda has no such thing, so the Lambda entry
 * point does it once per cold start, before reading the configuration. Credentials then never sit in the
 * function's plain settings.
 */
export const SECRET_REFERENCES = "SECRET_REFERENCES";

const REFERENCE = /^(arn:[^:]+:secretsmanager:[^:]+:\d{12}:secret:[^:]+)(?::([^:]*):([^:]*):([^:]*))?$/;

export type ReadSecret = (secretArn: string) => Promise<string>;

export class SecretReferenceError extends Error {
  override readonly name = "SecretReferenceError";
}

/** The variables SECRET_REFERENCES names, with their values read (each secret once); {} when it is unset. */
export async function resolveSecretReferences(
  env: Readonly<Record<string, string | undefined>>,
  read: ReadSecret = readFromSecretsManager(),
): Promise<Record<string, string>> {
  const raw = env[SECRET_REFERENCES]?.trim();
  if (!raw) return {};
  let references: unknown;
  try {
    references = JSON.parse(raw);
  } catch {
    throw new SecretReferenceError(`${SECRET_REFERENCES} is not JSON: expected {"NAME": "<secret arn>[:<json key>::]"}`);
  }
  if (typeof references !== "object" || references === null || Array.isArray(references)) {
    throw new SecretReferenceError(`${SECRET_REFERENCES} must be a JSON object of variable name to secret reference`);
  }
  const parsed = Object.entries(references as Record<string, unknown>).map(([name, reference]) => {
    const match = typeof reference === "string" ? REFERENCE.exec(reference) : null;
    if (!match) throw new SecretReferenceError(`${SECRET_REFERENCES}.${name} is not a secret reference: expected <secret arn> or <secret arn>:<json key>::`);
    return { name, arn: match[1]!, key: match[2] || undefined };
  });
  const values = new Map<string, Promise<string>>();
  const resolved: Record<string, string> = {};
  for (const { name, arn, key } of parsed) {
    if (!values.has(arn)) values.set(arn, read(arn));
    const value = await values.get(arn)!;
    if (key === undefined) {
      resolved[name] = value;
      continue;
    }
    let field: unknown;
    try {
      field = (JSON.parse(value) as Record<string, unknown>)[key];
    } catch {
      throw new SecretReferenceError(`${SECRET_REFERENCES}.${name}: the secret is not JSON, so it has no field "${key}"`);
    }
    if (typeof field !== "string") throw new SecretReferenceError(`${SECRET_REFERENCES}.${name}: the secret has no string field "${key}"`);
    resolved[name] = field;
  }
  return resolved;
}

function readFromSecretsManager(): ReadSecret {
  let client: SecretsManagerClient | undefined;
  return async (secretArn) => {
    client ??= new SecretsManagerClient({});
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
    if (SecretString === undefined) throw new SecretReferenceError(`secret ${secretArn} holds no string value`);
    return SecretString;
  };
}
