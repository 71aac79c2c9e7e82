import * as fs from "node:fs";
import * as path from "node:path";
import { workloadBoundaryArn } from "@platform/infra/layers";
import { describe, expect, it } from "vitest";
import { databaseConnectPolicy, executionRolePolicy, type PolicyDocument } from "../../infra/src/compute/iam-policies";
import { metricsReadPolicy, secretsEncryptionPolicy, serviceSecretsReadPolicy } from "../../infra/src/compute/eks/cluster-policies";
import { loadEnvironment } from "../../infra/src/environment";
import { doraSnapshotFunctionPolicy, doraSnapshotSchedulerPolicy } from "../../infra/src/compute/dora-snapshot-schedule";
import { apiFunctionPolicy } from "../../infra/src/compute/lambda/lambda-policies";
import { CLUSTER_ROLE_POLICIES, NODE_ROLE_POLICIES } from "../../infra/src/compute/eks/cluster-policies";
import { MANAGED_POLICIES, type ManagedPolicy } from "../../infra/src/iam/managed-policies";
import { REPO_ROOT, workflowFiles, type Job } from "./workflow-files";

// The IAM policies docs/ci-cd.md asks operators to create, read from the page itself and checked for the
// boundaries the page promises. They cannot be simulated against AWS here; what is checked is their shape.

interface Statement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Action: string | string[];
  Resource?: string | string[];
  Principal?: unknown;
  Condition?: Record<string, Record<string, string | string[]>>;
}
interface Policy {
  Statement: Statement[];
}

const DOCS = fs.readFileSync(path.join(REPO_ROOT, "docs", "ci-cd.md"), "utf8");
const list = (value: string | string[] | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** `<!-- policy: <kind> <role> -->` followed by a ```json block. */
function policies(markdown: string): Map<string, Policy> {
  const found = new Map<string, Policy>();
  for (const match of markdown.matchAll(/<!-- policy: (\w+ [\w-]+) -->\s*```json\n([\s\S]*?)```/g)) {
    found.set(match[1]!, JSON.parse(match[2]!) as Policy);
  }
  return found;
}

const ROLE_ENVIRONMENT: Record<string, string> = {
  "platform-preview-staging": "preview-staging",
  "platform-drift-staging": "drift-staging",
  "platform-drift-prod": "drift-prod",
  "platform-dr-drill-prod": "dr-drill-prod",
  "platform-deploy-staging": "staging",
  "platform-deploy-prod": "production",
};

const STATE_BUCKET = (env: string) => `arn:aws:s3:::ORG-pulumi-state-${env}`;
const READ_VERB = /^[a-z0-9-]+:(Get|List|Describe)[A-Za-z*]*$/;

/** Trust: one subject, exactly one GitHub environment, no wildcard, no pull_request or branch subject. */
function trustProblems(policy: Policy, environment: string): string[] {
  const problems: string[] = [];
  for (const statement of policy.Statement) {
    if (list(statement.Action).join() !== "sts:AssumeRoleWithWebIdentity") problems.push(`trusts ${list(statement.Action).join()}`);
    const conditions = statement.Condition ?? {};
    if (Object.keys(conditions).some((operator) => operator !== "StringEquals"))
      problems.push(`uses ${Object.keys(conditions).join(", ")}; only StringEquals names one subject`);
    const equals = conditions.StringEquals ?? {};
    if (equals["token.actions.githubusercontent.com:aud"] !== "sts.amazonaws.com") problems.push("no audience condition");
    const subject = equals["token.actions.githubusercontent.com:sub"];
    if (subject !== `repo:OWNER/REPO:environment:${environment}`) problems.push(`trusts ${JSON.stringify(subject)}, not environment ${environment}`);
  }
  return problems;
}

/** Read-only: every allowed action reads; kms:Decrypt only through Secrets Manager. */
function readOnlyProblems(policy: Policy): string[] {
  const problems: string[] = [];
  for (const statement of policy.Statement.filter((s) => s.Effect === "Allow")) {
    for (const action of list(statement.Action)) {
      if (READ_VERB.test(action) || action === "s3:ListBucket") continue;
      if (action === "kms:Decrypt" && String(statement.Condition?.StringEquals?.["kms:ViaService"] ?? "").startsWith("secretsmanager.")) continue;
      problems.push(`${statement.Sid ?? "a statement"} allows ${action}, which writes or decrypts`);
    }
  }
  return problems;
}

/** State: the role's S3 object actions name only its own environment's bucket. */
function stateProblems(policy: Policy, environment: string): string[] {
  const other = environment === "staging" ? "prod" : "staging";
  const problems: string[] = [];
  for (const statement of policy.Statement.filter((s) => s.Effect === "Allow")) {
    for (const resource of list(statement.Resource)) {
      if (resource.startsWith("arn:aws:s3:::") && resource !== "*" && !resource.startsWith(STATE_BUCKET(environment)))
        problems.push(`${statement.Sid ?? "a statement"} reaches ${resource}`);
      if (resource.includes(`pulumi-state-${other}`)) problems.push(`${statement.Sid ?? "a statement"} reaches ${other}'s state`);
    }
  }
  if (!policy.Statement.some((s) => s.Effect === "Allow" && list(s.Resource).includes(`${STATE_BUCKET(environment)}/.pulumi/*`)))
    problems.push(`no access to ${environment}'s state objects`);
  return problems;
}

// The ARN the programs set on their roles (in the documented account): the page and the code name one boundary.
const BOUNDARY = workloadBoundaryArn("aws", "123456789012");
const IAM_WITHOUT_BOUNDARY = new Set(["iam:PassRole", "iam:CreateServiceLinkedRole"]);

/** Deploy: every IAM write needs the permissions boundary, which no statement may drop. */
function boundaryProblems(policy: Policy): string[] {
  const problems: string[] = [];
  for (const statement of policy.Statement.filter((s) => s.Effect === "Allow")) {
    for (const action of list(statement.Action).filter((a) => a.startsWith("iam:") && !READ_VERB.test(a) && !IAM_WITHOUT_BOUNDARY.has(a))) {
      if (statement.Condition?.StringEquals?.["iam:PermissionsBoundary"] !== BOUNDARY)
        problems.push(`${statement.Sid ?? "a statement"} allows ${action} without the permissions boundary condition`);
    }
  }
  const keeps = policy.Statement.some((s) => s.Effect === "Deny" && list(s.Action).includes("iam:DeleteRolePermissionsBoundary"));
  if (!keeps) problems.push("nothing denies iam:DeleteRolePermissionsBoundary");
  return problems;
}

/**
 * The drill role builds and destroys `<env>-dr` only: it writes no state but `<env>-dr`'s stacks, acts in no region
 * but the DR region and us-east-1 (CloudFront, its certificate and WAF, and IAM's and Route 53's endpoints), changes
 * only roles tagged for the recovery environment, and is denied prod's own edge resources in the shared us-east-1.
 */
function drillProblems(policy: Policy, source: string, drRegion: string): string[] {
  const recovery = `${source}-dr`;
  const problems = [...stateProblems(policy, source), ...boundaryProblems(policy)];
  const allows = policy.Statement.filter((s) => s.Effect === "Allow");
  for (const statement of allows) {
    const name = statement.Sid ?? "a statement";
    const actions = list(statement.Action);
    const writesState = actions.some((a) => a === "s3:PutObject" || a === "s3:DeleteObject");
    if (writesState) {
      for (const resource of list(statement.Resource)) {
        if (!resource.includes(`/${recovery}/`) && !resource.includes(`/${recovery}.json`))
          problems.push(`${name} writes ${resource}, not only ${recovery}'s stacks`);
      }
      continue;
    }
    if (actions.every((a) => a.startsWith("s3:") || a.startsWith("iam:"))) continue;
    const regions = list(statement.Condition?.StringEquals?.["aws:RequestedRegion"]);
    if (regions.length === 0 || regions.some((r) => r !== drRegion && r !== "us-east-1")) {
      problems.push(`${name} is not limited to ${drRegion} and us-east-1 (aws:RequestedRegion ${JSON.stringify(regions)})`);
    }
  }
  for (const statement of allows.filter((s) => list(s.Action).some((a) => a.startsWith("iam:") && !READ_VERB.test(a) && !IAM_WITHOUT_BOUNDARY.has(a)))) {
    const tag = statement.Condition?.StringEquals?.["aws:RequestTag/Environment"] ?? statement.Condition?.StringEquals?.["aws:ResourceTag/Environment"];
    if (tag !== recovery) problems.push(`${statement.Sid ?? "a statement"} changes roles not tagged Environment=${recovery}`);
  }
  const fenced = policy.Statement.filter((s) => s.Effect === "Deny" && s.Condition?.StringEquals?.["aws:ResourceTag/Environment"] === source).flatMap((s) =>
    list(s.Action),
  );
  for (const edge of ["cloudfront:*", "wafv2:*", "acm:*"]) if (!fenced.includes(edge)) problems.push(`nothing denies ${edge} on ${source}'s own resources`);
  return problems;
}

/**
 * The data sources the programs call, and the actions each needs. A new lookup fails the test until it is
 * named here and its actions are in the preview role's policy.
 */
const LOOKUP_ACTIONS: Record<string, readonly string[]> = {
  getAvailabilityZones: ["ec2:DescribeAvailabilityZones"],
  "ec2.getManagedPrefixList": ["ec2:DescribeManagedPrefixLists", "ec2:GetManagedPrefixListEntries"],
  "route53.getZone": ["route53:ListHostedZones", "route53:ListHostedZonesByName", "route53:GetHostedZone", "route53:ListTagsForResource"],
  "s3.getCanonicalUserId": ["s3:ListAllMyBuckets"],
  "ecr.getAuthorizationToken": ["ecr:GetAuthorizationToken"],
  getCallerIdentity: [],
  getPartition: [],
  getRegion: [],
  "elb.getServiceAccount": [],
};

function programLookups(): Set<string> {
  const found = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!["node_modules", "dist", "testing", "test"].includes(entry.name)) walk(full);
      } else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) {
        for (const m of fs.readFileSync(full, "utf8").matchAll(/\baws\.(?:([a-z0-9]+)\.)?(get[A-Z][A-Za-z]*?)(?:Output)?\(/g))
          found.add(m[1] ? `${m[1]}.${m[2]!}` : m[2]!);
      }
    }
  };
  for (const dir of ["infra/src", "stacks"]) walk(path.join(REPO_ROOT, dir));
  return found;
}

/** The GitHub environments of the jobs that assume an AWS role, with matrix values and literals expanded. */
function roleEnvironments(): Set<string> {
  const found = new Set<string>();
  const expand = (job: Job): string[] => {
    const name = typeof job.environment === "string" ? job.environment : job.environment?.name;
    if (!name) return [];
    const matrix = job.strategy?.matrix?.environment as string[] | undefined;
    if (name.includes("${{ matrix.environment }}")) return (matrix ?? []).map((e) => name.replace("${{ matrix.environment }}", e));
    if (name.startsWith("${{")) return [...name.matchAll(/'([^']+)'/g)].map((m) => m[1]!).filter((v) => v !== "prod");
    return [name];
  };
  for (const { doc } of workflowFiles()) {
    for (const job of Object.values(doc.jobs)) {
      if ((job.steps ?? []).some((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"))) expand(job).forEach((e) => found.add(e));
    }
  }
  return found;
}

/** IAM's action matching: case-insensitive, `*` any run of characters. */
function actionMatches(pattern: string, action: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .split("*")
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
    "i",
  );
  return regex.test(action);
}

/** One request a role makes: its action, the resource it names, and the service a passed role goes to. */
interface Request {
  readonly action: string;
  readonly resource: string;
  readonly passedToService?: string;
}

const ACCOUNT_ARN = "arn:aws:iam::123456789012";
/** The resource an EKS role's request names: instance profiles for their actions, a role for PassRole, else "*". */
function requestOf(action: string): Request {
  if (/^iam:.*InstanceProfile/i.test(action)) return { action, resource: `${ACCOUNT_ARN}:instance-profile/eks-eu-west-1-staging-release-ledger-node` };
  if (action === "iam:PassRole") return { action, resource: `${ACCOUNT_ARN}:role/service-eks-node-role-0a1b2c3`, passedToService: "ec2.amazonaws.com" };
  return { action, resource: "*" };
}

const resourceMatches = (pattern: string, resource: string) => resource === "*" || actionMatches(pattern, resource);

/** Whether a statement applies to a request: its actions, resources or NotResource, and an iam:PassedToService condition. */
function applies(statement: Statement & { NotResource?: string | string[] }, request: Request): boolean {
  if (!list(statement.Action).some((pattern) => actionMatches(pattern, request.action))) return false;
  if (statement.NotResource !== undefined && list(statement.NotResource).some((pattern) => actionMatches(pattern, request.resource))) return false;
  if (statement.Resource !== undefined && !list(statement.Resource).some((pattern) => resourceMatches(pattern, request.resource))) return false;
  const passedTo = (operator: string) => statement.Condition?.[operator]?.["iam:PassedToService"];
  const equals = passedTo("StringEquals");
  if (equals !== undefined && (request.passedToService === undefined || !list(equals).includes(request.passedToService))) return false;
  const notEquals = passedTo("StringNotEquals");
  if (notEquals !== undefined && request.passedToService !== undefined && list(notEquals).includes(request.passedToService)) return false;
  return true;
}

/** A permissions boundary lets a request through when an Allow applies and no Deny does. */
function boundaryAllows(boundary: Policy, request: Request): boolean {
  return (
    boundary.Statement.some((s) => s.Effect === "Allow" && applies(s, request)) && !boundary.Statement.some((s) => s.Effect === "Deny" && applies(s, request))
  );
}

/** Files that attach managed policies named in a list rather than written out, and the lists. */
const ATTACHED_FROM_LISTS: Record<string, readonly string[]> = {
  "infra/src/compute/eks/eks-cluster.ts": [...CLUSTER_ROLE_POLICIES, ...NODE_ROLE_POLICIES],
};

/**
 * The AWS managed policies the programs attach, by name, with the ARN path each is written with (undefined when
 * only the name is known); those whose actions they grant inline instead (read from the table); and the files
 * whose attachments cannot be told from their text.
 */
function attachedManagedPolicies(): { attached: Map<string, string | undefined>; inline: Set<string>; unreadable: string[] } {
  const attached = new Map<string, string | undefined>();
  const inline = new Set<string>();
  const unreadable: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!["node_modules", "dist", "testing", "test"].includes(entry.name)) walk(full);
        continue;
      }
      if (!entry.name.endsWith(".ts") || entry.name.endsWith(".test.ts")) continue;
      const text = fs.readFileSync(full, "utf8");
      const file = path.relative(REPO_ROOT, full);
      for (const m of text.matchAll(/iam::aws:policy\/([\w+=,.@/-]+)/g)) attached.set(m[1]!.split("/").pop()!, m[1]);
      for (const m of text.matchAll(/\bManagedPolicy\.(\w+)/g)) if (!attached.has(m[1]!)) attached.set(m[1]!, undefined);
      for (const m of text.matchAll(/\bMANAGED_POLICIES\.(\w+)/g)) inline.add(m[1]!);
      if (/iam::aws:policy\/\$\{/.test(text)) {
        const listed = ATTACHED_FROM_LISTS[file];
        if (listed === undefined) unreadable.push(file);
        else for (const name of listed) if (!attached.has(name)) attached.set(name, undefined);
      }
    }
  };
  for (const dir of ["infra/src", "stacks"]) walk(path.join(REPO_ROOT, dir));
  return { attached, inline, unreadable };
}

/** A published resource ARN with IAM's wildcards for region and account filled in with the documented ones. */
function inDocumentedAccount(resource: string): string {
  return resource.replace(
    /^arn:aws:([a-z0-9-]+):([^:]*):([^:]*):/,
    (_match, service: string, region: string, account: string) =>
      `arn:aws:${service}:${region === "*" ? "eu-west-1" : region}:${account === "*" ? "123456789012" : account}:`,
  );
}

/** What a managed policy grants that the boundary denies: each action on each resource it is granted on. */
function deniedByBoundary(boundary: Policy, policy: ManagedPolicy): { action: string; resource: string }[] {
  return policy.grants.flatMap((grant) =>
    grant.actions.flatMap((action) =>
      (grant.resources ?? ["*"])
        .map((resource) => ({ action, resource: inDocumentedAccount(resource) }))
        .filter(
          ({ resource }) => !boundaryAllows(boundary, { action, resource, ...(grant.passedToService ? { passedToService: grant.passedToService } : {}) }),
        ),
    ),
  );
}

describe("the IAM policies in docs/ci-cd.md", () => {
  const all = policies(DOCS);
  const get = (key: string) => {
    const policy = all.get(key);
    if (!policy) throw new Error(`docs/ci-cd.md has no <!-- policy: ${key} --> block`);
    return policy;
  };

  it("trusts exactly one GitHub environment per role, and those are the environments the workflows use", () => {
    for (const [role, environment] of Object.entries(ROLE_ENVIRONMENT)) expect(trustProblems(get(`trust ${role}`), environment), role).toEqual([]);
    expect(roleEnvironments()).toEqual(new Set(Object.values(ROLE_ENVIRONMENT)));
  });

  it("lets the preview role read staging's state and the programs' lookups, and write nothing (a preview takes no lock)", () => {
    const preview = get("permissions platform-preview-staging");
    expect(readOnlyProblems(preview)).toEqual([]);
    expect(stateProblems(preview, "staging")).toEqual([]);
    const allowed = new Set(preview.Statement.flatMap((s) => list(s.Action)));
    const lookups = [...programLookups()];
    expect(
      lookups.filter((l) => !(l in LOOKUP_ACTIONS)),
      "lookups with no entry in LOOKUP_ACTIONS",
    ).toEqual([]);
    expect(
      lookups.flatMap((l) => LOOKUP_ACTIONS[l] ?? []).filter((a) => !allowed.has(a)),
      "lookup actions missing from the preview role",
    ).toEqual([]);
    expect(lookups.length).toBeGreaterThanOrEqual(5);
  });

  it("lets the drift role read what a refresh reads, including its own environment's secret values, and write nothing", () => {
    const drift = get("permissions platform-drift-prod");
    expect(readOnlyProblems(drift)).toEqual([]);
    expect(stateProblems(drift, "prod")).toEqual([]);
    const secretValues = drift.Statement.find((s) => list(s.Action).includes("secretsmanager:GetSecretValue"));
    expect(secretValues?.Condition?.StringEquals?.["secretsmanager:ResourceTag/Environment"]).toBe("prod");
  });

  it("confines the staging deploy role to staging's state and every role it creates to the permissions boundary", () => {
    const deploy = get("permissions platform-deploy-staging");
    expect(stateProblems(deploy, "staging")).toEqual([]);
    expect(boundaryProblems(deploy)).toEqual([]);
    const denied = deploy.Statement.filter((s) => s.Effect === "Deny").flatMap((s) => list(s.Resource));
    expect(denied).toContain(`${STATE_BUCKET("prod")}/*`);
  });

  it("lets the drill role rebuild and destroy prod-dr only: its stacks, the DR region and us-east-1, never prod's own resources", () => {
    const drRegion = loadEnvironment("prod").drRegion;
    expect(drillProblems(get("permissions platform-dr-drill-prod"), "prod", drRegion)).toEqual([]);
    // The restore itself: find the replicated backups and restore from them, in the DR region.
    const actions = get("permissions platform-dr-drill-prod")
      .Statement.filter((s) => s.Effect === "Allow")
      .flatMap((s) => list(s.Action));
    const needed = [
      "rds:DescribeDBInstanceAutomatedBackups",
      "rds:RestoreDBInstanceToPointInTime",
      "rds:DeleteDBInstance",
      "s3:GetObject",
      "s3:PutObject",
      "s3:DeleteObject",
    ];
    expect(needed.filter((action) => !actions.some((pattern) => actionMatches(pattern, action)))).toEqual([]);
  });

  it("lets the boundary allow every action the service's own roles are granted (else IAM silently denies them at run time)", () => {
    const boundary = get("boundary platform-workload-boundary");
    const allowed = boundary.Statement.filter((s) => s.Effect === "Allow").flatMap((s) => list(s.Action));
    const granted = (doc: PolicyDocument) => doc.Statement.flatMap((s) => list(s.Action as string | string[]));
    const roles = {
      // The ECS task role and the EKS pods' Pod Identity: IAM database authentication as the application user.
      databaseUser: databaseConnectPolicy({
        partition: "aws",
        region: "eu-west-1",
        accountId: "123456789012",
        dbResourceId: "db-ABC123",
        username: "ledger_app",
      }),
      executionRole: executionRolePolicy({ repositoryArns: ["arn:repo"], logGroupArn: "arn:lg", secretArns: ["arn:s"], kmsKeyArn: "arn:key" }),
    };
    for (const [role, doc] of Object.entries(roles)) {
      expect(
        granted(doc).filter((action) => !allowed.some((pattern) => actionMatches(pattern, action))),
        role,
      ).toEqual([]);
    }
  });

  it("lets the deploy role build the eks platform: the cluster, its access entries and Pod Identity, and pass the roles EKS needs", () => {
    const deploy = get("permissions platform-deploy-staging");
    const allows = (request: Request) =>
      deploy.Statement.some((s) => s.Effect === "Allow" && applies(s, request)) && !deploy.Statement.some((s) => s.Effect === "Deny" && applies(s, request));
    const eks = [
      "eks:CreateCluster",
      "eks:DescribeCluster",
      "eks:UpdateClusterConfig",
      "eks:DeleteCluster",
      "eks:TagResource",
      "eks:CreateAccessEntry",
      "eks:AssociateAccessPolicy",
      "eks:CreatePodIdentityAssociation",
      "eks:DeletePodIdentityAssociation",
    ];
    expect(
      eks.filter((action) => !allows({ action, resource: "*" })),
      "EKS actions",
    ).toEqual([]);
    const role = `${ACCOUNT_ARN}:role/service-eks-cluster-role-0a1b2c3`;
    // The cluster role and (Auto Mode) the node role go to EKS in CreateCluster; each Pod Identity role to pods.eks.
    for (const service of ["eks.amazonaws.com", "pods.eks.amazonaws.com"])
      expect(allows({ action: "iam:PassRole", resource: role, passedToService: service }), service).toBe(true);
    expect(allows({ action: "iam:PassRole", resource: role, passedToService: "lambda.amazonaws.com.example" })).toBe(false);
  });

  it("lets the deploy role build the Lambda functions every platform has (the DORA job) and the lambda platform, and pass their roles", () => {
    const deploy = get("permissions platform-deploy-staging");
    const allows = (request: Request) =>
      deploy.Statement.some((s) => s.Effect === "Allow" && applies(s, request)) && !deploy.Statement.some((s) => s.Effect === "Deny" && applies(s, request));
    const actions = [
      "lambda:CreateFunction",
      "lambda:UpdateFunctionCode",
      "lambda:PublishVersion",
      "lambda:CreateAlias",
      "lambda:UpdateAlias",
      "lambda:PutFunctionEventInvokeConfig",
      "lambda:AddPermission",
      "lambda:PutFunctionConcurrency",
      "scheduler:CreateSchedule",
      "sqs:CreateQueue",
      "sqs:SetQueueAttributes",
      "apigateway:POST",
      "apigateway:PATCH",
      "rds:CreateDBProxy",
      "servicediscovery:CreateHttpNamespace",
      "acm-pca:CreateCertificateAuthority",
    ];
    expect(actions.filter((action) => !allows({ action, resource: "*" }))).toEqual([]);
    const role = `${ACCOUNT_ARN}:role/dora-snapshot-0a1b2c3`;
    // The functions' roles to Lambda, the schedule's to EventBridge Scheduler, RDS Proxy's to RDS.
    for (const service of ["lambda.amazonaws.com", "scheduler.amazonaws.com", "rds.amazonaws.com"])
      expect(allows({ action: "iam:PassRole", resource: role, passedToService: service }), service).toBe(true);
  });

  it("lets the boundary allow what the Lambda functions, the schedule and RDS Proxy are granted (else their calls are denied at run time)", () => {
    const boundary = get("boundary platform-workload-boundary");
    const actionsOf = (doc: object) => (doc as { Statement: readonly { Action: string | string[] }[] }).Statement.flatMap((st) => list(st.Action));
    const databaseUserArn = "arn:aws:rds-db:eu-west-1:123456789012:dbuser:db-ABC123/ledger_app";
    const roles: Record<string, readonly string[]> = {
      doraFunction: actionsOf(doraSnapshotFunctionPolicy({ logGroupArn: "arn:lg", databaseUserArn, deadLetterQueueArn: "arn:q" })),
      doraSchedule: actionsOf(doraSnapshotSchedulerPolicy("arn:fn", "arn:q")),
      apiFunction: actionsOf(
        apiFunctionPolicy({ logGroupArn: "arn:lg", proxyUserArn: databaseUserArn, secretArns: ["arn:s"], failureQueueArn: "arn:q", kmsKeyArn: "arn:k" }),
      ),
    };
    for (const [role, actions] of Object.entries(roles))
      expect(
        actions.filter((action) => !boundaryAllows(boundary, requestOf(action))),
        role,
      ).toEqual([]);
  });

  // The cluster and node roles' AWS managed policies are held to the boundary by the managed-policy table's test below.
  it("lets the boundary allow what the EKS cluster and Pod Identity roles are granted inline (Secrets encryption, secrets, metrics)", () => {
    const boundary = get("boundary platform-workload-boundary");
    const key = "arn:aws:kms:eu-west-1:123456789012:key/k";
    const roles: Record<string, readonly string[]> = {
      cluster: secretsEncryptionPolicy(key).Statement.flatMap((s) => list(s.Action as string | string[])),
      secretsReader: serviceSecretsReadPolicy({
        secretArns: ["arn:aws:secretsmanager:eu-west-1:123456789012:secret:s"],
        kmsKeyArn: key,
        region: "eu-west-1",
      }).Statement.flatMap((s) => list(s.Action as string | string[])),
      metricsReader: metricsReadPolicy().Statement.flatMap((s) => list(s.Action as string | string[])),
    };
    for (const [role, actions] of Object.entries(roles))
      expect(
        actions.filter((action) => !boundaryAllows(boundary, requestOf(action))),
        role,
      ).toEqual([]);
  });

  it("lets the boundary allow what every AWS managed policy the programs attach grants, but the actions the table says no role of ours needs", () => {
    const boundary = get("boundary platform-workload-boundary");
    const { attached, inline, unreadable } = attachedManagedPolicies();
    expect(unreadable, "files attaching managed policies by a name the test cannot read: list them in ATTACHED_FROM_LISTS").toEqual([]);
    expect(
      [...new Set([...attached.keys(), ...inline])].sort(),
      "managed policies attached or granted inline from the table vs infra/src/iam/managed-policies.ts",
    ).toEqual(Object.keys(MANAGED_POLICIES).sort());
    const problems: Record<string, string[]> = {};
    for (const [name, policy] of Object.entries(MANAGED_POLICIES) as [string, ManagedPolicy][]) {
      const found: string[] = [];
      const writtenAs = attached.get(name);
      if (writtenAs !== undefined && writtenAs !== policy.path) found.push(`attached as policy/${writtenAs}, but AWS publishes it as policy/${policy.path}`);
      const outside: Readonly<Record<string, string>> = policy.outsideBoundary ?? {};
      const denied = deniedByBoundary(boundary, policy);
      for (const { action, resource } of denied) if (!(action in outside)) found.push(`needs ${action} on ${resource}, which the boundary denies`);
      const granted = new Set(policy.grants.flatMap((g) => g.actions));
      for (const [action, why] of Object.entries(outside)) {
        if (!granted.has(action)) found.push(`outsideBoundary lists ${action}, which the policy does not grant`);
        else if (!denied.some((d) => d.action === action)) found.push(`outsideBoundary lists ${action}, which the boundary allows`);
        if (why.length < 20) found.push(`outsideBoundary ${action}: say why no role needs it`);
      }
      if (found.length > 0) problems[name] = found;
    }
    expect(problems).toEqual({});
  });

  it("keeps the boundary's IAM to Auto Mode's node instance profiles: no role is created, changed or passed to anything but EC2", () => {
    const boundary = get("boundary platform-workload-boundary");
    const role = `${ACCOUNT_ARN}:role/anything`;
    for (const action of ["iam:CreateRole", "iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:CreateUser", "iam:CreatePolicyVersion"]) {
      expect(boundaryAllows(boundary, { action, resource: role }), action).toBe(false);
    }
    expect(boundaryAllows(boundary, { action: "iam:PassRole", resource: role, passedToService: "lambda.amazonaws.com" })).toBe(false);
    expect(boundaryAllows(boundary, { action: "iam:PassRole", resource: role })).toBe(false);
    expect(boundaryAllows(boundary, { action: "sts:AssumeRole", resource: role })).toBe(false);
  });

  it("gives the boundary no IAM and no state bucket", () => {
    const boundary = get("boundary platform-workload-boundary");
    const denied = boundary.Statement.filter((s) => s.Effect === "Deny");
    expect(denied.flatMap((s) => list(s.Action))).toContain("iam:*");
    expect(denied.flatMap((s) => list(s.Resource))).toContain("arn:aws:s3:::ORG-pulumi-state-*/*");
    expect(boundaryAllows(boundary, { action: "s3:GetObject", resource: "arn:aws:s3:::ORG-pulumi-state-prod/.pulumi/stacks/x.json" })).toBe(false);
  });
});

describe("the policy checks catch a planted violation", () => {
  const allow = (Action: string | string[], Resource: string | string[] = "*", Condition?: Statement["Condition"]): Statement => ({
    Effect: "Allow",
    Action,
    Resource,
    Condition,
  });
  const trust = (sub: string, operator = "StringEquals"): Policy => ({
    Statement: [
      {
        Effect: "Allow",
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: { [operator]: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com", "token.actions.githubusercontent.com:sub": sub } },
      },
    ],
  });

  it("a trust of pull requests, of a wildcard, or of another environment", () => {
    expect(trustProblems(trust("repo:OWNER/REPO:environment:staging"), "staging")).toEqual([]);
    expect(trustProblems(trust("repo:OWNER/REPO:pull_request"), "staging")).not.toEqual([]);
    expect(trustProblems(trust("repo:OWNER/REPO:*", "StringLike"), "staging")).not.toEqual([]);
    expect(trustProblems(trust("repo:OWNER/REPO:environment:staging"), "production")).not.toEqual([]);
  });

  it("a read-only role that writes the state (a lock) or decrypts directly", () => {
    expect(readOnlyProblems({ Statement: [allow("s3:GetObject")] })).toEqual([]);
    expect(readOnlyProblems({ Statement: [allow("s3:PutObject", `${STATE_BUCKET("staging")}/.pulumi/locks/*`)] })).toEqual([
      expect.stringContaining("s3:PutObject"),
    ]);
    expect(readOnlyProblems({ Statement: [allow("kms:Decrypt")] })).toEqual([expect.stringContaining("kms:Decrypt")]);
  });

  it("a staging role that reaches prod's state", () => {
    const own = allow("s3:GetObject", `${STATE_BUCKET("staging")}/.pulumi/*`);
    expect(stateProblems({ Statement: [own] }, "staging")).toEqual([]);
    expect(stateProblems({ Statement: [own, allow("s3:GetObject", `${STATE_BUCKET("prod")}/.pulumi/*`)] }, "staging")).not.toEqual([]);
    expect(stateProblems({ Statement: [allow("s3:GetObject", "arn:aws:s3:::ORG-pulumi-state-*/*")] }, "staging")).not.toEqual([]);
  });

  it("a drill role that writes prod's stacks, acts in prod's region, changes untagged roles or may touch prod's edge", () => {
    const boundary = { StringEquals: { "iam:PermissionsBoundary": BOUNDARY, "aws:ResourceTag/Environment": "prod-dr" } };
    const fence: Statement = {
      Effect: "Deny",
      Action: ["cloudfront:*", "wafv2:*", "acm:*"],
      Resource: "*",
      Condition: { StringEquals: { "aws:ResourceTag/Environment": "prod" } },
    };
    const keep: Statement = { Effect: "Deny", Action: "iam:DeleteRolePermissionsBoundary", Resource: "*" };
    const good: Statement[] = [
      allow("s3:GetObject", `${STATE_BUCKET("prod")}/.pulumi/*`),
      allow(["s3:PutObject", "s3:DeleteObject"], `${STATE_BUCKET("prod")}/.pulumi/stacks/*/prod-dr.json*`),
      allow("rds:*", "*", { StringEquals: { "aws:RequestedRegion": ["eu-central-1", "us-east-1"] } }),
      allow("iam:DeleteRole", "*", boundary),
      fence,
      keep,
    ];
    expect(drillProblems({ Statement: good }, "prod", "eu-central-1")).toEqual([]);
    expect(
      drillProblems({ Statement: [...good, allow("s3:PutObject", `${STATE_BUCKET("prod")}/.pulumi/stacks/*/prod.json`)] }, "prod", "eu-central-1"),
    ).toEqual([expect.stringContaining("not only prod-dr's stacks")]);
    expect(
      drillProblems({ Statement: [...good, allow("rds:*", "*", { StringEquals: { "aws:RequestedRegion": "eu-west-1" } })] }, "prod", "eu-central-1"),
    ).toEqual([expect.stringContaining("not limited")]);
    expect(
      drillProblems(
        { Statement: [...good, allow("iam:PutRolePolicy", "*", { StringEquals: { "iam:PermissionsBoundary": BOUNDARY } })] },
        "prod",
        "eu-central-1",
      ),
    ).toEqual([expect.stringContaining("not tagged Environment=prod-dr")]);
    expect(drillProblems({ Statement: good.filter((s) => s !== fence) }, "prod", "eu-central-1")).toHaveLength(3);
  });

  it("an action the boundary does not allow", () => {
    expect(actionMatches("ec2:*NetworkInterface*", "ec2:CreateNetworkInterface")).toBe(true);
    expect(actionMatches("rds-db:connect", "rds-db:Connect")).toBe(true);
    expect(actionMatches("rds:*", "rds-db:connect")).toBe(false);
  });

  it("a boundary whose IAM deny lets a role be created or passed to another service", () => {
    const fence = {
      Effect: "Deny" as const,
      Action: "iam:*",
      NotResource: `${ACCOUNT_ARN}:instance-profile/*`,
      Condition: { StringNotEquals: { "iam:PassedToService": "ec2.amazonaws.com" } },
    };
    const open: Policy = { Statement: [allow("iam:*")] };
    const fenced: Policy = { Statement: [allow("iam:*"), fence] };
    const createRole = { action: "iam:CreateRole", resource: `${ACCOUNT_ARN}:role/x` };
    expect(boundaryAllows(open, createRole)).toBe(true);
    expect(boundaryAllows(fenced, createRole)).toBe(false);
    expect(boundaryAllows(fenced, { action: "iam:PassRole", resource: `${ACCOUNT_ARN}:role/x`, passedToService: "ec2.amazonaws.com" })).toBe(true);
    expect(boundaryAllows(fenced, { action: "iam:PassRole", resource: `${ACCOUNT_ARN}:role/x`, passedToService: "lambda.amazonaws.com" })).toBe(false);
    expect(boundaryAllows(fenced, requestOf("iam:AddRoleToInstanceProfile"))).toBe(true);
  });

  it("a managed policy whose action, or whose resource, the boundary does not allow", () => {
    const policy: ManagedPolicy = {
      path: "service-role/Example",
      source: "Example - AWS Managed Policy",
      version: "v1, 2026-01-01",
      grants: [
        { actions: ["logs:PutLogEvents", "xray:PutTraceSegments"] },
        { actions: ["secretsmanager:PutSecretValue"], resources: ["arn:aws:secretsmanager:*:*:secret:ecs-sc!*"] },
        { actions: ["iam:PassRole"], passedToService: "ec2.amazonaws.com" },
      ],
    };
    const secrets = (resource: string): Policy => ({
      Statement: [allow(["logs:PutLogEvents", "iam:PassRole"]), allow("secretsmanager:PutSecretValue", resource)],
    });
    expect(deniedByBoundary(secrets("arn:aws:secretsmanager:*:123456789012:secret:ecs-sc!*"), policy)).toEqual([
      { action: "xray:PutTraceSegments", resource: "*" },
    ]);
    expect(deniedByBoundary(secrets("arn:aws:secretsmanager:*:123456789012:secret:app-*"), policy).map((d) => d.action)).toEqual([
      "xray:PutTraceSegments",
      "secretsmanager:PutSecretValue",
    ]);
    const fence: Statement & { NotResource: string } = {
      Effect: "Deny",
      Action: "iam:*",
      NotResource: `${ACCOUNT_ARN}:instance-profile/*`,
      Condition: { StringNotEquals: { "iam:PassedToService": "ec2.amazonaws.com" } },
    };
    const toLambda: ManagedPolicy = { ...policy, grants: [{ actions: ["iam:PassRole"], passedToService: "lambda.amazonaws.com" }] };
    expect(deniedByBoundary({ Statement: [allow("iam:PassRole"), fence] }, policy).map((d) => d.action)).not.toContain("iam:PassRole");
    expect(deniedByBoundary({ Statement: [allow("iam:PassRole"), fence] }, toLambda).map((d) => d.action)).toEqual(["iam:PassRole"]);
  });

  it("a deploy role that creates roles without the boundary, or may remove it", () => {
    const keep: Statement = { Effect: "Deny", Action: "iam:DeleteRolePermissionsBoundary", Resource: "*" };
    const bounded = allow("iam:CreateRole", "*", { StringEquals: { "iam:PermissionsBoundary": BOUNDARY } });
    expect(boundaryProblems({ Statement: [bounded, keep] })).toEqual([]);
    expect(boundaryProblems({ Statement: [allow("iam:CreateRole"), keep] })).toEqual([expect.stringContaining("iam:CreateRole")]);
    expect(boundaryProblems({ Statement: [bounded] })).toEqual(["nothing denies iam:DeleteRolePermissionsBoundary"]);
  });
});
