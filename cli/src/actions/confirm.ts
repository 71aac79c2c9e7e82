import type { Environment } from "@platform/infra/environment";
import { DevctlError } from "../errors";
import type { Io } from "../io";

/**
 * Production actions go ahead with --yes, or when a person types the environment's name. Without a
 * terminal (CI) and without --yes devctl refuses at once instead of waiting for an answer that never comes.
 */
export async function confirmProduction(environment: Environment, io: Io, options: { yes: boolean; action: string }): Promise<void> {
  if (!environment.isProduction || options.yes) return;
  await typedConfirmation(environment, io, options.action, `re-run with --yes to ${options.action} ${environment.name} without a prompt`);
}

/** Destroying production needs --force-prod AND the typed name: there is no --yes shortcut. */
export async function confirmDestroy(environment: Environment, io: Io, options: { yes: boolean; forceProd: boolean }): Promise<void> {
  if (!environment.isProduction) {
    if (options.yes) return;
    await typedConfirmation(environment, io, "destroy every layer of", `re-run with --yes to destroy ${environment.name} without a prompt`);
    return;
  }
  if (!options.forceProd) {
    throw new DevctlError(
      "CONFIRMATION_REQUIRED",
      `${environment.name} is a production environment; devctl refuses to destroy it`,
      `if you really mean it, run devctl destroy ${environment.name} --force-prod in a terminal and type the name when asked`,
    );
  }
  await typedConfirmation(
    environment,
    io,
    "DESTROY every resource of production environment",
    "destroying production needs a person at a terminal: --yes does not apply",
  );
}

async function typedConfirmation(environment: Environment, io: Io, action: string, nonInteractiveFix: string): Promise<void> {
  if (!io.interactive) {
    throw new DevctlError("CONFIRMATION_REQUIRED", `${action} ${environment.name} needs confirmation and there is no terminal to ask on`, nonInteractiveFix);
  }
  const answer = (await io.ask(`About to ${action} ${environment.name}. Type the environment name to confirm: `)).trim();
  if (answer !== environment.name) {
    throw new DevctlError(
      "CONFIRMATION_REQUIRED",
      `confirmation did not match "${environment.name}"; nothing was changed`,
      `type ${environment.name} exactly, or press Ctrl-C to stop`,
    );
  }
}
