/**
 * The bearer token EKS accepts for an IAM identity: a presigned STS GetCallerIdentity URL naming the cluster
 * (what `aws eks get-token` prints), built from the caller's own AWS credentials. Valid 15 minutes; no secret
 * is stored anywhere.
 */
import { createHash, createHmac, type Hash, type Hmac } from "node:crypto";

/** AWS credentials as the SDK's providers return them. */
export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}
type SourceData = string | ArrayBuffer | ArrayBufferView;

/** SHA-256 (and HMAC-SHA-256 when given a key) from node:crypto, in the shape SignatureV4 wants. */
class NodeSha256 {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash("sha256") : createHmac("sha256", toBuffer(this.secret));
  }
  update(data: Uint8Array): void {
    this.hash.update(data);
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

function toBuffer(data: SourceData): Buffer {
  if (typeof data === "string") return Buffer.from(data, "utf8");
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

/** Tokens live 15 minutes at most; 60 s of presigning is what the AWS CLI uses. */
const EXPIRES_SECONDS = 60;

export async function eksToken(input: {
  readonly clusterName: string;
  readonly region: string;
  readonly credentials: AwsCredentials;
  readonly now?: Date;
}): Promise<string> {
  const { SignatureV4 } = await import("@smithy/signature-v4");
  const hostname = `sts.${input.region}.amazonaws.com`;
  const signer = new SignatureV4({ credentials: input.credentials, region: input.region, service: "sts", sha256: NodeSha256 });
  const signed = await signer.presign(
    {
      method: "GET",
      protocol: "https:",
      hostname,
      path: "/",
      query: { Action: "GetCallerIdentity", Version: "2011-06-15" },
      headers: { host: hostname, "x-k8s-aws-id": input.clusterName },
    },
    { expiresIn: EXPIRES_SECONDS, ...(input.now ? { signingDate: input.now } : {}) },
  );
  const query = Object.entries(signed.query ?? {})
    .flatMap(([key, value]) => (Array.isArray(value) ? value : [value]).map((v) => `${encodeURIComponent(key)}=${encodeURIComponent(String(v))}`))
    .join("&");
  return `k8s-aws-v1.${Buffer.from(`https://${hostname}/?${query}`).toString("base64url")}`;
}
