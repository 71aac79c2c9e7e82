import * as path from "node:path";
import { REPOSITORY_ROOT } from "@platform/infra/environment";
import { describe, expect, it } from "vitest";
import { dockerfileFound, programDirectoryOf } from "./builds";
import { STAGING } from "./testing";

const image = (dockerfile: unknown, project = "platform-compute") => ({
  type: "docker:index/image:Image",
  name: "ledger-build",
  urn: `urn:pulumi:staging::${project}::platform:compute:ContainerImage$docker:index/image:Image::ledger-build`,
  props: { build: { context: REPOSITORY_ROOT, dockerfile } },
});

describe("docker-dockerfile-exists", () => {
  it("finds the program directory of a layer from its URN", () => {
    expect(programDirectoryOf(image("x").urn)).toBe(path.join(REPOSITORY_ROOT, "stacks", "compute"));
    expect(programDirectoryOf(image("x", "someone-else").urn)).toBeUndefined();
  });

  it("fails a path relative to the context, which the provider resolves from stacks/compute", () => {
    expect(dockerfileFound.validate(image("service/Dockerfile"), STAGING)).toEqual([expect.stringContaining("stacks/compute/service/Dockerfile")]);
  });

  it("passes an absolute path that exists, and a relative one that exists from the program directory", () => {
    expect(dockerfileFound.validate(image(path.join(REPOSITORY_ROOT, "service", "Dockerfile")), STAGING)).toEqual([]);
    expect(dockerfileFound.validate(image("../../service/Dockerfile"), STAGING)).toEqual([]);
  });

  it("fails an absolute path that does not exist, and a relative path in an unknown project", () => {
    expect(dockerfileFound.validate(image("/nowhere/Dockerfile"), STAGING)).toEqual([expect.stringContaining("does not exist")]);
    expect(dockerfileFound.validate(image("Dockerfile", "someone-else"), STAGING)).toEqual([expect.stringContaining("absolute path")]);
  });
});
