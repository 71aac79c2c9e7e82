/**
 * The root project's program (Pulumi.yaml `main:`). Running `pulumi preview --stack <env>` at the repository
 * root validates that environment's file and exports a summary. It creates no cloud resource: the
 * infrastructure lives in the layer projects under stacks/, deployed with devctl.
 */
import * as pulumi from "@pulumi/pulumi";
import { loadEnvironment } from "./load";

const environment = loadEnvironment(pulumi.getStack());

export const name = environment.name;
export const tier = environment.tier;
export const awsRegion = environment.awsRegion;
export const drRegion = environment.drRegion;
export const domainName = environment.dns.domainName;
export const note = "Environment file is valid. Deploy the layers with: pnpm devctl up " + environment.name;
