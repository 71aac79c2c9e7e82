import Fastify from "fastify";

// The baseline: a bare Fastify answering a constant, no logging, nothing else. HELLO_BODY, when set, is the
// constant (as JSON text): the service's own answer, to tell the cost of its size from the cost of its work.
const app = Fastify();
const body = process.env.HELLO_BODY;
app.get("/", body === undefined ? () => ({ hello: "world" }) : (_request, reply) => reply.type("application/json; charset=utf-8").send(body));
app.listen({ port: Number(process.env.PORT), host: "127.0.0.1" }).then(
  () => process.stdout.write("ready\n"),
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  },
);
