import * as pulumi from "@pulumi/pulumi";
import { readUpstream } from "@platform/infra";
import { loadEnvironment } from "@platform/infra/environment";

// Skeleton: the data layer's resources are composed here (see its issue).
const environment = loadEnvironment(pulumi.getStack());
const network = readUpstream("network", environment.name);
void network;
export const environmentName = environment.name;
