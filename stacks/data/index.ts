import * as pulumi from "@pulumi/pulumi";
import { loadEnvironment } from "@platform/infra/environment";
import { dataProgram } from "./src/program";
const config = new pulumi.Config();
const restoreFrom = config.get("restoreFrom");
export = dataProgram(loadEnvironment(pulumi.getStack()), {
  restore: restoreFrom === undefined ? undefined : { sourceAutomatedBackupsArn: restoreFrom, time: config.get("restoreTime") },
  disposable: config.getBoolean("disposable"),
});
