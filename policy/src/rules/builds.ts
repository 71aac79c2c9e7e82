import * as fs from "node:fs";
import * as path from "node:path";
import { REPOSITORY_ROOT } from "@platform/infra/environment";
import { LAYER_PROJECTS, LAYERS } from "@platform/infra/layers";
import type { ResourceRule } from "./types";
import { asRecord, show } from "./values";

const DOCKER_IMAGE = "docker:index/image:Image";

/** The directory `pulumi up` runs a project's program in: stacks/<layer> for our layers, else unknown. */
export function programDirectoryOf(urn: string, root: string = REPOSITORY_ROOT): string | undefined {
  const project = /^urn:pulumi:[^:]*::([^:]+)::/.exec(urn)?.[1];
  const layer = LAYERS.find((l) => LAYER_PROJECTS[l] === project);
  return layer === undefined ? undefined : path.join(root, "stacks", layer);
}

/**
 * The docker provider resolves a relative `build.dockerfile` against the program's working directory, not
 * the build context (pulumi/pulumi-docker#572, closed by design), and fails its check when nothing is there.
 */
export function dockerfileExists(root: string = REPOSITORY_ROOT): ResourceRule {
  return {
    kind: "resource",
    name: "docker-dockerfile-exists",
    description: "A docker build's Dockerfile exists where the provider looks for it (a relative path is taken from the program directory).",
    level: "mandatory",
    types: [DOCKER_IMAGE],
    validate({ urn, props }) {
      const dockerfile = asRecord(props.build)?.dockerfile;
      if (typeof dockerfile !== "string") return [];
      if (path.isAbsolute(dockerfile)) {
        return fs.existsSync(dockerfile) ? [] : [`build.dockerfile ${dockerfile} does not exist`];
      }
      const programDirectory = programDirectoryOf(urn, root);
      if (programDirectory === undefined) {
        return [`build.dockerfile ${show(dockerfile)} is relative and this program's directory is unknown; pass an absolute path`];
      }
      const resolved = path.resolve(programDirectory, dockerfile);
      return fs.existsSync(resolved)
        ? []
        : [
            `build.dockerfile ${dockerfile} resolves to ${resolved}: the docker provider takes a relative path from the program directory, ` +
              `not the build context; pass an absolute path (path.join(context, "${dockerfile}"))`,
          ];
    },
  };
}

export const dockerfileFound = dockerfileExists();
