// The API's request and response types, derived from the route schemas so they are stated once. Type-only: the
// repositories use them, and the web page (a browser bundle) imports them with `import type`, which esbuild erases,
// so no server code reaches the page. Keep this module's imports to the schema files, which use nothing Node-only.
import { type Static } from "typebox";
import type { ApiKey as ApiKeySchema, CreatedApiKey as CreatedApiKeySchema, RoleSchema } from "./api-keys";
import type { DoraTrend as DoraTrendSchema, Matrix, Me as MeSchema } from "./dashboard";
import type { CreateDrillBody, Drill as DrillSchema, ReleaseAt as ReleaseAtSchema } from "./recovery";
import type { CreateReleaseBody, CurrentEnvironment, DoraMetrics as DoraMetricsSchema, Release as ReleaseSchema, Status } from "./releases";

export type Role = Static<typeof RoleSchema>;
export type ReleaseStatus = Static<typeof Status>;
export type Release = Static<typeof ReleaseSchema>;
export type NewRelease = Static<typeof CreateReleaseBody>;
export type CurrentService = Static<typeof CurrentEnvironment>["services"][number];
export type DoraMetrics = Static<typeof DoraMetricsSchema>;
export type DoraTrend = Static<typeof DoraTrendSchema>;
export type DoraTrendPoint = DoraTrend["points"][number];
/** One environment × service cell: what runs there and the most recent attempt (which may have failed). */
export type MatrixCell = Static<typeof Matrix>["cells"][number];
export type ApiKey = Static<typeof ApiKeySchema>;
export type CreatedApiKey = Static<typeof CreatedApiKeySchema>;
export type Me = Static<typeof MeSchema>;
/** The release that ran in an environment at a time (a disaster recovery's question). */
export type ReleaseAt = Static<typeof ReleaseAtSchema>;
export type NewDrill = Static<typeof CreateDrillBody>;
export type Drill = Static<typeof DrillSchema>;
