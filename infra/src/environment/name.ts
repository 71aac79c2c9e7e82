/**
 * What an environment may be called. The name becomes a file (Pulumi.<name>.yaml), every layer's stack
 * (<organisation>/<project>/<name>) and a part of resource names, so: lower-case letters, digits and dashes,
 * starting with a letter. No dependencies, so any layer or tool can check a name without loading the model.
 */
export function isEnvironmentName(name: string): boolean {
  return /^[a-z][a-z0-9-]*$/.test(name);
}
