import * as pulumi from "@pulumi/pulumi";
import { loadEnvironment } from "@platform/infra/environment";
import { computeProgram } from "./src/program";
const config = new pulumi.Config();
export = computeProgram(loadEnvironment(pulumi.getStack()), {
  image: config.get("image"),
  lambdaArchive: config.get("lambdaArchive"),
  lambdaLiveVersion: config.get("lambdaLiveVersion"),
  lambdaCanaryVersion: config.get("lambdaCanaryVersion"),
  migrationPhase: config.get("migrationPhase"),
});
