import * as pulumi from "@pulumi/pulumi";
import { readUpstream } from "@platform/infra";
import { loadEnvironment } from "@platform/infra/environment";

// Skeleton: the compute layer's resources are composed here (see its issue).
const environment = loadEnvironment(pulumi.getStack());
const network = readUpstream("network", environment.name);
const data = readUpstream("data", environment.name);
void network;
void data;
export const environmentName = environment.name;
