import { hash, randomBytes } from "node:crypto";

const PREFIX = "rlk_";

/** 256 random bits: a plain SHA-256 is then a safe stored form (no dictionary to attack, unlike passwords). */
export function generateApiKey(): { key: string; hash: Buffer; prefix: string } {
  const key = `${PREFIX}${randomBytes(32).toString("base64url")}`;
  return { key, hash: hashApiKey(key), prefix: key.slice(0, PREFIX.length + 6) };
}

/** One-shot `crypto.hash`: it runs on every request, and is cheaper than a Hash object. */
export function hashApiKey(key: string): Buffer {
  return hash("sha256", key, "buffer");
}

export function looksLikeApiKey(token: string): boolean {
  return token.startsWith(PREFIX) && token.length === PREFIX.length + 43;
}
