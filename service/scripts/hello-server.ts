import Fastify from "fastify";

// The baseline: a bare Fastify answering a constant, no logging, nothing else.
const app = Fastify();
app.get("/", () => ({ hello: "world" }));
app.listen({ port: Number(process.env.PORT), host: "127.0.0.1" }).then(
  () => process.stdout.write("ready\n"),
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  },
);
