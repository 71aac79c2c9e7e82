import { DevctlError } from "../errors";

/** AWS SDK errors that mean "no or bad credentials" become AWS_CREDENTIALS_MISSING, naming the fix. */
export function awsError(error: unknown, doing: string): Error {
  if (error instanceof DevctlError) return error;
  const name = error instanceof Error ? error.name : "";
  const message = error instanceof Error ? error.message : String(error);
  if (
    [
      "CredentialsProviderError",
      "ExpiredTokenException",
      "ExpiredToken",
      "UnrecognizedClientException",
      "InvalidClientTokenId",
      "InvalidSignatureException",
    ].includes(name) ||
    /Could not load credentials|credential/i.test(message)
  ) {
    return new DevctlError(
      "AWS_CREDENTIALS_MISSING",
      `no valid AWS credentials while ${doing} (${message.split("\n")[0] ?? name})`,
      "sign in (aws sso login --profile <profile> and export AWS_PROFILE) or export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY; in CI use the OIDC role",
      { cause: error },
    );
  }
  return new DevctlError(
    "OPERATION_FAILED",
    `AWS error while ${doing}: ${name ? `${name}: ` : ""}${message}`,
    "check the AWS permissions of the role devctl runs as",
    { cause: error },
  );
}
