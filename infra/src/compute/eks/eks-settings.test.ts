import { describe, expect, it } from "vitest";
import { loadEnvironment, type Environment } from "../../environment";
import { cpuMillicores, rolloutWeights, serviceChartValues } from "./chart-values";
import { endpointAccess, serviceSecretsReadPolicy } from "./cluster-policies";
import { kubeconfig } from "./kubeconfig";

const staging = loadEnvironment("staging-eks");
const withEks = (eks: Partial<Environment["compute"]["eks"]>): Environment => ({
  ...staging,
  compute: { ...staging.compute, platform: "eks", eks: { ...staging.compute.eks, ...eks } },
});

describe("EKS settings", () => {
  it("keeps the API endpoint private unless the environment lists who may reach it publicly", () => {
    expect(endpointAccess(staging)).toEqual({ endpointPrivateAccess: true, endpointPublicAccess: false });
    expect(endpointAccess(withEks({ endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] }))).toEqual({
      endpointPrivateAccess: true,
      endpointPublicAccess: true,
      publicAccessCidrs: ["203.0.113.0/24"],
    });
    expect(() => endpointAccess(withEks({ endpointPublicAccess: true, publicAccessCidrs: [] }))).toThrow(/eksPublicAccessCidrs is empty/);
  });

  it("lets the secrets reader read named secrets only", () => {
    const arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-abc";
    expect(serviceSecretsReadPolicy({ secretArns: [arn], kmsKeyArn: "k", region: "eu-west-1" }).Statement[1]).toMatchObject({
      Condition: { StringEquals: { "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com" } },
    });
    expect(() =>
      serviceSecretsReadPolicy({ secretArns: ["arn:aws:secretsmanager:eu-west-1:123456789012:secret:*"], kmsKeyArn: "k", region: "eu-west-1" }),
    ).toThrow(/full ARN/);
    expect(() => serviceSecretsReadPolicy({ secretArns: [], kmsKeyArn: "k", region: "eu-west-1" })).toThrow(/full ARN/);
  });

  it("turns Fargate CPU units into millicores and strategies into canary steps", () => {
    expect([256, 512, 1024, 4096].map(cpuMillicores)).toEqual(["250m", "500m", "1000m", "4000m"]);
    const deployment = staging.deployment;
    expect(rolloutWeights({ ...deployment, strategy: "canary", canaryPercent: 20 })).toEqual([20]);
    expect(rolloutWeights({ ...deployment, strategy: "linear", linearStepPercent: 25 })).toEqual([25, 50, 75]);
    expect(rolloutWeights({ ...deployment, strategy: "linear", linearStepPercent: 40 })).toEqual([40, 80]);
    expect(rolloutWeights({ ...deployment, strategy: "rolling" })).toEqual([]);
  });

  it("refuses chart values for an image not pinned by digest", () => {
    const input = {
      environment: staging,
      imageRef: "ledger:latest",
      targetGroupArn: "tg",
      albArnSuffix: "app/a/1",
      vpcCidr: "10.21.0.0/16",
      database: { host: "db", port: 5432, name: "ledger", masterSecretArn: "s1", appUsername: "ledger_app" },
      redis: { host: "r", port: 6379, authSecretArn: "s2" },
    };
    expect(() => serviceChartValues(input)).toThrow(/not pinned by digest/);
  });

  it("builds a kubeconfig that authenticates as the caller's AWS identity and holds no credential", () => {
    const config = kubeconfig({ clusterName: "c", endpoint: "https://x", certificateAuthority: "Q0E=", region: "eu-west-1" });
    expect(JSON.stringify(config)).not.toMatch(/"(token|password|client-key-data|client-certificate-data)":/);
    expect(config.users).toEqual([
      {
        name: "c",
        user: {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: "aws",
            args: ["eks", "get-token", "--cluster-name", "c", "--region", "eu-west-1", "--output", "json"],
            interactiveMode: "Never",
          },
        },
      },
    ]);
  });
});
