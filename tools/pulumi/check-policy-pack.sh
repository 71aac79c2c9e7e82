#!/usr/bin/env bash
# Checks that the built Node.js language host runs a Node.js policy pack under the engine: a one-resource program
# previewed with a one-rule pack must fail with the rule's message when the resource breaks the rule, and pass when
# it does not. Takes a few seconds; needs `pnpm install` done (it borrows policy/'s @pulumi/pulumi and @pulumi/policy).
#
#   tools/pulumi/check-policy-pack.sh "$(tools/pulumi/build.sh)"
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cli_dir="${1:?usage: check-policy-pack.sh <folder printed by tools/pulumi/build.sh>}"
modules="$here/../../policy/node_modules/@pulumi"
for module in pulumi policy; do
  [ -d "$modules/$module" ] || { echo "policy check: $modules/$module is missing; run pnpm install first" >&2; exit 1; }
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/program/node_modules/@pulumi" "$work/pack/node_modules/@pulumi" "$work/backend"
ln -s "$(readlink -f "$modules/pulumi")" "$work/program/node_modules/@pulumi/pulumi"
ln -s "$(readlink -f "$modules/pulumi")" "$work/pack/node_modules/@pulumi/pulumi"
ln -s "$(readlink -f "$modules/policy")" "$work/pack/node_modules/@pulumi/policy"

printf 'name: policy-check\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: index.js\n' \
  > "$work/program/Pulumi.yaml"
echo '{"name":"policy-check","version":"0.0.0","main":"index.js"}' > "$work/program/package.json"
# A component needs no provider plugin, so the check runs offline.
cat > "$work/program/index.js" <<'EOF'
const pulumi = require("@pulumi/pulumi");
class Bucket extends pulumi.ComponentResource {
  constructor(name) { super("check:index:Bucket", name, {}, {}); this.registerOutputs({}); }
}
new Bucket(process.env.CHECK_BUCKET_NAME);
EOF

printf 'runtime:\n  name: nodejs\n  options:\n    typescript: false\nmain: index.js\n' > "$work/pack/PulumiPolicy.yaml"
echo '{"name":"check-pack","version":"0.0.1","main":"index.js"}' > "$work/pack/package.json"
cat > "$work/pack/index.js" <<'EOF'
const { PolicyPack } = require("@pulumi/policy");
new PolicyPack("check", {
  policies: [{
    name: "no-public-buckets",
    description: "Bucket names must not start with public-.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
      if (args.type === "check:index:Bucket" && args.name.startsWith("public-")) {
        reportViolation(`bucket ${args.name} is public on stack ${process.env.PULUMI_NODEJS_STACK}`);
      }
    },
  }],
});
EOF

export PATH="$cli_dir/bin:$PATH" PULUMI_HOME="$work/home" PULUMI_BACKEND_URL="file://$work/backend" \
  PULUMI_CONFIG_PASSPHRASE=check PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
cd "$work/program"
pulumi stack init check --non-interactive >/dev/null

preview() { CHECK_BUCKET_NAME="$1" pulumi preview --non-interactive --color never --policy-pack ../pack 2>&1; }

if out="$(preview public-bucket)"; then
  echo "policy check: the preview of a violating resource succeeded; the pack did not run:" >&2; echo "$out" >&2; exit 1
fi
# The stack name proves the pack was started with the stack's configuration.
if ! grep -q "bucket public-bucket is public on stack check" <<<"$out"; then
  echo "policy check: the preview failed, but not with the policy's violation:" >&2; echo "$out" >&2; exit 1
fi
if ! out="$(preview private-bucket)"; then
  echo "policy check: the preview of a compliant resource failed:" >&2; echo "$out" >&2; exit 1
fi
echo "policy check: the Node.js language host in ${cli_dir} runs policy packs" >&2
