/* eslint-disable @typescript-eslint/no-explicit-any -- recorded mock inputs are untyped JSON; the readers give them shape. */
/**
 * The service mesh, checked the same way on both platforms: one table of expectations (MESH_EXPECTATIONS), read
 * from the environment file, and one reader per platform that turns the recorded resources into the same
 * platform-neutral MeshView. mesh-ecs.test.ts runs it on staging (Service Connect), mesh-eks.test.ts on staging-eks
 * (Istio ambient); each adds the checks only its platform has.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Environment, LoadOptions, MeshMode, MeshRoute } from "@platform/infra/environment";
import { runComputeProgram, type ComputeRun } from "./compute-harness";

/** The mesh as deployed, in terms both platforms share. */
export interface MeshView {
  readonly mode: MeshMode;
  /** Mutual TLS enforced between the mesh's members. */
  readonly mtls: boolean;
  readonly routes: readonly MeshRoute[];
  /** The name callers inside the mesh reach the service by. */
  readonly serviceName: string;
  /** Alarms that stop or roll back a release (the stack's deploymentAlarmNames). */
  readonly rollbackAlarms: readonly string[];
  /** Headers of the dashboard's groups. */
  readonly dashboardGroups: readonly string[];
  /** The canary's traffic is shifted by the deployment that the mesh carries (not around it). */
  readonly canaryThroughMesh: boolean;
}

/** Reads a platform's recorded resources as a MeshView. */
export type MeshReader = (run: ComputeRun) => MeshView;

type Expectation = readonly [what: string, expected: (env: Environment) => unknown, actual: (view: MeshView) => unknown];

/** What a reviewer expects of the mesh on any platform, from the environment file alone. */
export const MESH_EXPECTATIONS: readonly Expectation[] = [
  ["runs the mesh meshMode names", (env) => env.mesh.mode, (v) => v.mode],
  ["enforces mutual TLS exactly when meshMtls is on", (env) => env.mesh.mtls, (v) => v.mtls],
  ["gives every route of meshRoutes its timeout and retries", (env) => env.mesh.routes, (v) => v.routes],
  ["lets callers in the mesh reach the service by its name", () => "release-ledger", (v) => v.serviceName],
  [
    "rolls a release back on the mesh's own 5xx alarm as well as the load balancer's",
    (env) => expect.arrayContaining([`${env.name}-service-5xx-rate`, `${env.name}-mesh-5xx-rate`]),
    (v) => v.rollbackAlarms,
  ],
  ["shows the mesh's requests and 5xx on the dashboard", (env) => expect.arrayContaining([`Service mesh (${env.mesh.mode})`]), (v) => v.dashboardGroups],
  ["sends the canary's share of traffic through the mesh", () => true, (v) => v.canaryThroughMesh],
];

/** The dashboard's group headers, from the recorded Dashboard resource. */
export function dashboardGroups(run: ComputeRun): string[] {
  const body = JSON.parse(String(run.recorder.one("aws:cloudwatch/dashboard:Dashboard").inputs.dashboardBody)) as {
    widgets: { type: string; properties: { markdown?: string } }[];
  };
  return body.widgets.filter((w) => w.type === "text").map((w) => String(w.properties.markdown).replace(/^## /, ""));
}

/**
 * Runs the table against one environment on one platform, and hands the run to `more` for the platform's own checks.
 * The environment must have a mesh: a suite that expects nothing would pass on any platform.
 */
export function meshSuite(
  environmentName: string,
  read: MeshReader,
  more: (run: () => ComputeRun) => void = () => undefined,
  loadOptions: LoadOptions = {},
): void {
  let run: ComputeRun;
  beforeAll(async () => {
    run = await runComputeProgram(environmentName, {}, loadOptions);
    if (run.environment.mesh.mode === "none") throw new Error(`${environmentName} has meshMode none; the mesh suite needs an environment with a mesh.`);
  });

  describe(`service mesh on ${environmentName}`, () => {
    it.each(MESH_EXPECTATIONS.map(([what, expected, actual]) => ({ what, expected, actual })))("$what", ({ expected, actual }) => {
      expect(actual(read(run))).toEqual(expected(run.environment));
    });
    more(() => run);
  });
}

/** The recorded inputs of the one resource of a type whose name ends with `suffix`. */
export function inputsOf(run: ComputeRun, type: string, suffix = ""): any {
  const found = run.resources.filter((r) => r.type === type && r.name.endsWith(suffix));
  if (found.length !== 1) throw new Error(`expected one ${type} named *${suffix}, found ${found.map((r) => r.name).join(", ") || "none"}`);
  return found[0]!.inputs;
}
