import fp from "fastify-plugin";
import { type Config } from "../config";
import { Metrics } from "../observability/metrics";

declare module "fastify" {
  interface FastifyInstance {
    metrics: Metrics;
  }
}

export default fp(
  (app, opts: { config: Config; metrics?: Metrics }, done) => {
    const metrics = opts.metrics ?? new Metrics(opts.config.environment);
    metrics.start(opts.config.metricsFlushIntervalMs);
    app.decorate("metrics", metrics);
    app.addHook("onResponse", (_request, reply, next) => {
      metrics.recordRequest(reply.statusCode, reply.elapsedTime);
      next();
    });
    app.addHook("onClose", (_instance, next) => {
      metrics.stop();
      next();
    });
    done();
  },
  { name: "metrics" },
);
