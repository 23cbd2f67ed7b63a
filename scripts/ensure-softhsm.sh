#!/usr/bin/env bash
# Makes sure SoftHSM2 (the PKCS#11 module Strongroom manages its own token with) is installed.
# Idempotent and quiet when it already is. Installs with apt-get only when running as root.
set -euo pipefail

MODULE=/usr/lib/softhsm/libsofthsm2.so

if [[ -e "$MODULE" ]] && command -v softhsm2-util >/dev/null 2>&1; then
  exit 0
fi

if [[ "$(id -u)" -ne 0 ]]; then
  echo "ensure-softhsm: SoftHSM2 is not installed ($MODULE or softhsm2-util missing)." >&2
  echo "ensure-softhsm: run as root, or install it yourself: sudo apt-get install -y softhsm2" >&2
  exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-softhsm: SoftHSM2 is missing and apt-get is not available; install softhsm2 with your package manager." >&2
  exit 1
fi

echo "ensure-softhsm: installing softhsm2 with apt-get (module $MODULE not found)" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq softhsm2 >/dev/null

if [[ ! -e "$MODULE" ]]; then
  echo "ensure-softhsm: softhsm2 installed but $MODULE is still missing" >&2
  exit 1
fi
echo "ensure-softhsm: SoftHSM2 installed" >&2
