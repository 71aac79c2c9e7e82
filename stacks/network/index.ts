import * as pulumi from "@pulumi/pulumi";
import { loadEnvironment } from "@platform/infra/environment";
import { networkProgram } from "./src/program";
export = networkProgram(loadEnvironment(pulumi.getStack()));
