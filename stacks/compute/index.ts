import * as pulumi from "@pulumi/pulumi";
import { loadEnvironment } from "@platform/infra/environment";
import { computeProgram } from "./src/program";
const config = new pulumi.Config();
export = computeProgram(loadEnvironment(pulumi.getStack()), {
  image: config.get("image"),
  lambdaArchive: config.get("lambdaArchive"),
  lambdaLiveVersion: config.get("lambdaLiveVersion"),
  lambdaCanaryVersion: config.get("lambdaCanaryVersion"),
  disposable: config.getBoolean("disposable"),
  servingCutover: config.getBoolean("servingCutover"),
  migrationPhase: config.get("migrationPhase"),
  migrationWeight: config.get("migrationWeight"),
  migrationEcsTargetGroup: config.get("migrationEcsTargetGroup"),
});
