import { describe, expect, it } from 'vitest';
import { decodeRequest } from '../api/kms-json/validate.js';
import { encryptionContextsOf, requestParameters, responseElements } from './redact.js';
import { cloudTrailDate } from './event.js';

const KEY = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

describe('requestParameters and responseElements', () => {
  it('logs Encrypt in lowerCamelCase without the plaintext or grant tokens', () => {
    const input = decodeRequest('Encrypt', {
      KeyId: 'alias/app',
      Plaintext: Buffer.from('top secret').toString('base64'),
      EncryptionContext: { purpose: 'test', __proto__x: 'y' },
      GrantTokens: ['grant-token-value'],
    });
    expect(requestParameters('Encrypt', input)).toStrictEqual({ keyId: 'alias/app', encryptionContext: { purpose: 'test', __proto__x: 'y' } });
  });

  it('keeps a __proto__ encryption-context key as an ordinary member', () => {
    const input = decodeRequest('Encrypt', JSON.parse('{"KeyId":"k","Plaintext":"eA==","EncryptionContext":{"__proto__":"v"}}'));
    const params = requestParameters('Encrypt', input) as Record<string, Record<string, string>>;
    expect(Object.keys(params.encryptionContext!)).toStrictEqual(['__proto__']);
    expect(Object.getOwnPropertyDescriptor(params.encryptionContext!, '__proto__')?.value).toBe('v');
  });

  it('drops every blob and sensitive member: ciphertexts, messages, passwords, XKS credentials', () => {
    expect(requestParameters('Decrypt', decodeRequest('Decrypt', { CiphertextBlob: 'AAAA', KeyId: KEY }))).toStrictEqual({ keyId: KEY });
    expect(requestParameters('Sign', decodeRequest('Sign', { KeyId: KEY, Message: 'AAAA', SigningAlgorithm: 'ECDSA_SHA_256' }))).toStrictEqual({
      keyId: KEY,
      signingAlgorithm: 'ECDSA_SHA_256',
    });
    const store = decodeRequest('CreateCustomKeyStore', {
      CustomKeyStoreName: 'x',
      KeyStorePassword: 'password-1',
      XksProxyAuthenticationCredential: { AccessKeyId: 'ABCDEFGHIJKLMNOPQRST', RawSecretAccessKey: 'a'.repeat(43) },
    });
    expect(requestParameters('CreateCustomKeyStore', store)).toStrictEqual({ customKeyStoreName: 'x' });
  });

  it('renders nested lists and request timestamps as CloudTrail does', () => {
    const input = decodeRequest('CreateKey', { Description: 'd', Tags: [{ TagKey: 'k', TagValue: 'v' }], BypassPolicyLockoutSafetyCheck: false });
    expect(requestParameters('CreateKey', input)).toStrictEqual({ description: 'd', bypassPolicyLockoutSafetyCheck: false, tags: [{ tagKey: 'k', tagValue: 'v' }] });
    const imp = decodeRequest('ImportKeyMaterial', { KeyId: KEY, ImportToken: 'AAAA', EncryptedKeyMaterial: 'AAAA', ValidTo: 1700000000 });
    expect(requestParameters('ImportKeyMaterial', imp)).toStrictEqual({ keyId: KEY, validTo: cloudTrailDate(1_700_000_000_000) });
    expect(requestParameters('ListKeys', decodeRequest('ListKeys', {}))).toBeNull();
  });

  it('logs response elements only for the operations CloudTrail logs them for, never blobs', () => {
    expect(responseElements('Encrypt', { CiphertextBlob: Buffer.from('x'), KeyId: KEY })).toBeNull();
    expect(responseElements('GenerateDataKey', { Plaintext: Buffer.from('x'), KeyId: KEY })).toBeNull();
    expect(responseElements('ScheduleKeyDeletion', { KeyId: KEY, DeletionDate: 1_700_000_000, KeyState: 'PendingDeletion', PendingWindowInDays: 7 })).toStrictEqual({
      keyId: KEY,
      deletionDate: cloudTrailDate(1_700_000_000_000),
      keyState: 'PendingDeletion',
      pendingWindowInDays: 7,
    });
    expect(responseElements('CreateGrant', { GrantToken: 'secret-token', GrantId: 'g1' })).toStrictEqual({ grantId: 'g1' });
  });

  it('finds every encryption context of a request, for HMAC mode', () => {
    const input = decodeRequest('ReEncrypt', {
      CiphertextBlob: 'AAAA',
      DestinationKeyId: KEY,
      SourceEncryptionContext: { a: '1' },
      DestinationEncryptionContext: { b: '2' },
    });
    expect(encryptionContextsOf('ReEncrypt', input).map((m) => [...m])).toStrictEqual([[['a', '1']], [['b', '2']]]);
  });

  it('formats dates like "Aug 10, 2022, 10:38:27 PM" in UTC', () => {
    expect(cloudTrailDate(Date.UTC(2022, 7, 10, 22, 38, 27))).toBe('Aug 10, 2022, 10:38:27 PM');
    expect(cloudTrailDate(Date.UTC(2023, 0, 1, 0, 5, 9))).toBe('Jan 1, 2023, 12:05:09 AM');
    expect(cloudTrailDate(Date.UTC(2023, 0, 1, 12, 0, 0))).toBe('Jan 1, 2023, 12:00:00 PM');
  });
});
