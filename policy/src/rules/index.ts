/**
 * The platform's rules, as plain functions. Both `pulumi preview --policy-pack policy` (through
 * ../pulumi-policies.ts) and `devctl plan` run exactly this list.
 */
import { dockerfileFound } from "./builds";
import { cdnWaf, httpsOnly } from "./edge";
import { containerNoPlainSecrets, containerNonRoot, containerReadOnlyRoot, imagePinnedByDigest, productionProgressiveDeploys } from "./containers";
import { dataStoreEncryption, dataStorePrivate, databaseForceSsl, productionDatabaseResilience } from "./data-stores";
import { databaseIamAuth } from "./database-auth";
import { productionDrPrerequisites } from "./disaster-recovery";
import { securityGroupIngress, vpcFlowLogs } from "./network";
import { logBucketEncryption, rolePermissionsBoundary, serviceSourceCondition } from "./iam";
import { alarmsNotify, kmsKeyRotation, logGroupRetention } from "./observability";
import { alarmSameRegion } from "./regions";
import { requiredTags } from "./tagging";
import {
  apiGatewayAccessLogs,
  apiGatewayThrottling,
  lambdaAsyncFailureDestination,
  lambdaInVpc,
  lambdaReservedConcurrency,
  lambdaServiceAlarms,
  rdsProxyTlsRequired,
} from "./serverless";
import {
  eksControlPlaneLogs,
  eksEndpointRestricted,
  eksNoWildcardAccess,
  eksSecretsEncryption,
  eksTargetGroupClusterTag,
  kubernetesPodSecurity,
  kubernetesReleasesPinned,
} from "./kubernetes";
import { meshMtlsInProduction, meshNoAppMesh, meshRouteTimeouts } from "./mesh";
import type { PolicyEnvironment, PolicyResource, Rule, RuleViolation } from "./types";

export * from "./types";
export { CURRENT_ALB_TLS_POLICIES, CURRENT_CLOUDFRONT_TLS } from "./edge";
export { DATA_PORTS, INTERNET_PORTS } from "./network";
export { REQUIRED_TAGS } from "./tagging";
export { DISASTER_RECOVERY_TAG } from "./disaster-recovery";
export { SECRET_NAME } from "./containers";
export { ALLOWED_ACCESS_POLICIES, REQUIRED_CONTROL_PLANE_LOGS } from "./kubernetes";

export const RULES: readonly Rule[] = [
  dataStoreEncryption,
  dataStorePrivate,
  databaseForceSsl,
  productionDatabaseResilience,
  databaseIamAuth,
  productionDrPrerequisites,
  securityGroupIngress,
  vpcFlowLogs,
  logGroupRetention,
  httpsOnly,
  cdnWaf,
  containerNonRoot,
  containerReadOnlyRoot,
  containerNoPlainSecrets,
  imagePinnedByDigest,
  dockerfileFound,
  productionProgressiveDeploys,
  alarmsNotify,
  alarmSameRegion,
  serviceSourceCondition,
  rolePermissionsBoundary,
  logBucketEncryption,
  requiredTags,
  kmsKeyRotation,
  // The eks platform.
  eksEndpointRestricted,
  eksSecretsEncryption,
  eksControlPlaneLogs,
  eksNoWildcardAccess,
  eksTargetGroupClusterTag,
  kubernetesReleasesPinned,
  kubernetesPodSecurity,
  // The lambda platform.
  lambdaInVpc,
  lambdaReservedConcurrency,
  lambdaAsyncFailureDestination,
  lambdaServiceAlarms,
  apiGatewayAccessLogs,
  apiGatewayThrottling,
  rdsProxyTlsRequired,
  // The service mesh (Service Connect or Istio ambient).
  meshNoAppMesh,
  meshMtlsInProduction,
  meshRouteTimeouts,
];

/** Runs every rule (or the given ones) over a stack's resources; violations in resource order, then stack rules. */
export function evaluateRules(resources: readonly PolicyResource[], environment: PolicyEnvironment, rules: readonly Rule[] = RULES): RuleViolation[] {
  const violations: RuleViolation[] = [];
  for (const resource of resources) {
    for (const rule of rules) {
      if (rule.kind !== "resource" || (rule.types && !rule.types.includes(resource.type))) continue;
      for (const message of rule.validate(resource, environment)) {
        violations.push({ policy: rule.name, level: rule.level, urn: resource.urn, message });
      }
    }
  }
  for (const rule of rules) {
    if (rule.kind !== "stack") continue;
    for (const v of rule.validate(resources, environment)) {
      violations.push({ policy: rule.name, level: rule.level, urn: v.urn ?? "", message: v.message });
    }
  }
  return violations;
}

/** Environment info from a stack name when no environment file says otherwise. */
export function environmentFromStackName(stack: string): PolicyEnvironment {
  const isProduction = /^prod(uction)?(-|$)/.test(stack);
  // A recovery environment (<env>-dr) is derived from its environment; it keeps no DR copies of its own.
  return /-dr$/.test(stack) ? { stack, isProduction, isRecovery: true } : { stack, isProduction };
}

/** The stack name inside a URN: urn:pulumi:<stack>::<project>::<type>::<name>. */
export function stackOfUrn(urn: string): string {
  return /^urn:pulumi:([^:]+)::/.exec(urn)?.[1] ?? "";
}
