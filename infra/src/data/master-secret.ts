/**
 * The ARN of the secret RDS manages for the master user. RDS returns none if the password is not managed
 * (manageMasterUserPassword off, or changed outside Pulumi); the compute layer could not connect then, so
 * the update fails here, naming the instance and the fix.
 */
export function managedMasterSecretArn(secrets: readonly { readonly secretArn?: string }[] | undefined, identifier: string): string {
  const arn = secrets?.[0]?.secretArn;
  if (!arn) {
    throw new Error(
      `RDS returned no managed master user secret for ${identifier}: its password must be managed by RDS ` +
        `(manageMasterUserPassword: true). Check the instance in the RDS console, turn "Manage master credentials in ` +
        `AWS Secrets Manager" back on, then run \`pulumi refresh\` and \`pulumi up\` for the data layer.`,
    );
  }
  return arn;
}
