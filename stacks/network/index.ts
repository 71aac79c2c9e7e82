import * as pulumi from "@pulumi/pulumi";
import { loadEnvironment } from "@platform/infra/environment";

// Skeleton: the network layer's resources are composed here (see its issue).
const environment = loadEnvironment(pulumi.getStack());

export const environmentName = environment.name;
