import { describe, expect, expectTypeOf, it } from 'vitest';
import { SerializationException, UnknownOperationException, ValidationException } from '../../kms/errors.js';
import {
  KeySpecValues,
  KeyUsageTypeValues,
  OperationNames,
  type EncryptRequest,
  type ImportKeyMaterialRequest,
} from '../../kms/model/api-shapes.js';
import { OPERATIONS, SHAPES } from './model/shapes.js';
import { decodeRequest, isOperationName } from './validate.js';

const b64 = (n: number) => Buffer.alloc(n, 7).toString('base64');
const KEY = '1234abcd-12ab-34cd-56ef-1234567890ab';
const ENC = { KeyId: KEY, Plaintext: b64(16) };

function validationMessage(op: string, body: unknown): string {
  try {
    decodeRequest(op, body);
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationException);
    return (e as Error).message;
  }
  throw new Error('expected a ValidationException');
}

function serializationMessage(op: string, body: unknown): string {
  try {
    decodeRequest(op, body);
  } catch (e) {
    expect(e).toBeInstanceOf(SerializationException);
    return (e as Error).message;
  }
  throw new Error('expected a SerializationException');
}

const one = (msg: string) => `1 validation error detected: ${msg}`;

describe('decodeRequest: single constraint violations use AWS wording', () => {
  const cases: Array<{ name: string; op: string; body: unknown; message: string }> = [
    {
      name: 'enum value outside the set (model order)',
      op: 'CreateKey',
      body: { KeySpec: 'HMAC_random' },
      message: one(
        `Value 'HMAC_random' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: [${KeySpecValues.join(', ')}]`,
      ),
    },
    {
      name: 'integer below range (GenerateRandom NumberOfBytes 0)',
      op: 'GenerateRandom',
      body: { NumberOfBytes: 0 },
      message: one(`Value '0' at 'numberOfBytes' failed to satisfy constraint: Member must have value greater than or equal to 1`),
    },
    {
      name: 'integer above range (GenerateRandom NumberOfBytes 1025)',
      op: 'GenerateRandom',
      body: { NumberOfBytes: 1025 },
      message: one(`Value '1025' at 'numberOfBytes' failed to satisfy constraint: Member must have value less than or equal to 1024`),
    },
    {
      name: 'ScheduleKeyDeletion PendingWindowInDays above range',
      op: 'ScheduleKeyDeletion',
      body: { KeyId: KEY, PendingWindowInDays: 366 },
      message: one(`Value '366' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value less than or equal to 365`),
    },
    {
      name: 'EnableKeyRotation RotationPeriodInDays below range',
      op: 'EnableKeyRotation',
      body: { KeyId: KEY, RotationPeriodInDays: 89 },
      message: one(`Value '89' at 'rotationPeriodInDays' failed to satisfy constraint: Member must have value greater than or equal to 90`),
    },
    {
      name: 'ListKeys Limit above range',
      op: 'ListKeys',
      body: { Limit: 1001 },
      message: one(`Value '1001' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 1000`),
    },
    {
      name: 'sensitive blob too long omits the value (Encrypt Plaintext 4097 decoded bytes)',
      op: 'Encrypt',
      body: { KeyId: KEY, Plaintext: b64(4097) },
      message: one(`Value at 'plaintext' failed to satisfy constraint: Member must have length less than or equal to 4096`),
    },
    {
      name: 'empty blob is below the minimum length',
      op: 'Encrypt',
      body: { KeyId: KEY, Plaintext: '' },
      message: one(`Value at 'plaintext' failed to satisfy constraint: Member must have length greater than or equal to 1`),
    },
    {
      name: 'non-sensitive blob is not echoed either (Decrypt CiphertextBlob 6145 bytes)',
      op: 'Decrypt',
      body: { CiphertextBlob: b64(6145) },
      message: one(`Value at 'ciphertextBlob' failed to satisfy constraint: Member must have length less than or equal to 6144`),
    },
    {
      name: 'string too long shows the value',
      op: 'DescribeKey',
      body: { KeyId: 'k'.repeat(2049) },
      message: one(`Value '${'k'.repeat(2049)}' at 'keyId' failed to satisfy constraint: Member must have length less than or equal to 2048`),
    },
    {
      name: 'pattern (CreateAlias AliasName with a space)',
      op: 'CreateAlias',
      body: { AliasName: 'alias/bad name', TargetKeyId: KEY },
      message: one(
        `Value 'alias/bad name' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$`,
      ),
    },
    {
      name: 'pattern printed as in the model (Policy outside Latin-1)',
      op: 'PutKeyPolicy',
      body: { KeyId: KEY, Policy: '{"x":"\u2603"}' },
      message: one(
        `Value '{"x":"\u2603"}' at 'policy' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+$`,
      ),
    },
    {
      name: 'missing required member',
      op: 'DescribeKey',
      body: {},
      message: one(`Value null at 'keyId' failed to satisfy constraint: Member must not be null`),
    },
    {
      name: 'required member given as JSON null',
      op: 'DescribeKey',
      body: { KeyId: null },
      message: one(`Value null at 'keyId' failed to satisfy constraint: Member must not be null`),
    },
    {
      name: 'missing required sensitive member',
      op: 'Encrypt',
      body: { KeyId: KEY },
      message: one(`Value null at 'plaintext' failed to satisfy constraint: Member must not be null`),
    },
    {
      name: 'sensitive string omits the value (KeyStorePassword too short)',
      op: 'CreateCustomKeyStore',
      body: { CustomKeyStoreName: 'store', KeyStorePassword: 'short' },
      message: one(`Value at 'keyStorePassword' failed to satisfy constraint: Member must have length greater than or equal to 7`),
    },
    {
      name: 'nested list member path (CreateKey Tags, bad tag key)',
      op: 'CreateKey',
      body: { Tags: [{ TagKey: 'k'.repeat(129), TagValue: 'v' }] },
      message: one(
        `Value '${'k'.repeat(129)}' at 'tags.1.member.tagKey' failed to satisfy constraint: Member must have length less than or equal to 128`,
      ),
    },
    {
      name: 'nested path uses the 1-based index of the offending item',
      op: 'TagResource',
      body: { KeyId: KEY, Tags: [{ TagKey: 'a', TagValue: '' }, { TagKey: '', TagValue: 'x' }] },
      message: one(`Value '' at 'tags.2.member.tagKey' failed to satisfy constraint: Member must have length greater than or equal to 1`),
    },
    {
      name: 'missing required member of a nested structure',
      op: 'CreateKey',
      body: { Tags: [{ TagKey: 'a' }] },
      message: one(`Value null at 'tags.1.member.tagValue' failed to satisfy constraint: Member must not be null`),
    },
    {
      name: 'list element count (GrantTokens > 10), value rendered as a list',
      op: 'Encrypt',
      body: { ...ENC, GrantTokens: Array.from({ length: 11 }, (_, i) => `t${i}`) },
      message: one(
        `Value '[t0, t1, t2, t3, t4, t5, t6, t7, t8, t9, t10]' at 'grantTokens' failed to satisfy constraint: Member must have length less than or equal to 10`,
      ),
    },
    {
      name: 'scalar list item path (empty grant token)',
      op: 'Encrypt',
      body: { ...ENC, GrantTokens: ['ok', ''] },
      message: one(`Value '' at 'grantTokens.2.member' failed to satisfy constraint: Member must have length greater than or equal to 1`),
    },
    {
      name: 'null list item',
      op: 'Encrypt',
      body: { ...ENC, GrantTokens: [null] },
      message: one(`Value null at 'grantTokens.1.member' failed to satisfy constraint: Member must not be null`),
    },
    {
      name: 'enum list item (CreateGrant Operations)',
      op: 'CreateGrant',
      body: { KeyId: KEY, GranteePrincipal: 'arn:aws:iam::111122223333:role/x', Operations: ['Encrypt', 'Fly'] },
      message: expect.stringMatching(
        /^1 validation error detected: Value 'Fly' at 'operations\.2\.member' failed to satisfy constraint: Member must satisfy enum value set: \[Decrypt, Encrypt, /,
      ) as unknown as string,
    },
    {
      name: 'null map value',
      op: 'Encrypt',
      body: { ...ENC, EncryptionContext: { a: 'b', c: null } },
      message: one(
        `Value '{a=b, c=null}' at 'encryptionContext' failed to satisfy constraint: Map value must satisfy constraint: [Member must not be null]`,
      ),
    },
    {
      name: 'nested sensitive structure member omits the value',
      op: 'CreateCustomKeyStore',
      body: {
        CustomKeyStoreName: 'store',
        XksProxyAuthenticationCredential: { AccessKeyId: 'ABCDEFGHIJKLMNOPQRST', RawSecretAccessKey: 'x'.repeat(43) + '!' },
      },
      message: one(
        `Value at 'xksProxyAuthenticationCredential.rawSecretAccessKey' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9\\/+=]+$`,
      ),
    },
  ];

  it.each(cases)('$name', ({ op, body, message }) => {
    expect(validationMessage(op, body)).toEqual(message);
  });
});

describe('decodeRequest: several violations are reported together', () => {
  it('counts them and orders them by model member order, not JSON order', () => {
    const body = {
      Tags: [{ TagKey: '', TagValue: 'v' }],
      KeySpec: 'NOPE',
      KeyUsage: 'WRONG',
      Description: 'd'.repeat(8193),
    };
    const msg = validationMessage('CreateKey', body);
    expect(msg.startsWith('4 validation errors detected: ')).toBe(true);
    const parts = msg.slice('4 validation errors detected: '.length).split('; ');
    expect(parts).toEqual([
      `Value '${'d'.repeat(8193)}' at 'description' failed to satisfy constraint: Member must have length less than or equal to 8192`,
      `Value 'WRONG' at 'keyUsage' failed to satisfy constraint: Member must satisfy enum value set: [${KeyUsageTypeValues.join(', ')}]`,
      `Value 'NOPE' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: [${KeySpecValues.join(', ')}]`,
      `Value '' at 'tags.1.member.tagKey' failed to satisfy constraint: Member must have length greater than or equal to 1`,
    ]);
  });

  it('reports every missing required member (Encrypt {})', () => {
    expect(validationMessage('Encrypt', {})).toBe(
      '2 validation errors detected: ' +
        "Value null at 'keyId' failed to satisfy constraint: Member must not be null; " +
        "Value null at 'plaintext' failed to satisfy constraint: Member must not be null",
    );
  });

  it('reports length and pattern of one member separately (empty AliasName)', () => {
    expect(validationMessage('CreateAlias', { AliasName: '', TargetKeyId: KEY })).toBe(
      '2 validation errors detected: ' +
        "Value '' at 'aliasName' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
        "Value '' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$",
    );
  });

  it('reports a sensitive member failing length and pattern without its value', () => {
    const msg = validationMessage('UpdateCustomKeyStore', {
      CustomKeyStoreId: 'cks-1',
      XksProxyAuthenticationCredential: { AccessKeyId: 'abc', RawSecretAccessKey: 'A'.repeat(43) },
    });
    expect(msg).toBe(
      '2 validation errors detected: ' +
        "Value at 'xksProxyAuthenticationCredential.accessKeyId' failed to satisfy constraint: Member must have length greater than or equal to 20; " +
        "Value at 'xksProxyAuthenticationCredential.accessKeyId' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[A-Z2-7]+$",
    );
    expect(msg).not.toContain('abc');
  });

  it('puts a list’s own violation before its items’ violations', () => {
    const tokens = ['', ...Array.from({ length: 10 }, () => 't')];
    const msg = validationMessage('Encrypt', { ...ENC, GrantTokens: tokens });
    expect(msg).toMatch(/^2 validation errors detected: Value '\[, t, .*\]' at 'grantTokens' failed .* less than or equal to 10; Value '' at 'grantTokens\.1\.member' /);
  });

  it('combines range and enum violations across members (GenerateDataKey)', () => {
    expect(validationMessage('GenerateDataKey', { KeySpec: 'AES_512', NumberOfBytes: 1025 })).toBe(
      '3 validation errors detected: ' +
        "Value null at 'keyId' failed to satisfy constraint: Member must not be null; " +
        "Value '1025' at 'numberOfBytes' failed to satisfy constraint: Member must have value less than or equal to 1024; " +
        "Value 'AES_512' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: [AES_256, AES_128]",
    );
  });
});

describe('decodeRequest: accepted values', () => {
  it.each([
    ['NumberOfBytes 1', { NumberOfBytes: 1 }],
    ['NumberOfBytes 1024', { NumberOfBytes: 1024 }],
    ['NumberOfBytes as 1e3', { NumberOfBytes: 1e3 }],
    ['no members at all', {}],
  ])('GenerateRandom accepts %s', (_name, body) => {
    expect(() => decodeRequest('GenerateRandom', body)).not.toThrow();
  });

  it('accepts a 4096-byte plaintext and returns it as a Buffer of decoded bytes', () => {
    const out = decodeRequest('Encrypt', { KeyId: KEY, Plaintext: b64(4096) });
    expect(Buffer.isBuffer(out.Plaintext)).toBe(true);
    expect(out.Plaintext).toEqual(Buffer.alloc(4096, 7));
  });

  it('counts string length in code points (8192 astral characters fit Description)', () => {
    const emoji = '\u{1F600}';
    expect(() => decodeRequest('CreateKey', { Description: emoji.repeat(8192) })).not.toThrow();
    expect(validationMessage('CreateKey', { Description: emoji.repeat(8193) })).toMatch(
      /at 'description' failed to satisfy constraint: Member must have length less than or equal to 8192$/,
    );
  });

  it('skips a pattern on a string far beyond its maximum length but still reports the length', () => {
    const msg = validationMessage('CreateAlias', { AliasName: ' '.repeat(100_000), TargetKeyId: KEY });
    expect(msg.startsWith('1 validation error detected: ')).toBe(true);
    expect(msg.endsWith('Member must have length less than or equal to 256')).toBe(true);
  });

  it('decodes booleans, enums, lists and nested structures', () => {
    const out = decodeRequest('CreateGrant', {
      KeyId: KEY,
      GranteePrincipal: 'arn:aws:iam::111122223333:role/x',
      Operations: ['Encrypt', 'Decrypt'],
      Constraints: { EncryptionContextSubset: { purpose: 'test' } },
      DryRun: true,
    });
    expect(out).toEqual({
      KeyId: KEY,
      GranteePrincipal: 'arn:aws:iam::111122223333:role/x',
      Operations: ['Encrypt', 'Decrypt'],
      Constraints: { EncryptionContextSubset: new Map([['purpose', 'test']]) },
      DryRun: true,
    });
  });
});

describe('decodeRequest: null, unknown members, fresh output', () => {
  it('treats JSON null as absent', () => {
    const out = decodeRequest('Encrypt', { ...ENC, EncryptionContext: null, GrantTokens: null, DryRun: null });
    expect(Object.keys(out)).toEqual(['KeyId', 'Plaintext']);
  });

  it('ignores unknown members, including differently cased ones', () => {
    const out = decodeRequest('Encrypt', { ...ENC, Foo: 1, keyid: 'x', DryRunModifiers2: [1] });
    expect(Object.keys(out)).toEqual(['KeyId', 'Plaintext']);
  });

  it('returns a fresh object and never mutates the input', () => {
    const body = {
      KeyId: KEY,
      Tags: [{ TagKey: 'a', TagValue: 'b', Extra: 1 }],
      Unknown: { deep: true },
    };
    const before = JSON.stringify(body);
    const frozen = Object.freeze({ ...body, Tags: Object.freeze([Object.freeze({ ...body.Tags[0]! })]) });
    const out = decodeRequest('TagResource', frozen);
    expect(JSON.stringify(body)).toBe(before);
    expect(out).not.toBe(frozen);
    expect(out.Tags).not.toBe(frozen.Tags);
    expect(out.Tags[0]).not.toBe(frozen.Tags[0]);
    expect(out).toEqual({ KeyId: KEY, Tags: [{ TagKey: 'a', TagValue: 'b' }] });
  });

  it('ignores members inherited from a polluted prototype', () => {
    const body = Object.create({ Plaintext: b64(4) }) as Record<string, unknown>;
    body.KeyId = KEY;
    expect(validationMessage('Encrypt', body)).toBe(one(`Value null at 'plaintext' failed to satisfy constraint: Member must not be null`));
  });
});

describe('decodeRequest: maps', () => {
  it('keeps a "__proto__" key from JSON.parse as an ordinary key, in key order', () => {
    const body: unknown = JSON.parse(`{"KeyId":"${KEY}","Plaintext":"YQ==","EncryptionContext":{"z":"1","__proto__":"x","a":"2"}}`);
    const out = decodeRequest('Encrypt', body);
    expect(out.EncryptionContext).toBeInstanceOf(Map);
    expect([...out.EncryptionContext!]).toEqual([
      ['z', '1'],
      ['__proto__', 'x'],
      ['a', '2'],
    ]);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
  });

  it('accepts an empty map', () => {
    expect(decodeRequest('Encrypt', { ...ENC, EncryptionContext: {} }).EncryptionContext).toEqual(new Map());
  });
});

describe('decodeRequest: timestamps', () => {
  it.each([
    [1593622000.191, 1593622000191],
    [1593622000, 1593622000000],
    ['1593622000', 1593622000000],
    ['1593622000.5', 1593622000500],
    [0, 0],
  ])('ImportKeyMaterial ValidTo %s → %s ms', (wire, ms) => {
    const out: ImportKeyMaterialRequest = decodeRequest('ImportKeyMaterial', {
      KeyId: KEY,
      ImportToken: b64(32),
      EncryptedKeyMaterial: b64(32),
      ValidTo: wire,
    });
    expect(out.ValidTo).toBe(ms);
  });
});

describe('decodeRequest: wrong JSON types are SerializationException', () => {
  const cases: Array<{ name: string; op: string; body: unknown; message: string | RegExp }> = [
    { name: 'body is null', op: 'Encrypt', body: null, message: 'Request body must be a JSON object, got null' },
    { name: 'body is an array', op: 'Encrypt', body: [], message: 'Request body must be a JSON object, got an array' },
    { name: 'body is a string', op: 'ListKeys', body: '{}', message: 'Request body must be a JSON object, got a string' },
    { name: 'body is absent', op: 'ListKeys', body: undefined, message: /^Request body must be a JSON object/ },
    {
      name: 'string for an integer',
      op: 'GenerateRandom',
      body: { NumberOfBytes: '32' },
      message: "Cannot deserialize 'NumberOfBytes': expected a 32-bit integer, got a string",
    },
    {
      name: 'fractional integer',
      op: 'GenerateRandom',
      body: { NumberOfBytes: 1.5 },
      message: "Cannot deserialize 'NumberOfBytes': expected a 32-bit integer, got a number",
    },
    {
      name: 'integer outside int32',
      op: 'ListKeys',
      body: { Limit: 2 ** 31 },
      message: "Cannot deserialize 'Limit': expected a 32-bit integer, got an integer",
    },
    { name: 'number for a string', op: 'DescribeKey', body: { KeyId: 123 }, message: "Cannot deserialize 'KeyId': expected a string, got an integer" },
    { name: 'object for a string', op: 'DescribeKey', body: { KeyId: {} }, message: "Cannot deserialize 'KeyId': expected a string, got an object" },
    { name: 'number for an enum', op: 'CreateKey', body: { KeySpec: 5 }, message: "Cannot deserialize 'KeySpec': expected a string, got an integer" },
    { name: 'string for a boolean', op: 'Encrypt', body: { ...ENC, DryRun: 'true' }, message: "Cannot deserialize 'DryRun': expected a boolean, got a string" },
    {
      name: 'string for a list',
      op: 'Encrypt',
      body: { ...ENC, GrantTokens: 'tok' },
      message: "Cannot deserialize 'GrantTokens': expected a list (JSON array), got a string",
    },
    {
      name: 'object for a list',
      op: 'CreateKey',
      body: { Tags: { TagKey: 'a', TagValue: 'b' } },
      message: "Cannot deserialize 'Tags': expected a list (JSON array), got an object",
    },
    {
      name: 'non-string list item',
      op: 'Encrypt',
      body: { ...ENC, GrantTokens: ['a', 1] },
      message: "Cannot deserialize 'GrantTokens[1]': expected a string, got an integer",
    },
    {
      name: 'string for a structure list item',
      op: 'CreateKey',
      body: { Tags: ['x'] },
      message: "Cannot deserialize 'Tags[0]': expected a structure (JSON object), got a string",
    },
    {
      name: 'wrong type in a nested structure',
      op: 'CreateKey',
      body: { Tags: [{ TagKey: 'a', TagValue: 'b' }, { TagKey: 7, TagValue: 'b' }] },
      message: "Cannot deserialize 'Tags[1].TagKey': expected a string, got an integer",
    },
    {
      name: 'array for a map',
      op: 'Encrypt',
      body: { ...ENC, EncryptionContext: ['a'] },
      message: "Cannot deserialize 'EncryptionContext': expected a map (JSON object), got an array",
    },
    {
      name: 'non-string map value',
      op: 'Encrypt',
      body: { ...ENC, EncryptionContext: { a: 1 } },
      message: `Cannot deserialize 'EncryptionContext["a"]': expected a string, got an integer`,
    },
    {
      name: 'object map value in a nested structure',
      op: 'CreateGrant',
      body: { KeyId: KEY, GranteePrincipal: 'p', Operations: ['Encrypt'], Constraints: { EncryptionContextEquals: { a: {} } } },
      message: `Cannot deserialize 'Constraints.EncryptionContextEquals["a"]': expected a string, got an object`,
    },
    {
      name: 'string for a structure',
      op: 'CreateGrant',
      body: { KeyId: KEY, GranteePrincipal: 'p', Operations: ['Encrypt'], Constraints: 'x' },
      message: "Cannot deserialize 'Constraints': expected a structure (JSON object), got a string",
    },
    {
      name: 'number for a blob',
      op: 'Encrypt',
      body: { KeyId: KEY, Plaintext: 12 },
      message: "Cannot deserialize 'Plaintext': expected a base64-encoded string, got an integer",
    },
    {
      name: 'non-numeric timestamp string',
      op: 'ImportKeyMaterial',
      body: { KeyId: KEY, ImportToken: b64(4), EncryptedKeyMaterial: b64(4), ValidTo: '2030-01-01T00:00:00Z' },
      message: /^Cannot deserialize 'ValidTo': expected a timestamp/,
    },
    {
      name: 'boolean timestamp',
      op: 'ImportKeyMaterial',
      body: { KeyId: KEY, ImportToken: b64(4), EncryptedKeyMaterial: b64(4), ValidTo: true },
      message: /^Cannot deserialize 'ValidTo': expected a timestamp .*got a boolean$/,
    },
  ];

  it.each(cases)('$name', ({ op, body, message }) => {
    const msg = serializationMessage(op, body);
    if (typeof message === 'string') expect(msg).toBe(message);
    else expect(msg).toMatch(message);
  });

  it('prefers SerializationException over constraint violations found earlier', () => {
    expect(serializationMessage('GenerateDataKey', { KeySpec: 'bad', GrantTokens: 'x' })).toMatch(/'GrantTokens'/);
  });
});

describe('decodeRequest: blobs are strict base64', () => {
  it.each([
    ['missing padding', 'YQ'],
    ['invalid character', 'ab!='],
    ['URL-safe alphabet', 'ab-_'],
    ['embedded whitespace', 'YWJj ZA=='],
    ['wrong length', 'YWJjZ'],
  ])('rejects %s with SerializationException', (_name, value) => {
    expect(serializationMessage('Encrypt', { KeyId: KEY, Plaintext: value })).toBe(
      "Cannot deserialize 'Plaintext': expected base64-encoded binary data",
    );
  });

  it('does not echo the bad value', () => {
    expect(serializationMessage('Encrypt', { KeyId: KEY, Plaintext: 'secret!!' })).not.toContain('secret');
  });
});

describe('operations and the generated model', () => {
  it('has all 54 TrentService operations in the types and the shape data', () => {
    expect(OperationNames).toHaveLength(54);
    expect(Object.keys(OPERATIONS).sort()).toEqual([...OperationNames].sort());
  });

  it.each(OperationNames.map((op) => [op]))('%s decodes {} or reports only missing required members', (op) => {
    try {
      expect(decodeRequest(op, {})).toEqual({});
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationException);
      for (const part of (e as Error).message.replace(/^\d+ validation errors? detected: /, '').split('; ')) {
        expect(part).toMatch(/^Value null at '[a-zA-Z]+' failed to satisfy constraint: Member must not be null$/);
      }
    }
  });

  it('records per-operation modelled errors and output shapes', () => {
    expect(OPERATIONS.Encrypt.errors).toContain('NotFoundException');
    expect(OPERATIONS.DeleteAlias.output).toBeNull();
    expect(OPERATIONS.ListRetirableGrants.output).toBe('ListGrantsResponse');
    expect(SHAPES.PlaintextType).toEqual({ type: 'blob', length: { min: 1, max: 4096 }, sensitive: true });
    expect(SHAPES.DateType).toEqual({ type: 'timestamp' });
  });

  it('recognises operation names without inheriting from Object.prototype', () => {
    expect(isOperationName('Encrypt')).toBe(true);
    expect(isOperationName('toString')).toBe(false);
    expect(isOperationName('__proto__')).toBe(false);
    expect(() => decodeRequest('Encapsulate', {})).toThrow(UnknownOperationException);
  });

  it('types the result by operation', () => {
    const out = decodeRequest('Encrypt', ENC);
    expectTypeOf(out).toEqualTypeOf<EncryptRequest>();
    expectTypeOf(out.Plaintext).toEqualTypeOf<Buffer>();
    expectTypeOf(out.EncryptionContext).toEqualTypeOf<Map<string, string> | undefined>();
  });
});
