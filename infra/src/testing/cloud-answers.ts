/**
 * The ONE table of what AWS returns: the computed attributes (ids, ARNs, names, endpoints, digests) for the
 * resource types and the answers to the data-source calls (invokes) the layer programs read. Served by the
 * in-process simulation (./simulation.ts: devctl plan and every test) and by the local-cloud simulator the
 * real engine runs against (./local-cloud); no second copy. Deterministic: the
 * same program and environment give the same values, so plans can be diffed. Every entry is exercised in
 * cloud-answers.test.ts; a type not listed here gets an id, an ARN and a name.
 */
import { createHash } from "node:crypto";
import { CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST } from "../network/security-group-rules";

export const FAKE_ACCOUNT_ID = "123456789012";

export interface MockContext {
  /** Region of the resource's provider (the environment's region unless the program chose another). */
  readonly region: string;
}

type Props = Record<string, unknown>;
type StateFor = (name: string, inputs: Props, ctx: MockContext & { readonly id: string; readonly seed: string }) => Props;

/** A stable hex string derived from a seed (the resource URN). */
export function fakeHex(seed: string, length: number): string {
  let out = "";
  for (let i = 0; out.length < length; i++) out += createHash("sha256").update(`${seed}#${i}`).digest("hex");
  return out.slice(0, length);
}

/** The image digest the plan pretends a build produced: sha256:<64 hex>, stable per image name. */
export function fakeDigest(seed: string): string {
  return `sha256:${fakeHex(`digest:${seed}`, 64)}`;
}

const uuid = (seed: string) => {
  const h = fakeHex(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};
/** A PEM block of the given label around stable bytes (not a parseable certificate: nothing here checks one). */
const fakePem = (label: string, seed: string) => {
  const body = Buffer.from(fakeHex(seed, 192), "hex")
    .toString("base64")
    .replace(/(.{64})/g, "$1\n")
    .replace(/\n$/, "");
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
};
const str = (value: unknown, fallback: string) => (typeof value === "string" && value !== "" ? value : fallback);
const arnOf = (service: string, region: string, resource: string) => `arn:aws:${service}:${region}:${FAKE_ACCOUNT_ID}:${resource}`;
/** Pulumi auto-names a resource <logical name>-<7 hex> when the program does not name it. */
const autoName = (name: string, seed: string) => `${name}-${fakeHex(seed, 7)}`;
/** Prefix AWS gives the ids of EC2-family resources. */
const EC2_ID_PREFIX: Readonly<Record<string, string>> = {
  "aws:ec2/vpc:Vpc": "vpc",
  "aws:ec2/subnet:Subnet": "subnet",
  "aws:ec2/securityGroup:SecurityGroup": "sg",
  "aws:ec2/internetGateway:InternetGateway": "igw",
  "aws:ec2/natGateway:NatGateway": "nat",
  "aws:ec2/eip:Eip": "eipalloc",
  "aws:ec2/routeTable:RouteTable": "rtb",
  "aws:ec2/networkAcl:NetworkAcl": "acl",
  "aws:ec2/vpcEndpoint:VpcEndpoint": "vpce",
  "aws:ec2/flowLog:FlowLog": "fl",
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "sgr",
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "sgr",
  "aws:ec2/routeTableAssociation:RouteTableAssociation": "rtbassoc",
};

/** The resource's provider id: AWS's real format where the programs use it, otherwise the logical name. */
export function fakeId(type: string, name: string, inputs: Props, seed: string): string {
  const prefix = EC2_ID_PREFIX[type];
  if (prefix) return `${prefix}-${fakeHex(seed, 17)}`;
  switch (type) {
    case "aws:kms/key:Key":
    case "aws:wafv2/webAcl:WebAcl":
      return uuid(seed);
    case "aws:cloudfront/distribution:Distribution":
      return `E${fakeHex(seed, 13).toUpperCase()}`;
    case "aws:route53/zone:Zone":
      return `Z${fakeHex(seed, 20).toUpperCase()}`;
    case "aws:rds/instance:Instance":
      return str(inputs.identifier, autoName(name, seed));
    case "aws:elasticache/replicationGroup:ReplicationGroup":
      return str(inputs.replicationGroupId, autoName(name, seed));
    default:
      return str(inputs.name, autoName(name, seed));
  }
}

const STATE: Readonly<Record<string, StateFor>> = {
  "aws:ec2/vpc:Vpc": (_n, _i, { id, region, seed }) => ({
    arn: arnOf("ec2", region, `vpc/${id}`),
    defaultSecurityGroupId: `sg-${fakeHex(`${seed}:sg`, 17)}`,
    defaultNetworkAclId: `acl-${fakeHex(`${seed}:acl`, 17)}`,
    mainRouteTableId: `rtb-${fakeHex(`${seed}:rtb`, 17)}`,
  }),
  "aws:ec2/eip:Eip": (_n, _i, { seed }) => ({
    allocationId: `eipalloc-${fakeHex(seed, 17)}`,
    publicIp: `203.0.113.${(parseInt(fakeHex(seed, 2), 16) % 254) + 1}`,
  }),
  "aws:kms/key:Key": (_n, _i, { id, region }) => ({ keyId: id, arn: arnOf("kms", region, `key/${id}`) }),
  "aws:kms/alias:Alias": (name, inputs, { region }) => ({ arn: arnOf("kms", region, str(inputs.name, `alias/${name}`)) }),
  "aws:sns/topic:Topic": (name, inputs, { region, seed }) => {
    const topic = str(inputs.name, autoName(name, seed));
    return { name: topic, arn: arnOf("sns", region, topic) };
  },
  "aws:cloudwatch/logGroup:LogGroup": (name, inputs, { region, seed }) => {
    const group = str(inputs.name, autoName(name, seed));
    return { name: group, arn: arnOf("logs", region, `log-group:${group}`) };
  },
  "aws:secretsmanager/secret:Secret": (name, inputs, { region, seed }) => {
    const secret = str(inputs.name, autoName(name, seed));
    return { name: secret, arn: arnOf("secretsmanager", region, `secret:${secret}-${fakeHex(seed, 6)}`) };
  },
  "aws:iam/role:Role": (name, inputs, { seed }) => {
    const role = str(inputs.name, autoName(name, seed));
    return { name: role, arn: `arn:aws:iam::${FAKE_ACCOUNT_ID}:role/${role}`, uniqueId: `AROA${fakeHex(seed, 17).toUpperCase()}` };
  },
  "aws:iam/policy:Policy": (name, inputs, { seed }) => {
    const policy = str(inputs.name, autoName(name, seed));
    return { name: policy, arn: `arn:aws:iam::${FAKE_ACCOUNT_ID}:policy/${policy}` };
  },
  // A proxy's ARN ends in its resource id (prx-…), which IAM tokens for it name; its endpoint is its own host name.
  "aws:rds/proxy:Proxy": (name, inputs, { region, seed }) => {
    const proxy = str(inputs.name, autoName(name, seed));
    return {
      name: proxy,
      arn: arnOf("rds", region, `db-proxy:prx-${fakeHex(seed, 17)}`),
      endpoint: `${proxy}.proxy-c${fakeHex(seed, 11)}.${region}.rds.amazonaws.com`,
    };
  },
  "aws:rds/instance:Instance": (_n, inputs, { id, region, seed }) => {
    const address = `${id}.c${fakeHex(seed, 11)}.${region}.rds.amazonaws.com`;
    const port = typeof inputs.port === "number" ? inputs.port : 5432;
    return {
      identifier: id,
      address,
      endpoint: `${address}:${port}`,
      port,
      arn: arnOf("rds", region, `db:${id}`),
      resourceId: `db-${fakeHex(seed, 26).toUpperCase()}`,
      hostedZoneId: "Z29XKXDKYMONMX",
      masterUserSecrets:
        inputs.manageMasterUserPassword === true
          ? [
              {
                secretArn: arnOf("secretsmanager", region, `secret:rds!db-${uuid(seed)}-${fakeHex(seed, 6)}`),
                secretStatus: "active",
                kmsKeyId: inputs.masterUserSecretKmsKeyId ?? "",
              },
            ]
          : [],
    };
  },
  "aws:rds/subnetGroup:SubnetGroup": (name, inputs, { region, seed }) => {
    const group = str(inputs.name, autoName(name, seed).toLowerCase());
    return { name: group, arn: arnOf("rds", region, `subgrp:${group}`) };
  },
  "aws:rds/parameterGroup:ParameterGroup": (name, inputs, { region, seed }) => {
    const group = str(inputs.name, autoName(name, seed).toLowerCase());
    return { name: group, arn: arnOf("rds", region, `pg:${group}`) };
  },
  "aws:elasticache/replicationGroup:ReplicationGroup": (_n, inputs, { id, region, seed }) => {
    // AWS abbreviates the region in cache endpoints: eu-west-1 -> euw1.
    const [area = "", direction = "", number = ""] = region.split("-");
    const suffix = `${fakeHex(seed, 6)}.${area}${direction.slice(0, 1)}${number}.cache.amazonaws.com`;
    return {
      replicationGroupId: id,
      arn: arnOf("elasticache", region, `replicationgroup:${id}`),
      primaryEndpointAddress: `master.${id}.${suffix}`,
      readerEndpointAddress: `replica.${id}.${suffix}`,
      port: typeof inputs.port === "number" ? inputs.port : 6379,
      memberClusters: Array.from({ length: 1 + (typeof inputs.numCacheClusters === "number" ? inputs.numCacheClusters - 1 : 0) }, (_, i) => `${id}-00${i + 1}`),
    };
  },
  "aws:ecr/repository:Repository": (name, inputs, { region, seed }) => {
    const repository = str(inputs.name, autoName(name, seed).toLowerCase());
    return {
      name: repository,
      arn: arnOf("ecr", region, `repository/${repository}`),
      registryId: FAKE_ACCOUNT_ID,
      repositoryUrl: `${FAKE_ACCOUNT_ID}.dkr.ecr.${region}.amazonaws.com/${repository}`,
    };
  },
  "docker:index/image:Image": (name, inputs) => {
    const imageName = str(inputs.imageName, name);
    const repository = imageName.replace(/(@sha256:[0-9a-f]+|:[^/:]+)$/, "");
    const digest = fakeDigest(imageName);
    return { imageName, baseImageName: imageName, repoDigest: `${repository}@${digest}` };
  },
  "docker-build:index:Image": (name, inputs) => {
    const tag = Array.isArray(inputs.tags) && typeof inputs.tags[0] === "string" ? inputs.tags[0] : name;
    const digest = fakeDigest(tag);
    return { digest, ref: `${tag.replace(/:[^/:]+$/, "")}@${digest}` };
  },
  "awsx:ecr:Image": (name, inputs) => {
    const repository = str(inputs.repositoryUrl, name);
    return { imageUri: `${repository}@${fakeDigest(repository)}` };
  },
  "aws:acm/certificate:Certificate": (_n, inputs, { id, region, seed }) => {
    const domains = [inputs.domainName, ...(Array.isArray(inputs.subjectAlternativeNames) ? (inputs.subjectAlternativeNames as unknown[]) : [])].filter(
      (d): d is string => typeof d === "string",
    );
    return {
      arn: arnOf("acm", region, `certificate/${uuid(`${seed}:${id}`)}`),
      status: "ISSUED",
      domainValidationOptions: domains.map((domainName) => ({
        domainName,
        resourceRecordName: `_${fakeHex(`${seed}:${domainName}`, 32)}.${domainName.replace(/^\*\./, "")}.`,
        resourceRecordType: "CNAME",
        resourceRecordValue: `_${fakeHex(`${seed}:${domainName}:value`, 32)}.acm-validations.aws.`,
      })),
    };
  },
  // Private CA: the CSR, certificate and chain feed other resources' inputs (sign, then install), so they must be
  // answered like AWS does; a missing one would be unknown in every preview and show as a change each time.
  "aws:acmpca/certificateAuthority:CertificateAuthority": (_n, _i, { region, seed }) => ({
    arn: arnOf("acm-pca", region, `certificate-authority/${uuid(seed)}`),
    certificateSigningRequest: fakePem("CERTIFICATE REQUEST", `csr:${seed}`),
    // What DescribeCertificateAuthority says until a certificate is installed; the program never reads it back.
    status: "PENDING_CERTIFICATE",
  }),
  "aws:acmpca/certificate:Certificate": (_n, inputs, { seed }) => ({
    arn: `${str(inputs.certificateAuthorityArn, arnOf("acm-pca", "eu-west-1", `certificate-authority/${uuid(seed)}`))}/certificate/${fakeHex(seed, 32)}`,
    certificate: fakePem("CERTIFICATE", `certificate:${seed}`),
    // A self-signed root certificate has no chain; AWS answers an empty string.
    certificateChain: "",
  }),
  "aws:lb/loadBalancer:LoadBalancer": (name, inputs, { region, seed }) => {
    const lb = str(inputs.name, autoName(name, seed).slice(0, 32));
    const suffix = `app/${lb}/${fakeHex(seed, 16)}`;
    return {
      name: lb,
      arn: arnOf("elasticloadbalancing", region, `loadbalancer/${suffix}`),
      arnSuffix: suffix,
      dnsName: `${lb}-${parseInt(fakeHex(seed, 8), 16)}.${region}.elb.amazonaws.com`,
      zoneId: "Z32O12XQLNTSW2",
    };
  },
  "aws:lb/targetGroup:TargetGroup": (name, inputs, { region, seed }) => {
    const group = str(inputs.name, autoName(name, seed).slice(0, 32));
    const suffix = `targetgroup/${group}/${fakeHex(seed, 16)}`;
    return { name: group, arn: arnOf("elasticloadbalancing", region, suffix), arnSuffix: suffix };
  },
  "aws:lb/listener:Listener": (_n, _i, { region, seed }) => ({
    arn: arnOf("elasticloadbalancing", region, `listener/app/lb/${fakeHex(seed, 16)}/${fakeHex(`${seed}:l`, 16)}`),
  }),
  "aws:cloudfront/distribution:Distribution": (_n, _i, { id, seed }) => ({
    arn: `arn:aws:cloudfront::${FAKE_ACCOUNT_ID}:distribution/${id}`,
    domainName: `d${fakeHex(seed, 13)}.cloudfront.net`,
    hostedZoneId: "Z2FDTNDATAQYW2",
    status: "Deployed",
  }),
  "aws:wafv2/webAcl:WebAcl": (name, inputs, { id, region }) => {
    const scope = inputs.scope === "CLOUDFRONT" ? "global" : "regional";
    const acl = str(inputs.name, name);
    return { name: acl, arn: arnOf("wafv2", scope === "global" ? "us-east-1" : region, `${scope}/webacl/${acl}/${id}`) };
  },
  "aws:s3/bucket:Bucket": (name, inputs, { seed, region }) => {
    const bucket = str(inputs.bucket, autoName(name, seed).toLowerCase());
    return {
      bucket,
      arn: `arn:aws:s3:::${bucket}`,
      bucketDomainName: `${bucket}.s3.amazonaws.com`,
      bucketRegionalDomainName: `${bucket}.s3.${region}.amazonaws.com`,
      region,
    };
  },
  "random:index/randomPassword:RandomPassword": (_n, inputs, { seed }) => ({
    result: fakeHex(`password:${seed}`, typeof inputs.length === "number" ? inputs.length : 32),
  }),
  "random:index/randomString:RandomString": (_n, inputs, { seed }) => ({
    result: fakeHex(`string:${seed}`, typeof inputs.length === "number" ? inputs.length : 16),
  }),
  "random:index/randomId:RandomId": (_n, inputs, { seed }) => {
    const hex = fakeHex(`id:${seed}`, 2 * (typeof inputs.byteLength === "number" ? inputs.byteLength : 8));
    return {
      hex,
      dec: BigInt(`0x${hex}`).toString(),
      b64Url: Buffer.from(hex, "hex").toString("base64url"),
      b64Std: Buffer.from(hex, "hex").toString("base64"),
    };
  },
  "aws:ecs/cluster:Cluster": (name, inputs, { region, seed }) => {
    const cluster = str(inputs.name, autoName(name, seed));
    return { name: cluster, arn: arnOf("ecs", region, `cluster/${cluster}`) };
  },
  "aws:ecs/service:Service": (name, inputs, { region, seed }) => {
    const service = str(inputs.name, autoName(name, seed));
    return { name: service, arn: arnOf("ecs", region, `service/${service}`) };
  },
  "aws:ecs/taskDefinition:TaskDefinition": (name, inputs, { region }) => {
    const family = str(inputs.family, name);
    return { revision: 1, arn: arnOf("ecs", region, `task-definition/${family}:1`), arnWithoutRevision: arnOf("ecs", region, `task-definition/${family}`) };
  },
  "aws:eks/cluster:Cluster": (name, inputs, { region, seed }) => {
    const cluster = str(inputs.name, autoName(name, seed));
    const vpcConfig = typeof inputs.vpcConfig === "object" && inputs.vpcConfig !== null ? inputs.vpcConfig : {};
    return {
      name: cluster,
      arn: arnOf("eks", region, `cluster/${cluster}`),
      endpoint: `https://${fakeHex(seed, 32).toUpperCase()}.gr7.${region}.eks.amazonaws.com`,
      certificateAuthority: { data: Buffer.from(`mock CA of ${cluster}`).toString("base64") },
      vpcConfig: { ...vpcConfig, clusterSecurityGroupId: `sg-${fakeHex(`${seed}:cluster-sg`, 17)}` },
      status: "ACTIVE",
    };
  },
  "aws:cloudwatch/metricAlarm:MetricAlarm": (name, inputs, { region, seed }) => {
    const alarm = str(inputs.name, autoName(name, seed));
    return { name: alarm, arn: arnOf("cloudwatch", region, `alarm:${alarm}`) };
  },
  "aws:cloudwatch/dashboard:Dashboard": (name, inputs) => ({ dashboardName: str(inputs.dashboardName, name) }),
  "aws:route53/zone:Zone": (_n, inputs, { id }) => ({ zoneId: id, nameServers: ["ns-1.awsdns-01.org", "ns-2.awsdns-02.co.uk"], name: inputs.name }),
  // Route 53 answers a record's name without the root dot, however it was written.
  "aws:route53/record:Record": (_n, inputs) => ({ fqdn: str(inputs.name, "").replace(/\.$/, "") }),
  "awsx:ec2:Vpc": (name, inputs, { seed }) => {
    const zones = typeof inputs.numberOfAvailabilityZones === "number" ? inputs.numberOfAvailabilityZones : 3;
    const subnets = (kind: string) => Array.from({ length: zones }, (_, i) => `subnet-${fakeHex(`${seed}:${kind}:${i}`, 17)}`);
    return {
      vpcId: `vpc-${fakeHex(seed, 17)}`,
      publicSubnetIds: subnets("public"),
      privateSubnetIds: subnets("private"),
      isolatedSubnetIds: subnets("isolated"),
    };
  },
};

/** The state the mocks return for a resource: its inputs plus the computed attributes. */
export function mockResourceState(type: string, name: string, inputs: Props, id: string, seed: string, ctx: MockContext): Props {
  const service = /^aws:([a-z0-9]+)\//.exec(type)?.[1] ?? type.split(":")[0] ?? "resource";
  const resourceKind = type.split(":").pop()?.toLowerCase() ?? "resource";
  const generic: Props = { arn: arnOf(service, ctx.region, `${resourceKind}/${id}`), name: str(inputs.name, id) };
  const specific = STATE[type]?.(name, inputs, { ...ctx, id, seed }) ?? {};
  return { ...inputs, ...generic, id, ...specific };
}

/** Answers for the data-source calls (invokes) programs make. */
export function mockCallResult(token: string, inputs: Props, ctx: MockContext): Props {
  switch (token) {
    case "aws:index/getAvailabilityZones:getAvailabilityZones": {
      const letters = ["a", "b", "c", "d", "e", "f"];
      return {
        names: letters.map((l) => `${ctx.region}${l}`),
        zoneIds: letters.map((_, i) => `${ctx.region.replace(/-/g, "").slice(0, 4)}-az${i + 1}`),
        state: "available",
      };
    }
    case "aws:index/getCallerIdentity:getCallerIdentity":
      return { accountId: FAKE_ACCOUNT_ID, arn: `arn:aws:iam::${FAKE_ACCOUNT_ID}:user/plan`, userId: "AIDAPLAN", id: FAKE_ACCOUNT_ID };
    case "aws:index/getRegion:getRegion":
      return { name: ctx.region, region: ctx.region, id: ctx.region, endpoint: `ec2.${ctx.region}.amazonaws.com` };
    case "aws:index/getPartition:getPartition":
      return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" };
    case "aws:route53/getZone:getZone": {
      const zone = str(inputs.name, "example.com");
      const id = `Z${fakeHex(`zone:${zone}`, 20).toUpperCase()}`;
      return { ...inputs, id, zoneId: id, name: zone, arn: `arn:aws:route53:::hostedzone/${id}` };
    }
    case "aws:iam/getPolicyDocument:getPolicyDocument":
      return {
        id: "policy",
        json: JSON.stringify({ Version: "2012-10-17", Statement: inputs.statements ?? [] }),
        minifiedJson: JSON.stringify({ Version: "2012-10-17", Statement: inputs.statements ?? [] }),
      };
    case "aws:ec2/getManagedPrefixList:getManagedPrefixList": {
      // Only the list the programs use; any other name is a typo worth failing on.
      if (inputs.name !== CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST) {
        throw new Error(`the simulation has no managed prefix list named ${String(inputs.name)}; only ${CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST}`);
      }
      // Like AWS's: an 8-hex id (pl-3b927c52 style) and the max entries a security-group reference weighs.
      const id = `pl-${fakeHex(`${token}:${String(inputs.name)}`, 8)}`;
      return {
        ...inputs,
        id,
        name: inputs.name,
        arn: `arn:aws:ec2:${ctx.region}:aws:prefix-list/${id}`,
        addressFamily: "IPv4",
        maxEntries: 55,
        ownerId: "AWS",
        entries: [],
        version: 1,
      };
    }
    case "aws:ec2/getPrefixList:getPrefixList":
      return { ...inputs, id: `pl-${fakeHex(`${token}:${String(inputs.name)}`, 8)}`, name: inputs.name };
    case "aws:cloudfront/getCachePolicy:getCachePolicy":
    case "aws:cloudfront/getOriginRequestPolicy:getOriginRequestPolicy":
    case "aws:cloudfront/getResponseHeadersPolicy:getResponseHeadersPolicy":
      return { ...inputs, id: uuid(`${token}:${String(inputs.name)}`) };
    case "aws:ecr/getAuthorizationToken:getAuthorizationToken":
      return {
        id: ctx.region,
        proxyEndpoint: `https://${FAKE_ACCOUNT_ID}.dkr.ecr.${ctx.region}.amazonaws.com`,
        userName: "AWS",
        password: "plan-token",
        authorizationToken: "cGxhbg==",
      };
    case "aws:elb/getServiceAccount:getServiceAccount":
      return { id: "156460612806", arn: "arn:aws:iam::156460612806:root" };
    default:
      return { id: token.split(":").pop() ?? "id", ...inputs };
  }
}
