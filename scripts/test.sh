#!/usr/bin/env bash
# `npm test`: every suite, for real — SoftHSM2 token, SQLite file, PostgreSQL server, AWS clients.
# Installs SoftHSM2 when missing and starts a throwaway PostgreSQL cluster unless
# STRONGROOM_TEST_DATABASE_URL points at one. Extra arguments go to vitest.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-softhsm.sh
bash scripts/ensure-awscli.sh

if [ -z "${STRONGROOM_TEST_DATABASE_URL:-}" ]; then
  pgdir="$(mktemp -d /tmp/strongroom-pg.XXXXXX)"
  cleanup() { bash scripts/pg-throwaway.sh stop "$pgdir" >/dev/null 2>&1 || true; rm -rf "$pgdir"; }
  trap cleanup EXIT
  bash scripts/pg-throwaway.sh start "$pgdir" >/dev/null
  STRONGROOM_TEST_DATABASE_URL="$(cat "$pgdir/url")"
  export STRONGROOM_TEST_DATABASE_URL
fi
# The PostgreSQL suites must run, never skip, when started from here.
export STRONGROOM_REQUIRE_PG=1

npx tsc -p tsconfig.json --noEmit
# The CLI suite runs the built binary (bin/strongroom.js → dist/).
npm run build --silent
npx vitest run "$@"
