/** STRONGROOM_ALLOWED_REGIONS limits the regions accepted in the SigV4 credential scope. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateKeyCommand, ListKeysCommand } from '@aws-sdk/client-kms';
import { startTestServer, type TestServer } from '../support/server.js';
import { errorOf } from '../support/errors.js';

describe('allowed regions', () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer({ env: { STRONGROOM_ALLOWED_REGIONS: 'us-east-1,eu-central-1' } });
  });
  afterAll(async () => {
    await srv?.close();
  });

  it('serves the configured regions and refuses others before touching any key', async () => {
    const east = srv.kms({ region: 'us-east-1' });
    const frankfurt = srv.kms({ region: 'eu-central-1' });
    const west = srv.kms({ region: 'us-west-2' });
    const md = (await frankfurt.send(new CreateKeyCommand({}))).KeyMetadata!;
    expect(md.Arn).toMatch(/^arn:aws:kms:eu-central-1:/);
    expect((await east.send(new ListKeysCommand({}))).Keys).toEqual([]);
    const err = await errorOf(west.send(new ListKeysCommand({})));
    expect(err.name).toBe('InvalidSignatureException');
    expect(err.message).toContain('valid region');
    for (const c of [east, frankfurt, west]) c.destroy();
  });
});
