import * as aws from "@pulumi/aws";
import type { Environment } from "../environment/environment";

/**
 * The explicit AWS provider a layer creates its resources with, in the environment's region (or another,
 * e.g. the DR region or us-east-1 for CloudFront certificates). Explicit, so `pulumi up` in a layer's folder
 * needs no aws:region in stack config: the environment file is the only place the region is written.
 */
export function awsProvider(environment: Environment, name = "aws", region = environment.awsRegion): aws.Provider {
  return new aws.Provider(name, { region: region as aws.Region });
}
