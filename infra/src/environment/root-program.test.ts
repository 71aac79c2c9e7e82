import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";

describe("the root project's program (pulumi preview --stack staging at the root)", () => {
  it("validates the environment, exports a summary and creates no resource", async () => {
    const created: string[] = [];
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          created.push(args.type);
          return { id: args.name, state: args.inputs };
        },
        call: (args) => args.inputs,
      },
      "platform",
      "staging",
    );
    const program = (await import("./root-program.js")) as Record<string, unknown>;
    expect(program.name).toBe("staging");
    expect(program.tier).toBe("staging");
    expect(program.awsRegion).toBe("eu-west-1");
    expect(created).toEqual([]);
  });
});
