/** Runs test/cli/aws-cli.sh (the real AWS CLI) against a listening server. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startTestServer, TEST_ACCESS_KEY_ID, TEST_SECRET, type TestServer } from '../support/server.js';

const run = promisify(execFile);

describe('AWS CLI', () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer();
  });
  afterAll(async () => {
    await srv?.close();
  });

  it('runs create-key → create-alias → encrypt → decrypt → re-encrypt → schedule-key-deletion', async () => {
    const { stdout } = await run('bash', ['test/cli/aws-cli.sh'], {
      env: { ...process.env, STRONGROOM_URL: srv.url, AWS_ACCESS_KEY_ID: TEST_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: TEST_SECRET },
      timeout: 120_000,
    });
    expect(stdout).toContain('aws cli: all steps passed');
  }, 180_000);
});
