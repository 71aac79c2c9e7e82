/**
 * The network layer's tests, run once per environment (staging.test.ts, prod.test.ts): evaluates the real
 * program on the simulation and asserts on the inputs it sends for every resource.
 */
import { loadEnvironment, LOG_RETENTION_DAYS, type Environment } from "@platform/infra/environment";
import { cidrContains } from "@platform/infra";
import { isTaggable, LAYER_OUTPUT_NAMES, layerTags } from "@platform/infra/layers";
import { mockCallResult, type MockRecorder, type RecordedResource } from "@platform/infra/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { runNetworkProgram, TYPES, type NetworkRun } from "./network-harness";

const DATA_PORTS = [5432, 6379];

/** The id the simulation gave a resource: what other resources receive as its id. */
const idOf = (r: RecordedResource) => String(r.id);
const tagsOf = (r: RecordedResource) => (r.inputs.tags ?? {}) as Record<string, string>;
interface Statement {
  Sid: string;
  Effect: string;
  Principal?: { AWS?: string; Service?: string | string[] } | "*";
  Action: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}
const policyOf = (r: RecordedResource, field = "policy") => JSON.parse(String(r.inputs[field])) as { Statement: Statement[] };
const servicesOf = (s: Statement) => (typeof s.Principal === "object" ? [s.Principal.Service ?? []].flat() : []);

/** Ports a rule opens; protocol "-1" (all) opens every port. */
function opensPort(rule: RecordedResource, port: number): boolean {
  const protocol = String(rule.inputs.ipProtocol ?? rule.inputs.protocol);
  if (protocol === "-1" || protocol === "all") return true;
  const from = Number(rule.inputs.fromPort);
  const to = Number(rule.inputs.toPort);
  return from <= port && port <= to;
}

export interface Expectations {
  readonly natGateways: number;
  readonly azCount: number;
}

export function networkLayerSuite(environmentName: string, expected: Expectations): void {
  describe(`network layer (${environmentName})`, () => {
    let run: NetworkRun;
    let env: Environment;
    let r: MockRecorder;
    const sgByRole = (role: string) => r.one(TYPES.sg, `${env.name}-${role}`);
    const sgRules = () => [...r.ofType(TYPES.ingress), ...r.ofType(TYPES.egress)];

    beforeAll(async () => {
      env = loadEnvironment(environmentName);
      run = await runNetworkProgram(env);
      r = run.recorder;
    });

    it("reads the environment this suite expects", () => {
      expect(env.network.azCount).toBe(expected.azCount);
    });

    it("returns exactly the contract's outputs, with subnets per tier", () => {
      expect(Object.keys(run.outputs).sort()).toEqual([...LAYER_OUTPUT_NAMES.network].sort());
      for (const key of ["publicSubnetIds", "privateSubnetIds", "isolatedSubnetIds", "availabilityZones"]) {
        expect(run.outputs[key], key).toHaveLength(expected.azCount);
      }
      expect(new Set(run.outputs.availabilityZones as string[]).size).toBe(expected.azCount);
      expect(run.outputs.vpcCidr).toBe(env.network.vpcCidr);
      expect(run.outputs.kmsKeyArn).toMatch(/^arn:/);
      expect(run.outputs.alertTopicArn).toMatch(/^arn:/);
    });

    it("creates every AWS resource with the layer's explicit provider", () => {
      const aws = r.resources.filter((x) => x.type.startsWith("aws:"));
      expect(aws.length).toBeGreaterThan(50);
      for (const x of aws) expect(x.provider ?? "", `${x.type} ${x.name}`).toMatch(/pulumi:providers:aws::aws::/);
      const provider = r.one("pulumi:providers:aws", "aws");
      expect(provider.inputs.region).toBe(env.awsRegion);
    });

    it("creates one VPC with DNS support for private endpoint names", () => {
      const vpc = r.one(TYPES.vpc);
      expect(vpc.inputs).toMatchObject({ cidrBlock: env.network.vpcCidr, enableDnsSupport: true, enableDnsHostnames: true });
      const defaultSg = r.one(TYPES.defaultSg);
      expect(defaultSg.inputs.ingress ?? []).toEqual([]);
      expect(defaultSg.inputs.egress ?? []).toEqual([]);
    });

    it("has azCount subnets per tier, one per AZ, inside the VPC and not overlapping", () => {
      const subnets = r.ofType(TYPES.subnet);
      expect(subnets).toHaveLength(3 * expected.azCount);
      for (const tier of ["public", "private", "isolated"]) {
        const inTier = subnets.filter((s) => tagsOf(s).Tier === tier);
        expect(inTier, tier).toHaveLength(expected.azCount);
        expect(new Set(inTier.map((s) => s.inputs.availabilityZone)).size).toBe(expected.azCount);
      }
      const cidrs = subnets.map((s) => String(s.inputs.cidrBlock));
      for (const c of cidrs) expect(cidrContains(env.network.vpcCidr, c), c).toBe(true);
      expect(new Set(cidrs).size).toBe(cidrs.length);
      for (const s of subnets) expect(s.inputs.mapPublicIpOnLaunch).toBe(false);
      expect(run.outputs.privateSubnetIds).toEqual(subnets.filter((s) => tagsOf(s).Tier === "private").map(idOf));
      expect(run.outputs.isolatedSubnetIds).toEqual(subnets.filter((s) => tagsOf(s).Tier === "isolated").map(idOf));
    });

    it(`has ${expected.natGateways} NAT gateway(s), each with an Elastic IP in a public subnet`, () => {
      const nats = r.ofType(TYPES.nat);
      expect(nats).toHaveLength(expected.natGateways);
      expect(r.ofType(TYPES.eip)).toHaveLength(expected.natGateways);
      const publicIds = r
        .ofType(TYPES.subnet)
        .filter((s) => tagsOf(s).Tier === "public")
        .map(idOf);
      const eipAllocations = r.ofType(TYPES.eip).map((e) => e.state.allocationId);
      for (const nat of nats) {
        expect(publicIds).toContain(nat.inputs.subnetId);
        expect(eipAllocations).toContain(nat.inputs.allocationId);
      }
      expect(new Set(nats.map((n) => n.inputs.subnetId)).size).toBe(expected.natGateways);
      expect(new Set(nats.map((n) => n.inputs.allocationId)).size).toBe(expected.natGateways);
    });

    it("routes each AZ's private subnet through a NAT gateway (its own one per AZ), public through the IGW, isolated nowhere", () => {
      const routes = r.ofType(TYPES.route);
      const natIds = r.ofType(TYPES.nat).map(idOf);
      const privateTables = r.ofType(TYPES.routeTable).filter((t) => /-private-\d+$/.test(t.name));
      expect(privateTables).toHaveLength(expected.azCount);
      const natUsed = privateTables.map((t) => {
        const defaults = routes.filter((x) => x.inputs.routeTableId === idOf(t) && x.inputs.destinationCidrBlock === "0.0.0.0/0");
        expect(defaults, t.name).toHaveLength(1);
        expect(natIds).toContain(defaults[0]!.inputs.natGatewayId);
        return defaults[0]!.inputs.natGatewayId;
      });
      expect(new Set(natUsed).size).toBe(expected.natGateways);
      const publicTable = r.one(TYPES.routeTable, `${env.name}-public`);
      const publicDefault = routes.filter((x) => x.inputs.routeTableId === idOf(publicTable));
      expect(publicDefault).toEqual([expect.objectContaining({ inputs: expect.objectContaining({ gatewayId: idOf(r.one(TYPES.igw)) }) })]);
      const isolatedTable = r.one(TYPES.routeTable, `${env.name}-isolated`);
      expect(routes.filter((x) => x.inputs.routeTableId === idOf(isolatedTable))).toEqual([]);
      // Every subnet is associated with the table of its tier.
      const assoc = r.ofType(TYPES.rtAssoc);
      expect(assoc).toHaveLength(3 * expected.azCount);
      for (const s of r.ofType(TYPES.subnet).filter((x) => tagsOf(x).Tier === "isolated")) {
        expect(assoc.find((a) => a.inputs.subnetId === idOf(s))?.inputs.routeTableId).toBe(idOf(isolatedTable));
      }
      // The S3 gateway endpoint does not reach the isolated tier either.
      const s3 = r.ofType(TYPES.endpoint).find((e) => String(e.inputs.serviceName).endsWith(".s3"));
      expect(s3?.inputs.routeTableIds).toEqual(privateTables.map(idOf));
    });

    it("gives each tier its own NACL with the tier's rules, associated with every subnet of the tier", () => {
      const acls = r.ofType(TYPES.nacl);
      expect(acls.map((a) => tagsOf(a).Tier).sort()).toEqual(["isolated", "private", "public"]);
      const rulesOf = (tier: string) => {
        const acl = acls.find((a) => tagsOf(a).Tier === tier)!;
        return r.ofType(TYPES.naclRule).filter((x) => x.inputs.networkAclId === idOf(acl));
      };
      for (const acl of acls) {
        const tier = tagsOf(acl).Tier!;
        const associated = r
          .ofType(TYPES.naclAssoc)
          .filter((a) => a.inputs.networkAclId === idOf(acl))
          .map((a) => a.inputs.subnetId);
        expect(associated.sort()).toEqual(
          r
            .ofType(TYPES.subnet)
            .filter((s) => tagsOf(s).Tier === tier)
            .map(idOf)
            .sort(),
        );
        const rules = rulesOf(tier);
        for (const direction of [true, false]) {
          const numbers = rules.filter((x) => x.inputs.egress === direction).map((x) => x.inputs.ruleNumber);
          expect(new Set(numbers).size, `${tier} rule numbers unique`).toBe(numbers.length);
        }
        for (const x of rules) expect(x.inputs.ruleAction).toBe("allow");
      }

      const publicIn = rulesOf("public").filter((x) => x.inputs.egress === false);
      const fromInternet = publicIn.filter((x) => x.inputs.cidrBlock === "0.0.0.0/0");
      expect(fromInternet.map((x) => `${String(x.inputs.fromPort)}-${String(x.inputs.toPort)}`).sort()).toEqual(["1024-65535", "443-443", "80-80"]);

      const privateIn = rulesOf("private").filter((x) => x.inputs.egress === false);
      expect(privateIn.filter((x) => x.inputs.protocol === "-1").map((x) => x.inputs.cidrBlock)).toEqual([env.network.vpcCidr]);
      for (const x of privateIn.filter((y) => y.inputs.cidrBlock === "0.0.0.0/0")) expect(x.inputs.fromPort).toBeGreaterThanOrEqual(1024);

      const privateCidrs = r
        .ofType(TYPES.subnet)
        .filter((s) => tagsOf(s).Tier === "private")
        .map((s) => s.inputs.cidrBlock);
      const isolatedCidrs = r
        .ofType(TYPES.subnet)
        .filter((s) => tagsOf(s).Tier === "isolated")
        .map((s) => s.inputs.cidrBlock);
      const isolated = rulesOf("isolated");
      for (const x of isolated) {
        expect(x.inputs.protocol, x.name).toBe("tcp");
        expect([...privateCidrs, ...isolatedCidrs], x.name).toContain(x.inputs.cidrBlock);
      }
      for (const x of isolated.filter((y) => y.inputs.egress === false)) {
        const port = `${String(x.inputs.fromPort)}-${String(x.inputs.toPort)}`;
        if (privateCidrs.includes(x.inputs.cidrBlock)) expect(["5432-5432", "6379-6379"], x.name).toContain(port);
        else expect(["5432-5432", "6379-6379", "1024-65535"], x.name).toContain(port);
      }
      for (const cidr of privateCidrs) {
        const ports = isolated.filter((x) => x.inputs.egress === false && x.inputs.cidrBlock === cidr).map((x) => x.inputs.fromPort);
        expect(ports.sort()).toEqual([5432, 6379]);
        const back = isolated.filter((x) => x.inputs.egress === true && x.inputs.cidrBlock === cidr);
        expect(back.map((x) => [x.inputs.fromPort, x.inputs.toPort])).toEqual([[1024, 65535]]);
      }
    });

    it("sends all VPC traffic to an encrypted flow-log group with the environment's retention", () => {
      const flowLog = r.one(TYPES.flowLog);
      const group = r.one(TYPES.logGroup, `${env.name}-flow-logs`);
      const role = r.one(TYPES.role, `${env.name}-flow-logs`);
      expect(flowLog.inputs).toMatchObject({
        vpcId: idOf(r.one(TYPES.vpc)),
        trafficType: "ALL",
        logDestinationType: "cloud-watch-logs",
        logDestination: group.state.arn,
        iamRoleArn: role.state.arn,
      });
      expect(group.inputs.retentionInDays).toBe(env.logRetentionDays);
      expect(group.inputs.kmsKeyId).toBe(run.outputs.kmsKeyArn);
      expect(run.outputs.flowLogGroupName).toBe(group.inputs.name);
      const trust = policyOf(role, "assumeRolePolicy");
      expect(trust.Statement.map((s) => s.Principal)).toEqual([{ Service: "vpc-flow-logs.amazonaws.com" }]);
      const rolePolicy = r.one(TYPES.rolePolicy, `${env.name}-flow-logs`);
      const actions = policyOf(rolePolicy).Statement.flatMap((s) => s.Action);
      expect(actions).toEqual(expect.arrayContaining(["logs:CreateLogStream", "logs:PutLogEvents"]));
      expect(actions.every((a) => a.startsWith("logs:"))).toBe(true);
    });

    it("every IAM role carries the workload permissions boundary the deploy role requires (docs/ci-cd.md)", () => {
      const roles = r.ofType(TYPES.role);
      expect(roles.map((role) => role.name)).toEqual([`${env.name}-flow-logs`]);
      for (const role of roles) expect(role.inputs.permissionsBoundary, role.name).toBe("arn:aws:iam::123456789012:policy/platform-workload-boundary");
    });

    it("gives every log group a retention CloudWatch accepts", () => {
      const groups = r.ofType(TYPES.logGroup);
      expect(groups.length).toBeGreaterThan(0);
      for (const g of groups) expect(LOG_RETENTION_DAYS as readonly number[], g.name).toContain(g.inputs.retentionInDays);
    });

    it("keeps PostgreSQL and Redis ports closed to every CIDR and prefix list", () => {
      const rules = sgRules();
      expect(rules.length).toBeGreaterThan(0);
      for (const rule of rules) {
        const toAddresses = Boolean(rule.inputs.cidrIpv4 || rule.inputs.cidrIpv6 || rule.inputs.prefixListId);
        if (!toAddresses) continue;
        for (const port of DATA_PORTS) expect(opensPort(rule, port), `${rule.name} opens ${port} to an address range`).toBe(false);
      }
      // No inline rules that would escape the checks above.
      for (const sg of r.ofType(TYPES.sg)) {
        expect(sg.inputs.ingress ?? [], sg.name).toEqual([]);
        expect(sg.inputs.egress ?? [], sg.name).toEqual([]);
      }
    });

    it("lets traffic from outside the VPC into the ALB only, on 443 only, from CloudFront's origin-facing prefix list", () => {
      const alb = idOf(sgByRole("alb"));
      const fromOutside = r.ofType(TYPES.ingress).filter((x) => {
        if (x.inputs.cidrIpv6 || x.inputs.prefixListId) return true;
        const cidr = x.inputs.cidrIpv4 as string | undefined;
        return cidr !== undefined && !cidrContains(env.network.vpcCidr, cidr);
      });
      // The mocks answer only com.amazonaws.global.cloudfront.origin-facing, with the shared table's id.
      const cloudfront = mockCallResult(
        "aws:ec2/getManagedPrefixList:getManagedPrefixList",
        { name: "com.amazonaws.global.cloudfront.origin-facing" },
        { region: "eu-west-1" },
      );
      expect(fromOutside.map((x) => x.inputs)).toEqual([
        expect.objectContaining({ securityGroupId: alb, ipProtocol: "tcp", fromPort: 443, toPort: 443, prefixListId: cloudfront.id }),
      ]);
      const albIn = r.ofType(TYPES.ingress).filter((x) => x.inputs.securityGroupId === alb);
      expect(albIn).toHaveLength(1);
      expect(albIn[0]!.inputs.cidrIpv4).toBeUndefined();
      expect(albIn[0]!.inputs.cidrIpv6).toBeUndefined();
    });

    it("admits nothing from 0.0.0.0/0 or ::/0 into any security group, and nothing on port 80", () => {
      const ingress = r.ofType(TYPES.ingress);
      expect(ingress.length).toBeGreaterThan(0);
      for (const x of ingress) {
        expect(x.inputs.cidrIpv4, x.name).not.toBe("0.0.0.0/0");
        expect(x.inputs.cidrIpv6, x.name).not.toBe("::/0");
        expect(opensPort(x, 80), x.name).toBe(false);
      }
    });

    it("wires the groups to each other: ALB -> service port -> PostgreSQL / Redis, nothing else in", () => {
      const [alb, service, database, cache, endpoints] = ["alb", "service", "database", "cache", "endpoints"].map((role) => idOf(sgByRole(role)));
      const ingressOf = (sg: string) =>
        r
          .ofType(TYPES.ingress)
          .filter((x) => x.inputs.securityGroupId === sg)
          .map((x) => x.inputs);
      const egressOf = (sg: string) =>
        r
          .ofType(TYPES.egress)
          .filter((x) => x.inputs.securityGroupId === sg)
          .map((x) => x.inputs);
      const port = env.service.port;
      expect(ingressOf(service!)).toEqual([expect.objectContaining({ referencedSecurityGroupId: alb, fromPort: port, toPort: port, ipProtocol: "tcp" })]);
      expect(ingressOf(database!)).toEqual([expect.objectContaining({ referencedSecurityGroupId: service, fromPort: 5432, toPort: 5432 })]);
      expect(ingressOf(cache!)).toEqual([expect.objectContaining({ referencedSecurityGroupId: service, fromPort: 6379, toPort: 6379 })]);
      expect(ingressOf(endpoints!)).toEqual([expect.objectContaining({ cidrIpv4: env.network.vpcCidr, fromPort: 443, toPort: 443 })]);
      expect(egressOf(database!)).toEqual([]);
      expect(egressOf(cache!)).toEqual([]);
      expect(egressOf(endpoints!)).toEqual([]);
      expect(egressOf(alb!)).toEqual([expect.objectContaining({ referencedSecurityGroupId: service, fromPort: port, toPort: port })]);
      const serviceOut = egressOf(service!).map((x) => `${String(x.fromPort)} ${String(x.cidrIpv4 ?? x.referencedSecurityGroupId)}`);
      expect(serviceOut.sort()).toEqual([`443 0.0.0.0/0`, `5432 ${database!}`, `6379 ${cache!}`].sort());
      for (const rule of sgRules()) expect(rule.inputs.ipProtocol, rule.name).toBe("tcp");
    });

    it("has a KMS key with rotation on, a policy for the account, CloudWatch Logs and alarms, and an alias", () => {
      const key = r.one(TYPES.key);
      expect(key.inputs.enableKeyRotation).toBe(true);
      expect(key.inputs.deletionWindowInDays).toBe(30);
      const statements = policyOf(key).Statement;
      const principals = statements.map((s) => JSON.stringify(s.Principal));
      expect(principals).toContain(JSON.stringify({ AWS: "arn:aws:iam::123456789012:root" }));
      const logs = statements.find((s) => servicesOf(s).includes(`logs.${env.awsRegion}.amazonaws.com`));
      expect(logs?.Action).toEqual(expect.arrayContaining(["kms:Encrypt*", "kms:GenerateDataKey*"]));
      const alarms = statements.find((s) => servicesOf(s).includes("cloudwatch.amazonaws.com"));
      expect(alarms?.Action).toEqual(expect.arrayContaining(["kms:Decrypt", "kms:GenerateDataKey*"]));
      expect(r.one(TYPES.alias).inputs).toMatchObject({ name: `alias/platform/${env.name}`, targetKeyId: key.state.keyId });
    });

    it("has an alert topic encrypted with the key, one e-mail subscription per address, and alarms may publish", () => {
      const topic = r.one(TYPES.topic);
      expect(topic.inputs.kmsMasterKeyId).toBe(run.outputs.kmsKeyArn);
      const topicArn = run.outputs.alertTopicArn;
      const subs = r.ofType(TYPES.subscription);
      expect(subs.map((s) => s.inputs.endpoint).sort()).toEqual([...env.alertEmails].sort());
      for (const s of subs) expect(s.inputs).toMatchObject({ protocol: "email", topic: topicArn });
      const policy = r.one(TYPES.topicPolicy);
      expect(policy.inputs.arn).toBe(topicArn);
      const publish = policyOf(policy).Statement.find((s) => servicesOf(s).includes("cloudwatch.amazonaws.com"));
      expect(publish?.Action).toBe("sns:Publish");
      expect(publish?.Condition?.StringEquals?.["aws:SourceAccount"]).toBe("123456789012");
    });

    it("has gateway and private-DNS interface endpoints for S3, ECR, Logs and Secrets Manager", () => {
      const endpoints = r.ofType(TYPES.endpoint);
      const byService = new Map(endpoints.map((e) => [String(e.inputs.serviceName).replace(`com.amazonaws.${env.awsRegion}.`, ""), e]));
      expect(byService.get("s3")?.inputs.vpcEndpointType).toBe("Gateway");
      for (const service of ["ecr.api", "ecr.dkr", "logs", "secretsmanager"]) {
        const e = byService.get(service);
        expect(e?.inputs, service).toMatchObject({
          vpcEndpointType: "Interface",
          privateDnsEnabled: true,
          subnetIds: run.outputs.privateSubnetIds,
          securityGroupIds: [run.outputs.endpointSecurityGroupId],
          vpcId: run.outputs.vpcId,
        });
      }
    });

    it("tags every taggable resource with the layer's tags and a Name", () => {
      const required = layerTags(env, "network");
      expect(required).toMatchObject({ Environment: env.name, Layer: "network", Owner: expect.any(String), CostCenter: expect.any(String) });
      const taggable = r.resources.filter((x) => isTaggable(x.type));
      // Guard the guard: the declaration lookup must recognise the obvious ones.
      for (const type of [
        TYPES.vpc,
        TYPES.subnet,
        TYPES.nat,
        TYPES.sg,
        TYPES.ingress,
        TYPES.key,
        TYPES.topic,
        TYPES.logGroup,
        TYPES.flowLog,
        TYPES.endpoint,
        TYPES.nacl,
      ]) {
        expect(isTaggable(type), type).toBe(true);
      }
      expect(isTaggable(TYPES.route)).toBe(false);
      for (const x of taggable) {
        expect(tagsOf(x), `${x.type} ${x.name}`).toMatchObject({ ...required, Name: expect.any(String) });
      }
    });
  });
}
