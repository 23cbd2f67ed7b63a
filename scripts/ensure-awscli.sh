#!/usr/bin/env bash
# The AWS CLI suite needs `aws`; install Debian's awscli package when it is missing.
set -euo pipefail
command -v aws >/dev/null 2>&1 && exit 0
if [ "$(id -u)" -eq 0 ]; then
  echo "ensure-awscli: installing the Debian awscli package" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq awscli >/dev/null
else
  echo "ensure-awscli: the AWS CLI is missing; install it (apt-get install awscli) and re-run" >&2
  exit 1
fi
