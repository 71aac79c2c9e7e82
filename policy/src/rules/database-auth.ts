import { WORKLOAD_BOUNDARY_NAME } from "@platform/infra/layers";
import type { ResourceRule } from "./types";
import { asStringArray, isTrue } from "./values";

const RDS_INSTANCE = "aws:rds/instance:Instance";
const SAR_STACK = "aws:serverlessrepository/cloudFormationStack:CloudFormationStack";
/** Capabilities that let a CloudFormation stack create IAM roles of its own making. */
const IAM_CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"];

/**
 * The service signs in to PostgreSQL with IAM tokens (DB_AUTH=iam): no application password exists, so nothing
 * has to rotate it. Two ways back to the old design are refused: a database without IAM authentication (the
 * service could not sign in), and an application from the Serverless Application Repository that makes IAM roles,
 * such as AWS's password-rotation functions: CloudFormation makes those roles without the permissions boundary
 * the deploy roles require, so the deploy fails under platform-deploy-* (docs/ci-cd.md).
 */
export const databaseIamAuth: ResourceRule = {
  kind: "resource",
  name: "database-iam-auth",
  description: "PostgreSQL has IAM database authentication on; no Serverless Application Repository app makes IAM roles (password rotation).",
  level: "mandatory",
  types: [RDS_INSTANCE, SAR_STACK],
  validate({ type, props }) {
    if (type === SAR_STACK) {
      if (!asStringArray(props.capabilities).some((c) => IAM_CAPABILITIES.includes(c))) return [];
      const app = typeof props.applicationId === "string" ? props.applicationId.split("/").pop() : "the application";
      return [
        `${app} from the Serverless Application Repository creates IAM roles through CloudFormation, which cannot carry the permissions boundary ${WORKLOAD_BOUNDARY_NAME}: ` +
          "the deploy role refuses them. For a database password, use IAM database authentication instead (no password to rotate); otherwise write the function with an aws.iam.Role of your own.",
      ];
    }
    if (typeof props.engine !== "string" || !props.engine.includes("postgres")) return [];
    return isTrue(props.iamDatabaseAuthenticationEnabled)
      ? []
      : ["PostgreSQL must set iamDatabaseAuthenticationEnabled: true: the service signs in as its own user with IAM tokens (DB_AUTH=iam) and has no password"];
  },
};
