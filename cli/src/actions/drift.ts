import type { Layer } from "@platform/infra/layers";
import { collectPreviewReport } from "../report/preview-report";
import { prepare, type Action } from "./context";
import { selectLayers } from "./layer-order";
import { finishPreview, previewEnvironment } from "./preview";

export interface DriftOptions {
  readonly environment: string;
  readonly layers: readonly Layer[];
  readonly json: boolean;
}

/** Refresh-preview of every deployed layer: lists drifted resources; exit 3 when anything drifted. */
export const runDrift: Action<DriftOptions> = async (options, context) => {
  const action = await prepare(options.environment, context);
  const errors: unknown[] = [];
  const environment = await previewEnvironment(action, selectLayers(options.layers), "drift", errors);
  await finishPreview(collectPreviewReport("drift", [environment]), { json: options.json, expectNoChanges: true }, context, errors);
};
