import { describe, expect, it } from "vitest";
import { eksToken } from "./eks-token";

describe("eksToken", () => {
  it("is a presigned STS GetCallerIdentity URL that names the cluster, as aws eks get-token prints", async () => {
    const token = await eksToken({
      clusterName: "staging-eks-release-ledger",
      region: "eu-west-1",
      credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" },
      now: new Date("2026-11-30T03:00:00Z"),
    });
    expect(token).toMatch(/^k8s-aws-v1\.[A-Za-z0-9_-]+$/);
    const url = new URL(Buffer.from(token.slice("k8s-aws-v1.".length), "base64url").toString());
    expect(url.origin).toBe("https://sts.eu-west-1.amazonaws.com");
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      Action: "GetCallerIdentity",
      Version: "2011-06-15",
      "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
      "X-Amz-Credential": "AKIDEXAMPLE/20261130/eu-west-1/sts/aws4_request",
      "X-Amz-Date": "20261130T030000Z",
      "X-Amz-Expires": "60",
      "X-Amz-SignedHeaders": "host;x-k8s-aws-id",
    });
    expect(url.searchParams.get("X-Amz-Signature")).toMatch(/^[0-9a-f]{64}$/);
    // The same inputs sign the same way; another cluster signs differently.
    const again = await eksToken({
      clusterName: "staging-eks-release-ledger",
      region: "eu-west-1",
      credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" },
      now: new Date("2026-11-30T03:00:00Z"),
    });
    const other = await eksToken({
      clusterName: "prod-release-ledger",
      region: "eu-west-1",
      credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" },
      now: new Date("2026-11-30T03:00:00Z"),
    });
    expect(again).toBe(token);
    expect(other).not.toBe(token);
  });
});
