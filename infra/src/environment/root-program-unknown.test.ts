import * as pulumi from "@pulumi/pulumi";
import { expect, it } from "vitest";

it("fails the root preview of an unknown stack with the list of environments", async () => {
  await pulumi.runtime.setMocks({ newResource: (args) => ({ id: args.name, state: args.inputs }), call: (args) => args.inputs }, "platform", "qa");
  await expect(import("./root-program.js")).rejects.toThrow(/unknown environment "qa"; known environments: prod, staging/);
});
