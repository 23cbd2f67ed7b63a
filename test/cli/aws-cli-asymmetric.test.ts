/** Runs test/cli/aws-cli-asymmetric.sh (the real AWS CLI and OpenSSL) against a listening server. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startTestServer, TEST_ACCESS_KEY_ID, TEST_SECRET, type TestServer } from '../support/server.js';

const run = promisify(execFile);

describe('AWS CLI and OpenSSL with asymmetric and HMAC keys', () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer();
  });
  afterAll(async () => {
    await srv?.close();
  });

  it('sign → openssl verify, openssl encrypt → decrypt, generate-mac → verify-mac', async () => {
    const { stdout } = await run('bash', ['test/cli/aws-cli-asymmetric.sh'], {
      env: { ...process.env, STRONGROOM_URL: srv.url, AWS_ACCESS_KEY_ID: TEST_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: TEST_SECRET },
      timeout: 120_000,
    });
    expect(stdout).toContain('aws cli (asymmetric): all steps passed');
  }, 180_000);
});
