import * as pulumi from "@pulumi/pulumi";
import { loadEnvironment } from "@platform/infra/environment";
import { dataProgram } from "./src/program";
export = dataProgram(loadEnvironment(pulumi.getStack()));
