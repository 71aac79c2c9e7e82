/**
 * `@platform/infra/testing`: the one simulation of AWS. The table of what AWS answers (cloud-answers), Pulumi's
 * wire format (wire-values), the in-process simulation both devctl plan and the tests run programs on
 * (simulation, evaluate-layer) and the tests' recorder (mocks). The local-cloud simulator serves the same
 * table to the real engine (./local-cloud, started as a plugin, not imported).
 */
export * from "./cloud-answers";
export * from "./wire-values";
export * from "./simulation";
export * from "./evaluate-layer";
export * from "./mocks";
export * from "./environment-files";
