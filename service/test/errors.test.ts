import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import errors from "../src/plugins/errors";
import { DependencyUnavailableError } from "../src/errors";

describe("error handler", () => {
  it("answers 5xx with the error shape and nothing internal, and keeps 503 messages written for callers", async () => {
    const logged: string[] = [];
    const app = Fastify({ logger: { level: "error", stream: { write: (l: string) => logged.push(l) } } });
    await app.register(errors);
    app.get("/boom", () => {
      throw Object.assign(new Error("connect ECONNREFUSED 10.0.3.7:5432"), { code: "ECONNREFUSED" });
    });
    app.get("/typeerror", () => {
      throw new TypeError("Cannot read properties of undefined (reading 'rows') password=hunter2 /app/dist/x.js");
    });
    app.get("/down", () => {
      throw new DependencyUnavailableError("the database is unavailable; retry shortly");
    });
    const boom = await app.inject({ url: "/boom" });
    // A bare network error from pg is about availability: it becomes a 503 with a fixed message.
    expect(boom.statusCode).toBe(503);
    expect(boom.json()).toEqual({ statusCode: 503, error: "Service Unavailable", message: "the database is unavailable; retry shortly" });
    const typeError = await app.inject({ url: "/typeerror" });
    expect(typeError.statusCode).toBe(500);
    expect(typeError.json()).toEqual({ statusCode: 500, error: "Internal Server Error", message: "an unexpected error occurred; it has been logged" });
    expect(typeError.body).not.toMatch(/rows|undefined|hunter2|\/app\//);
    expect(boom.body).not.toMatch(/10\.0\.3\.7|ECONNREFUSED/);
    expect((await app.inject({ url: "/down" })).headers["retry-after"]).toBe("5");
    expect(logged.join("")).toMatch(/Cannot read properties/);
    await app.close();
  });
});
