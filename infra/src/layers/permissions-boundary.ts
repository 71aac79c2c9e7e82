/**
 * The permissions boundary every IAM role the layers create must carry. The deploy roles
 * (`platform-deploy-<env>`, docs/ci-cd.md) may only call `iam:CreateRole` with exactly this boundary, so a
 * role without it fails the deploy, and a deploy cannot mint a role with more rights than the boundary grants.
 * The policy itself is created once per account by hand (docs/ci-cd.md), never by the layers.
 */
export const WORKLOAD_BOUNDARY_NAME = "platform-workload-boundary";

/** ARN of the workload boundary in an account, built from the partition and account id the trust policies use. */
export function workloadBoundaryArn(partition: string, accountId: string): string {
  return `arn:${partition}:iam::${accountId}:policy/${WORKLOAD_BOUNDARY_NAME}`;
}
