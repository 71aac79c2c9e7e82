import { WORKLOAD_BOUNDARY_NAME } from "@platform/infra/layers";
import type { PolicyResource, ResourceRule, StackRule, Violation } from "./types";
import { asArray, asRecord, fromJson, show } from "./values";

/** Resource types that carry an IAM policy document, and the input that holds it. */
export const POLICY_DOCUMENTS: Readonly<Record<string, string>> = {
  "aws:iam/role:Role": "assumeRolePolicy",
  "aws:kms/key:Key": "policy",
  "aws:kms/keyPolicy:KeyPolicy": "policy",
  "aws:s3/bucketPolicy:BucketPolicy": "policy",
  "aws:sns/topic:Topic": "policy",
  "aws:sns/topicPolicy:TopicPolicy": "policy",
  "aws:sqs/queuePolicy:QueuePolicy": "policy",
  "aws:secretsmanager/secretPolicy:SecretPolicy": "policy",
  "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": "policyDocument",
};

/** Global condition keys that tie a service's request to our account or resource (lower case, as IAM compares). */
const SOURCE_KEYS = new Set(["aws:sourceaccount", "aws:sourcearn", "aws:sourceorgid", "aws:sourceorgpaths"]);

/**
 * Service principals whose own, documented scoping stands in for the global keys, and how to recognise it.
 * CloudWatch Logs binds its use of a KMS key to the log group through the encryption context. ELB's log
 * delivery principal documents no source keys; its write is scoped by the object path AWSLogs/<account>/.
 */
const SERVICE_SCOPING: readonly { readonly principal: RegExp; readonly scoped: (statement: Readonly<Record<string, unknown>>) => boolean }[] = [
  { principal: /^logs\.[a-z0-9-]+\.amazonaws\.com$/, scoped: (s) => conditionKeys(s).has("kms:encryptioncontext:aws:logs:arn") },
  {
    principal: /^logdelivery\.elasticloadbalancing\.amazonaws\.com$/,
    scoped: (s) => {
      const resources = [s.Resource].flat();
      return resources.length > 0 && resources.every((r) => typeof r === "string" && /\/AWSLogs\/\d{12}\//.test(r));
    },
  },
];

function conditionKeys(statement: Readonly<Record<string, unknown>>): Set<string> {
  const keys = new Set<string>();
  for (const block of Object.values(asRecord(statement.Condition) ?? {})) {
    for (const key of Object.keys(asRecord(block) ?? {})) keys.add(key.toLowerCase());
  }
  return keys;
}

function servicePrincipals(statement: Readonly<Record<string, unknown>>): string[] {
  const service = asRecord(statement.Principal)?.Service;
  return [service].flat().filter((s): s is string => typeof s === "string");
}

/**
 * Allow statements to an AWS service principal that name no source condition: any account's use of that
 * service could act through them (the confused deputy). Returns one message per such principal.
 */
export function unscopedServiceGrants(document: unknown): string[] {
  const parsed = fromJson(document);
  const statements = asArray(asRecord(parsed)?.Statement ?? []).map(asRecord);
  const single = asRecord(asRecord(parsed)?.Statement);
  const problems: string[] = [];
  for (const statement of single ? [single] : statements) {
    if (!statement || statement.Effect !== "Allow") continue;
    const keys = conditionKeys(statement);
    if ([...keys].some((k) => SOURCE_KEYS.has(k))) continue;
    for (const principal of servicePrincipals(statement)) {
      if (SERVICE_SCOPING.some((s) => s.principal.test(principal) && s.scoped(statement))) continue;
      problems.push(
        `statement ${show(statement.Sid, "(no Sid)")} allows ${principal} without aws:SourceAccount or aws:SourceArn; ` +
          `add Condition StringEquals aws:SourceAccount (and ArnLike aws:SourceArn where the service sets it)`,
      );
    }
  }
  return problems;
}

export const serviceSourceCondition: ResourceRule = {
  kind: "resource",
  name: "service-principal-source-condition",
  description: "Every trust or resource policy that allows an AWS service principal carries aws:SourceAccount or aws:SourceArn (confused deputy).",
  level: "mandatory",
  types: Object.keys(POLICY_DOCUMENTS),
  validate({ type, props }) {
    const key = POLICY_DOCUMENTS[type];
    return key === undefined ? [] : unscopedServiceGrants(props[key]);
  },
};

/** `arn:<partition>:iam::<account>:policy/platform-workload-boundary`, in any partition and account. */
const WORKLOAD_BOUNDARY = new RegExp(`^arn:[a-z-]+:iam::\\d{12}:policy/${WORKLOAD_BOUNDARY_NAME}$`);

export const rolePermissionsBoundary: ResourceRule = {
  kind: "resource",
  name: "role-permissions-boundary",
  description: `Every IAM role carries the permissions boundary ${WORKLOAD_BOUNDARY_NAME}: the deploy roles may create no other (docs/ci-cd.md).`,
  level: "mandatory",
  types: ["aws:iam/role:Role"],
  validate({ props }) {
    const boundary = props.permissionsBoundary;
    if (typeof boundary === "string" && WORKLOAD_BOUNDARY.test(boundary)) return [];
    const found = typeof boundary === "string" && boundary !== "" ? `permissionsBoundary ${boundary}` : "no permissionsBoundary";
    return [
      `the role has ${found}; the deploy role may only create roles bounded by ${WORKLOAD_BOUNDARY_NAME}: ` +
        `set permissionsBoundary: workloadBoundaryArn(partition, accountId) from @platform/infra/layers`,
    ];
  },
};

const LOAD_BALANCERS = new Set(["aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"]);
const SSE_CONFIGURATIONS = new Set([
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
]);

/** Encryption each log service can write into; ELB access logs: SSE-S3 only (it cannot use a KMS key). */
const LOG_BUCKET_ENCRYPTION: readonly { readonly service: string; readonly bucketOf: (r: PolicyResource) => unknown; readonly allowed: readonly string[] }[] = [
  {
    service: "ELB access logs",
    bucketOf: (r) => (LOAD_BALANCERS.has(r.type) && asRecord(r.props.accessLogs)?.enabled !== false ? asRecord(r.props.accessLogs)?.bucket : undefined),
    allowed: ["AES256"],
  },
];

export const logBucketEncryption: StackRule = {
  kind: "stack",
  name: "log-bucket-encryption-supported",
  description: "A bucket that receives service logs uses an encryption that service can write with (ELB access logs: SSE-S3 only).",
  level: "mandatory",
  validate(resources) {
    const violations: Violation[] = [];
    for (const kind of LOG_BUCKET_ENCRYPTION) {
      for (const writer of resources) {
        const bucket = kind.bucketOf(writer);
        if (typeof bucket !== "string") continue;
        for (const sse of resources.filter((r) => SSE_CONFIGURATIONS.has(r.type) && r.props.bucket === bucket)) {
          for (const rule of asArray(sse.props.rules)) {
            const algorithm = asRecord(asRecord(rule)?.applyServerSideEncryptionByDefault)?.sseAlgorithm;
            if (typeof algorithm === "string" && !kind.allowed.includes(algorithm)) {
              violations.push({
                urn: sse.urn,
                message: `bucket ${bucket} receives ${kind.service}, which can only write with ${kind.allowed.join(" or ")}, but it encrypts with ${algorithm}`,
              });
            }
          }
        }
      }
    }
    return violations;
  },
};
