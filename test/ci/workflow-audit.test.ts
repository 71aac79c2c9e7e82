import { describe, expect, it } from "vitest";
import { auditWorkflow, type Rule } from "./workflow-audit";
import { workflowFiles } from "./workflow-files";

const CHECKOUT = "actions/checkout@fbc6f3992d24b796d5a048ff273f7fcc4a7b6c09 # v5.1.0";
const SETUP_NODE = "actions/setup-node@a0853c24544627f65ddf259abe73b1d18a591444 # v5.0.0";

/** A workflow that keeps every rule; each case below plants one violation in a copy of it. */
const GOOD = `on: push
permissions:
  contents: read
jobs:
  deploy:
    runs-on: ubuntu-latest
    environment: production
    permissions:
      contents: read
      id-token: write
    services:
      redis:
        image: redis:7.4.11@sha256:71da9275c5f3fcb97d0fa0c8c5b36cc995327265420f17a04bfd544f458059f7
    steps:
      - uses: ${CHECKOUT}
        with:
          persist-credentials: false
      - uses: ${SETUP_NODE}
        with:
          node-version: 24
          package-manager-cache: false
      - name: deploy
        env:
          TOKEN: \${{ secrets.DEPLOY_TOKEN }}
        run: ./deploy.sh
  test:
    runs-on: ubuntu-latest
    if: github.event.pull_request.user.login != 'dependabot[bot]'
    steps:
      - uses: ${CHECKOUT}
        with:
          persist-credentials: false
      - uses: ${SETUP_NODE}
        with:
          cache: pnpm
`;

const rulesOf = (text: string) => auditWorkflow("planted.yml", text).map((f) => f.rule);
const plant = (from: string, to: string) => {
  expect(GOOD, `the good workflow contains ${from}`).toContain(from);
  return GOOD.replace(from, to);
};

describe("the workflow audit", () => {
  it.each(workflowFiles().map((f) => [f.file, f] as const))("finds nothing in %s", (_name, file) => {
    expect(auditWorkflow(file.file, file.text)).toEqual([]);
  });

  it("passes the good workflow (so each case below fails for its planted violation alone)", () => {
    expect(auditWorkflow("good.yml", GOOD)).toEqual([]);
  });

  const cases: [string, string, Rule][] = [
    ["an action pinned to a tag", plant(`uses: ${SETUP_NODE}`, "uses: actions/setup-node@v5"), "unpinned-uses"],
    ["an action pinned to a branch", plant(`uses: ${SETUP_NODE}`, "uses: actions/setup-node@main"), "unpinned-uses"],
    ["a SHA without its release comment", plant(`uses: ${SETUP_NODE}`, "uses: actions/setup-node@a0853c24544627f65ddf259abe73b1d18a591444"), "unpinned-uses"],
    ["a docker:// action by tag", plant(`uses: ${SETUP_NODE}`, "uses: docker://alpine:3.22"), "unpinned-uses"],
    [
      "a service image by tag",
      plant("image: redis:7.4.11@sha256:71da9275c5f3fcb97d0fa0c8c5b36cc995327265420f17a04bfd544f458059f7", "image: redis:7"),
      "unpinned-image",
    ],
    [
      "a checkout that keeps its credentials",
      plant(
        "          persist-credentials: false\n      - uses: " + SETUP_NODE + "\n        with:\n          node-version",
        "          fetch-depth: 1\n      - uses: " + SETUP_NODE + "\n        with:\n          node-version",
      ),
      "checkout-persists-credentials",
    ],
    [
      "a job-level secret",
      plant("    environment: production\n", "    environment: production\n    env:\n      TOKEN: ${{ secrets.DEPLOY_TOKEN }}\n"),
      "job-level-secret",
    ],
    [
      "a workflow-level secret",
      plant("permissions:\n  contents: read\njobs:", "permissions:\n  contents: read\nenv:\n  TOKEN: ${{ secrets.DEPLOY_TOKEN }}\njobs:"),
      "job-level-secret",
    ],
    ["a pnpm cache restored in a credentialed job", plant("          package-manager-cache: false", "          cache: pnpm"), "cache-in-credentialed-job"],
    ["setup-node's automatic cache in a credentialed job", plant("          package-manager-cache: false\n", ""), "cache-in-credentialed-job"],
    [
      "actions/cache in a credentialed job",
      plant(
        "      - name: deploy\n",
        "      - uses: actions/cache@0057852bfaa89a56745cba8c7296529d2fc39830 # v4.3.0\n        with:\n          path: x\n          key: y\n      - name: deploy\n",
      ),
      "cache-in-credentialed-job",
    ],
    ["id-token: write on a job without an environment", plant("    environment: production\n", ""), "id-token-without-environment"],
    [
      "id-token: write for the whole workflow",
      plant("permissions:\n  contents: read\njobs:", "permissions:\n  contents: read\n  id-token: write\njobs:"),
      "id-token-without-environment",
    ],
    [
      "a Dependabot check on github.actor",
      plant("github.event.pull_request.user.login != 'dependabot[bot]'", "github.actor != 'dependabot[bot]'"),
      "actor-bot-check",
    ],
  ];

  it.each(cases)("fails on %s", (_name, text, rule) => {
    expect(rulesOf(text)).toContain(rule);
  });

  it("accepts a pnpm cache in a job that holds no credential", () => {
    expect(rulesOf(GOOD)).not.toContain("cache-in-credentialed-job");
  });

  it("counts a secret in a step, a writing token and an environment as credentials", () => {
    const withSecretStep = plant("    environment: production\n    permissions:\n      contents: read\n      id-token: write\n", "").replace(
      "          package-manager-cache: false",
      "          cache: pnpm",
    );
    expect(rulesOf(withSecretStep)).toContain("cache-in-credentialed-job");
    const writingToken = plant("    if: github.event.pull_request.user.login != 'dependabot[bot]'\n", "    permissions:\n      pull-requests: write\n");
    expect(rulesOf(writingToken)).toContain("cache-in-credentialed-job");
  });

  it("names the line of an unpinned action", () => {
    const findings = auditWorkflow("planted.yml", plant(`uses: ${SETUP_NODE}`, "uses: actions/setup-node@v5"));
    expect(findings[0]).toMatchObject({ rule: "unpinned-uses", where: "planted.yml:18", message: expect.stringContaining("actions/setup-node@v5") });
  });
});
