/**
 * devctl's exit codes and its one error type. Commands throw DevctlError (or let an EnvironmentError
 * through); handleError() in main.ts turns any error into a message on stderr and an exit code.
 */
import type { EnvironmentErrorCode } from "@platform/infra/environment";

export const ExitCode = {
  /** Everything worked. */
  Success: 0,
  /** An operation failed (deploy, preview, policy violation, smoke check, ...). */
  Failure: 1,
  /** Bad flags, unknown environment, invalid environment file, missing tool or credentials. */
  Usage: 2,
  /** Changes or drift found where none were expected (--expect-no-changes, drift). */
  Changes: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * Stable error codes, printed by --json and listed in cli/README.md; the message says what happened, the
 * suggestion what to do. The environment loader's codes are devctl's own, under the same names.
 */
export type DevctlErrorCode =
  | "USAGE"
  | EnvironmentErrorCode
  | "CONFIRMATION_REQUIRED"
  | "PULUMI_CLI_MISSING"
  | "AWS_CREDENTIALS_MISSING"
  | "STACK_LOCKED"
  | "UPSTREAM_NOT_DEPLOYED"
  | "OPERATION_FAILED"
  | "DEPLOYMENT_ROLLED_BACK"
  | "POLICY_VIOLATION"
  | "CHANGES_FOUND"
  | "SMOKE_FAILED";

export const EXIT_BY_CODE: Readonly<Record<DevctlErrorCode, ExitCode>> = {
  USAGE: ExitCode.Usage,
  UNKNOWN_ENVIRONMENT: ExitCode.Usage,
  INVALID_ENVIRONMENT: ExitCode.Usage,
  CONFIRMATION_REQUIRED: ExitCode.Usage,
  PULUMI_CLI_MISSING: ExitCode.Usage,
  AWS_CREDENTIALS_MISSING: ExitCode.Usage,
  STACK_LOCKED: ExitCode.Failure,
  UPSTREAM_NOT_DEPLOYED: ExitCode.Failure,
  OPERATION_FAILED: ExitCode.Failure,
  DEPLOYMENT_ROLLED_BACK: ExitCode.Failure,
  POLICY_VIOLATION: ExitCode.Failure,
  CHANGES_FOUND: ExitCode.Changes,
  SMOKE_FAILED: ExitCode.Failure,
};

export class DevctlError extends Error {
  override readonly name = "DevctlError";
  readonly exitCode: ExitCode;
  constructor(
    readonly code: DevctlErrorCode,
    message: string,
    /** One line saying how to fix it. */
    readonly suggestion?: string,
    options?: { cause?: unknown; exitCode?: ExitCode },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.exitCode = options?.exitCode ?? EXIT_BY_CODE[code];
  }
}
