#!/usr/bin/env bash
# The AWS CLI against a running Strongroom: create-key → create-alias → encrypt → decrypt →
# re-encrypt → schedule-key-deletion. Needs STRONGROOM_URL, AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY in the environment. Exits non-zero at the first wrong answer.
set -euo pipefail
: "${STRONGROOM_URL:?}" "${AWS_ACCESS_KEY_ID:?}" "${AWS_SECRET_ACCESS_KEY:?}"
export AWS_DEFAULT_REGION="${AWS_DEFAULT_REGION:-us-east-1}" AWS_PAGER=""
# Keep the user's own AWS configuration out of the test.
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
kms() { aws kms --endpoint-url "$STRONGROOM_URL" --output text "$@"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

key_id="$(kms create-key --description 'aws cli test' --query KeyMetadata.KeyId)"
[[ "$key_id" =~ ^[0-9a-f-]{36}$ ]] || fail "create-key returned '$key_id'"
alias="alias/cli-$RANDOM$RANDOM"
kms create-alias --alias-name "$alias" --target-key-id "$key_id"
[ "$(kms describe-key --key-id "$alias" --query KeyMetadata.KeyId)" = "$key_id" ] || fail "alias does not resolve"

printf 'the quick brown fox' > "$work/plain"
kms encrypt --key-id "$alias" --plaintext "fileb://$work/plain" --encryption-context purpose=cli,team=qa \
  --query CiphertextBlob | base64 -d > "$work/ct"
[ -s "$work/ct" ] || fail "encrypt returned nothing"
kms decrypt --ciphertext-blob "fileb://$work/ct" --encryption-context team=qa,purpose=cli \
  --query Plaintext | base64 -d > "$work/back"
cmp -s "$work/plain" "$work/back" || fail "decrypt did not return the plaintext"
if kms decrypt --ciphertext-blob "fileb://$work/ct" --encryption-context team=other,purpose=cli >"$work/err.out" 2>"$work/err"; then
  fail "decrypt with the wrong context succeeded"
fi
grep -q InvalidCiphertextException "$work/err" || fail "wrong context: expected InvalidCiphertextException, got: $(cat "$work/err")"

key2="$(kms create-key --query KeyMetadata.KeyId)"
kms re-encrypt --ciphertext-blob "fileb://$work/ct" --source-encryption-context purpose=cli,team=qa \
  --destination-key-id "$key2" --query CiphertextBlob | base64 -d > "$work/ct2"
kms decrypt --ciphertext-blob "fileb://$work/ct2" --query Plaintext | base64 -d > "$work/back2"
cmp -s "$work/plain" "$work/back2" || fail "re-encrypted ciphertext did not decrypt"
[ "$(kms decrypt --ciphertext-blob "fileb://$work/ct2" --query KeyId)" = "$(kms describe-key --key-id "$key2" --query KeyMetadata.Arn)" ] \
  || fail "re-encrypted ciphertext is not under the destination key"

state="$(kms schedule-key-deletion --key-id "$key_id" --pending-window-in-days 7 --query KeyState)"
[ "$state" = "PendingDeletion" ] || fail "schedule-key-deletion answered '$state'"
if kms encrypt --key-id "$key_id" --plaintext "fileb://$work/plain" >/dev/null 2>"$work/err"; then
  fail "encrypt under a key pending deletion succeeded"
fi
grep -q KMSInvalidStateException "$work/err" || fail "expected KMSInvalidStateException, got: $(cat "$work/err")"
echo "aws cli: all steps passed ($(aws --version 2>&1 | cut -d' ' -f1))"
