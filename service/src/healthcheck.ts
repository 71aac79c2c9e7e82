import { get } from "node:http";

/** The container health check: exit 0 when /healthz answers 200 within 2 s, else 1. */
const port = Number(process.env.PORT ?? 8080);
const request = get({ host: "127.0.0.1", port, path: "/healthz", timeout: 2_000 }, (response) => {
  response.resume();
  process.exit(response.statusCode === 200 ? 0 : 1);
});
request.on("timeout", () => request.destroy(new Error("timeout")));
request.on("error", () => process.exit(1));
