#!/usr/bin/env bash
# Installs the command-line tools the test suite uses beyond Node, when they are missing:
#   redis-server  the service's resilience tests start and kill their own Redis (the shared one on 6379,
#                 a service container in GitHub Actions, is never touched)
#   ShellCheck    the repo tests lint every shell script and workflow run: step with it
#   zizmor        the repo tests audit the workflows with it (from PyPI through pipx, at a pinned version)
#   Chromium      the service's browser tests drive it headless (with a font, as recommends are not installed)
# Debian/Ubuntu only. The packaged Redis service is kept from starting: port 6379 belongs to the container.
set -euo pipefail

sudo_if_needed() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

ZIZMOR_VERSION=1.32.0

install_zizmor() {
  if command -v zizmor >/dev/null 2>&1; then return 0; fi
  echo "install-test-tools: installing zizmor ${ZIZMOR_VERSION}"
  # Into /usr/local/bin, so it is on every PATH (pipx's default, ~/.local/bin, often is not).
  sudo_if_needed env PIPX_HOME=/opt/pipx PIPX_BIN_DIR=/usr/local/bin pipx install "zizmor==${ZIZMOR_VERSION}"
}

packages=()
command -v redis-server >/dev/null 2>&1 || packages+=(redis-server)
command -v shellcheck >/dev/null 2>&1 || packages+=(shellcheck)
command -v chromium >/dev/null 2>&1 || packages+=(chromium fonts-dejavu-core)
command -v zizmor >/dev/null 2>&1 || command -v pipx >/dev/null 2>&1 || packages+=(pipx)
if [ "${#packages[@]}" -eq 0 ]; then
  echo "install-test-tools: redis-server, shellcheck and chromium are already installed"
  install_zizmor
  exit 0
fi

echo "install-test-tools: installing ${packages[*]}"
# policy-rc.d exit 101 tells the package scripts not to start services.
printf '#!/bin/sh\nexit 101\n' | sudo_if_needed tee /usr/sbin/policy-rc.d >/dev/null
sudo_if_needed chmod +x /usr/sbin/policy-rc.d
trap 'sudo_if_needed rm -f /usr/sbin/policy-rc.d' EXIT
sudo_if_needed apt-get update -qq
sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}"
install_zizmor
