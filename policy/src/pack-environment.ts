import { EnvironmentError, loadEnvironment, type LoadOptions } from "@platform/infra/environment";
import type { PolicyEnvironment } from "./rules";

/**
 * Whether a stack is production, for the real policy pack: the environment file Pulumi.<stack>.yaml, read
 * through the same loadEnvironment() the layer programs use. A stack without an environment file (not one of
 * ours) falls back to its name; an invalid file fails here with the loader's message, as the program would.
 */
export function resolvePackEnvironment(stack: string, fallback: (stack: string) => PolicyEnvironment, options: LoadOptions = {}): PolicyEnvironment {
  try {
    const environment = loadEnvironment(stack, options);
    return { stack, isProduction: environment.isProduction, ...(environment.recovery.of === undefined ? {} : { isRecovery: true }) };
  } catch (error) {
    if (error instanceof EnvironmentError && error.code === "UNKNOWN_ENVIRONMENT") return fallback(stack);
    throw error;
  }
}
