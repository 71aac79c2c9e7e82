import { describe, expect, it } from "vitest";
import { fakeDigest, fakeId, mockCallResult, mockResourceState } from "./cloud-answers";
import * as pulumi from "@pulumi/pulumi";
import { fromWire, SIG_KEY, wireSecret } from "./wire-values";

const ctx = { region: "eu-west-1" };
const state = (type: string, name: string, inputs: Record<string, unknown> = {}) =>
  mockResourceState(type, name, inputs, fakeId(type, name, inputs, `urn:${name}`), `urn:${name}`, ctx);

describe("cloud answers: computed attributes the programs read", () => {
  it("is deterministic and keeps the inputs", () => {
    expect(state("aws:ec2/vpc:Vpc", "vpc", { cidrBlock: "10.0.0.0/16" })).toEqual(state("aws:ec2/vpc:Vpc", "vpc", { cidrBlock: "10.0.0.0/16" }));
    expect(state("aws:ec2/vpc:Vpc", "vpc", { cidrBlock: "10.0.0.0/16" }).cidrBlock).toBe("10.0.0.0/16");
  });

  it("gives EC2 resources AWS-shaped ids and everything an ARN and a name", () => {
    expect(fakeId("aws:ec2/vpc:Vpc", "vpc", {}, "u")).toMatch(/^vpc-[0-9a-f]{17}$/);
    expect(fakeId("aws:ec2/securityGroup:SecurityGroup", "sg", {}, "u")).toMatch(/^sg-[0-9a-f]{17}$/);
    const other = state("aws:ssm/parameter:Parameter", "param");
    expect(other.arn).toMatch(/^arn:aws:ssm:eu-west-1:123456789012:parameter\//);
    expect(other.name).toMatch(/^param-[0-9a-f]{7}$/);
  });

  it("names the provider's region in every ARN (a recovery environment's VPC is in the DR region)", () => {
    const vpc = mockResourceState("aws:ec2/vpc:Vpc", "vpc", {}, "vpc-1", "urn:vpc", { region: "eu-central-1" });
    expect(vpc.arn).toBe("arn:aws:ec2:eu-central-1:123456789012:vpc/vpc-1");
  });

  it("RDS: endpoint, port and the RDS-managed master secret when asked for", () => {
    const db = state("aws:rds/instance:Instance", "db", { identifier: "ledger-prod", manageMasterUserPassword: true });
    expect(db.address).toMatch(/^ledger-prod\.c[0-9a-f]{11}\.eu-west-1\.rds\.amazonaws\.com$/);
    expect(db.endpoint).toBe(`${String(db.address)}:5432`);
    expect(db.masterUserSecrets).toEqual([
      { secretArn: expect.stringMatching(/^arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-/), secretStatus: "active", kmsKeyId: "" },
    ]);
    expect(state("aws:rds/instance:Instance", "db", {}).masterUserSecrets).toEqual([]);
  });

  it("ElastiCache: primary endpoint address and port", () => {
    const redis = state("aws:elasticache/replicationGroup:ReplicationGroup", "redis", { replicationGroupId: "ledger", numCacheClusters: 2 });
    expect(redis.primaryEndpointAddress).toMatch(/^master\.ledger\.[0-9a-f]{6}\.euw1\.cache\.amazonaws\.com$/);
    expect(redis.port).toBe(6379);
    expect(redis.memberClusters).toEqual(["ledger-001", "ledger-002"]);
  });

  it("docker Image: repoDigest is <repository>@sha256:<64 hex>, stable per image name", () => {
    const image = state("docker:index/image:Image", "img", { imageName: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/ledger:build-1" });
    expect(image.repoDigest).toMatch(/^123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/ledger@sha256:[0-9a-f]{64}$/);
    expect(fakeDigest("a")).toBe(fakeDigest("a"));
    expect(fakeDigest("a")).not.toBe(fakeDigest("b"));
  });

  it("ACM: one DNS validation record per domain", () => {
    const cert = state("aws:acm/certificate:Certificate", "cert", { domainName: "ledger.example.com", subjectAlternativeNames: ["www.example.com"] });
    expect(cert.domainValidationOptions).toEqual([
      expect.objectContaining({
        domainName: "ledger.example.com",
        resourceRecordType: "CNAME",
        resourceRecordName: expect.stringMatching(/\.ledger\.example\.com\.$/),
      }),
      expect.objectContaining({ domainName: "www.example.com", resourceRecordValue: expect.stringMatching(/\.acm-validations\.aws\.$/) }),
    ]);
  });

  it("EKS cluster: endpoint, certificate authority and cluster security group, as a kubeconfig needs them", () => {
    const cluster = state("aws:eks/cluster:Cluster", "eks", { name: "staging-eks-release-ledger", vpcConfig: { subnetIds: ["subnet-1"] } });
    expect(cluster.endpoint).toMatch(/^https:\/\/[0-9A-F]{32}\.gr7\.eu-west-1\.eks\.amazonaws\.com$/);
    expect(cluster.certificateAuthority).toEqual({ data: expect.stringMatching(/^[A-Za-z0-9+/=]+$/) as unknown });
    expect(cluster.vpcConfig).toMatchObject({ subnetIds: ["subnet-1"], clusterSecurityGroupId: expect.stringMatching(/^sg-[0-9a-f]{17}$/) as unknown });
    expect(cluster.arn).toBe("arn:aws:eks:eu-west-1:123456789012:cluster/staging-eks-release-ledger");
  });

  // A computed attribute the table leaves out resolves as unknown in every preview (the Node SDK treats a missing
  // output that way), so a resource that takes it as an input shows an update after each up. AWS always answers these.
  it("Private CA: the CA's CSR, the signed root certificate and its (empty) chain, which the install resource takes", () => {
    const ca = state("aws:acmpca/certificateAuthority:CertificateAuthority", "mesh-ca", { type: "ROOT" });
    expect(ca.arn).toMatch(/^arn:aws:acm-pca:eu-west-1:123456789012:certificate-authority\/[0-9a-f-]{36}$/);
    expect(ca.certificateSigningRequest).toMatch(/^-----BEGIN CERTIFICATE REQUEST-----\n[A-Za-z0-9+/=\n]+\n-----END CERTIFICATE REQUEST-----\n$/);
    expect(ca.status).toBe("PENDING_CERTIFICATE");
    const cert = state("aws:acmpca/certificate:Certificate", "mesh-ca-certificate", {
      certificateAuthorityArn: ca.arn,
      certificateSigningRequest: ca.certificateSigningRequest,
    });
    expect(cert.arn).toMatch(new RegExp(`^${String(ca.arn)}/certificate/[0-9a-f]{32}$`));
    expect(cert.certificate).toMatch(/^-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+\n-----END CERTIFICATE-----\n$/);
    // A self-signed root has no chain: AWS answers an empty one, not none.
    expect(cert.certificateChain).toBe("");
    expect(state("aws:acmpca/certificate:Certificate", "mesh-ca-certificate", { certificateAuthorityArn: ca.arn }).certificate).toBe(cert.certificate);
  });

  it("ALB and target group: arnSuffix and dnsName as CloudWatch and Route 53 need them", () => {
    const alb = state("aws:lb/loadBalancer:LoadBalancer", "alb", { name: "ledger" });
    expect(alb.arnSuffix).toMatch(/^app\/ledger\/[0-9a-f]{16}$/);
    expect(alb.arn).toBe(`arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/${String(alb.arnSuffix)}`);
    expect(alb.dnsName).toMatch(/^ledger-\d+\.eu-west-1\.elb\.amazonaws\.com$/);
    expect(state("aws:lb/targetGroup:TargetGroup", "tg", { name: "blue" }).arnSuffix).toMatch(/^targetgroup\/blue\/[0-9a-f]{16}$/);
  });

  it("CloudFront, ECR, KMS, S3 and random values look like AWS's", () => {
    expect(state("aws:cloudfront/distribution:Distribution", "cdn").domainName).toMatch(/^d[0-9a-f]{13}\.cloudfront\.net$/);
    expect(state("aws:ecr/repository:Repository", "repo", { name: "ledger" }).repositoryUrl).toBe("123456789012.dkr.ecr.eu-west-1.amazonaws.com/ledger");
    expect(state("aws:kms/key:Key", "key").arn).toMatch(/^arn:aws:kms:eu-west-1:123456789012:key\/[0-9a-f-]{36}$/);
    expect(state("aws:s3/bucket:Bucket", "logs", { bucket: "b" }).bucketRegionalDomainName).toBe("b.s3.eu-west-1.amazonaws.com");
    expect(String(state("random:index/randomPassword:RandomPassword", "pw", { length: 40 }).result)).toHaveLength(40);
  });

  it("answers the data sources programs call", () => {
    expect(mockCallResult("aws:index/getAvailabilityZones:getAvailabilityZones", {}, ctx).names).toEqual(
      expect.arrayContaining(["eu-west-1a", "eu-west-1b", "eu-west-1c"]),
    );
    expect(mockCallResult("aws:index/getCallerIdentity:getCallerIdentity", {}, ctx).accountId).toBe("123456789012");
    expect(mockCallResult("aws:route53/getZone:getZone", { name: "example.com" }, ctx).zoneId).toMatch(/^Z[0-9A-F]{20}$/);
    const cloudfront = mockCallResult("aws:ec2/getManagedPrefixList:getManagedPrefixList", { name: "com.amazonaws.global.cloudfront.origin-facing" }, ctx);
    expect(cloudfront).toMatchObject({ name: "com.amazonaws.global.cloudfront.origin-facing", maxEntries: 55 });
    expect(cloudfront.id).toMatch(/^pl-[0-9a-f]{8}$/);
    expect(mockCallResult("aws:ec2/getManagedPrefixList:getManagedPrefixList", { name: "com.amazonaws.global.cloudfront.origin-facing" }, ctx).id).toBe(
      cloudfront.id,
    );
    expect(
      JSON.parse(String(mockCallResult("aws:iam/getPolicyDocument:getPolicyDocument", { statements: [{ actions: ["s3:GetObject"] }] }, ctx).json)),
    ).toEqual({
      Version: "2012-10-17",
      Statement: [{ actions: ["s3:GetObject"] }],
    });
  });
});

describe("plan values: the wire format", () => {
  const secret = wireSecret;
  it("masks secrets anywhere for printing and reveals them for the policies", () => {
    const wire = { password: secret("hunter2"), nested: { list: [1, secret({ token: "t" })] }, plain: "x" };
    expect(fromWire(wire, "mask")).toEqual({ password: "[secret]", nested: { list: [1, "[secret]"] }, plain: "x" });
    expect(fromWire(wire, "reveal")).toEqual({ password: "hunter2", nested: { list: [1, { token: "t" }] }, plain: "x" });
  });
  it("shows a resource passed as an input as its URN", () => {
    expect(fromWire({ key: { [SIG_KEY]: pulumi.runtime.specialResourceSig, urn: "urn:pulumi:s::p::aws:kms/key:Key::k", id: "1" } }, "mask")).toEqual({
      key: "urn:pulumi:s::p::aws:kms/key:Key::k",
    });
  });
});
