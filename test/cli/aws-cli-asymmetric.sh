#!/usr/bin/env bash
# The AWS CLI and OpenSSL against a running Strongroom, for asymmetric and HMAC keys: signatures
# made in the token verify in OpenSSL from the get-public-key key (ECDSA, Ed25519; RSA and
# every other algorithm are checked by node:crypto in test/api);
# OpenSSL's RSA-OAEP-SHA256 ciphertext decrypts; generate-mac / verify-mac round-trip and reject a
# flipped MAC. Needs STRONGROOM_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY.
set -euo pipefail
: "${STRONGROOM_URL:?}" "${AWS_ACCESS_KEY_ID:?}" "${AWS_SECRET_ACCESS_KEY:?}"
export AWS_DEFAULT_REGION="${AWS_DEFAULT_REGION:-us-east-1}" AWS_PAGER=""
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
kms() { aws kms --endpoint-url "$STRONGROOM_URL" --output text "$@"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
new_key() { kms create-key --key-spec "$1" --key-usage "$2" --query KeyMetadata.KeyId; }
public_key() { kms get-public-key --key-id "$1" --query PublicKey | base64 -d > "$2"; }

printf 'signed inside the token' > "$work/msg"

ec="$(new_key ECC_NIST_P384 SIGN_VERIFY)"
kms sign --key-id "$ec" --message "fileb://$work/msg" --signing-algorithm ECDSA_SHA_384 --query Signature | base64 -d > "$work/ec.sig"
public_key "$ec" "$work/ec.der"
openssl dgst -sha384 -verify "$work/ec.der" -keyform DER -signature "$work/ec.sig" "$work/msg" >/dev/null \
  || fail "openssl rejected the ECDSA_SHA_384 signature"
[ "$(kms verify --key-id "$ec" --message "fileb://$work/msg" --signature "fileb://$work/ec.sig" --signing-algorithm ECDSA_SHA_384 --query SignatureValid)" = "True" ] \
  || fail "kms verify did not accept its own signature"

ed="$(new_key ECC_NIST_EDWARDS25519 SIGN_VERIFY)"
kms sign --key-id "$ed" --message "fileb://$work/msg" --signing-algorithm ED25519_SHA_512 --query Signature | base64 -d > "$work/ed.sig"
public_key "$ed" "$work/ed.der"
openssl pkeyutl -verify -pubin -inkey "$work/ed.der" -keyform DER -rawin -in "$work/msg" -sigfile "$work/ed.sig" >/dev/null \
  || fail "openssl rejected the ED25519_SHA_512 signature"

enc="$(new_key RSA_2048 ENCRYPT_DECRYPT)"
public_key "$enc" "$work/enc.der"
printf 'encrypted by openssl' > "$work/plain"
openssl pkeyutl -encrypt -pubin -inkey "$work/enc.der" -keyform DER -pkeyopt rsa_padding_mode:oaep \
  -pkeyopt rsa_oaep_md:sha256 -pkeyopt rsa_mgf1_md:sha256 -in "$work/plain" -out "$work/oaep.ct"
kms decrypt --key-id "$enc" --ciphertext-blob "fileb://$work/oaep.ct" --encryption-algorithm RSAES_OAEP_SHA_256 \
  --query Plaintext | base64 -d > "$work/back"
cmp -s "$work/plain" "$work/back" || fail "openssl RSA-OAEP-SHA256 ciphertext did not decrypt"

mac="$(new_key HMAC_512 GENERATE_VERIFY_MAC)"
kms generate-mac --key-id "$mac" --message "fileb://$work/msg" --mac-algorithm HMAC_SHA_512 --query Mac | base64 -d > "$work/mac"
[ "$(stat -c %s "$work/mac")" = 64 ] || fail "HMAC_SHA_512 MAC is not 64 bytes"
[ "$(kms verify-mac --key-id "$mac" --message "fileb://$work/msg" --mac "fileb://$work/mac" --mac-algorithm HMAC_SHA_512 --query MacValid)" = "True" ] \
  || fail "verify-mac did not accept the MAC"
# Flip one bit of byte 0 (a fixed replacement byte would leave the MAC unchanged 1 time in 256).
first=$(od -An -tu1 -N1 "$work/mac" | tr -d ' ')
printf "\\$(printf '%03o' $((first ^ 1)))" | dd of="$work/mac" bs=1 seek=0 conv=notrunc status=none
if kms verify-mac --key-id "$mac" --message "fileb://$work/msg" --mac "fileb://$work/mac" --mac-algorithm HMAC_SHA_512 >"$work/out" 2>"$work/err"; then
  fail "verify-mac accepted a changed MAC"
fi
grep -q KMSInvalidMacException "$work/err" || fail "changed MAC: expected KMSInvalidMacException, got: $(cat "$work/err")"

echo "aws cli (asymmetric): all steps passed"
