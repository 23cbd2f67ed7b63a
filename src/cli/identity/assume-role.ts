/**
 * `strongroom assume-role --role NAME --session NAME [--duration-seconds N] [--account ID]`:
 * temporary credentials for a role, printed in the shape of STS AssumeRole's response
 * (Credentials.AccessKeyId / SecretAccessKey / SessionToken / Expiration, AssumedRoleUser).
 * Use them with AWS_SESSION_TOKEN (or a client's sessionToken); requests sign X-Amz-Security-Token.
 */
import type { CommandContext, IdentityOptions } from './io.js';
import { json } from './io.js';
import { AdminError, getNamedPrincipal } from '../../kms/identity/iam-admin.js';
import {
  assumeRole,
  DEFAULT_SESSION_SECONDS,
  MAX_SESSION_SECONDS,
  MIN_SESSION_SECONDS,
  SESSION_NAME_RE,
} from '../../kms/identity/sessions.js';

export async function assumeRoleCommand(c: CommandContext, o: IdentityOptions): Promise<number> {
  if (!o.role) throw new AdminError('assume-role needs --role NAME');
  if (!o.session || !SESSION_NAME_RE.test(o.session)) {
    throw new AdminError('assume-role needs --session NAME (2-64 characters of letters, digits and +=,.@_-)');
  }
  const raw = o['duration-seconds'];
  const duration = raw === undefined ? DEFAULT_SESSION_SECONDS : Number(raw);
  if (!Number.isInteger(duration) || duration < MIN_SESSION_SECONDS || duration > MAX_SESSION_SECONDS) {
    throw new AdminError(`--duration-seconds must be an integer from ${MIN_SESSION_SECONDS} to ${MAX_SESSION_SECONDS}`);
  }
  const { store, hsm } = c.backends;
  const role = await getNamedPrincipal(store, c.config.partition, c.accountId, 'role', o.role);
  const now = c.now();
  // Housekeeping: sessions that expired a day ago or more are of no use to anyone.
  await store.iam.deleteExpiredSessions(now - 86_400_000);
  const s = await assumeRole(store, hsm, role, o.session, duration, now);
  c.io.out(
    json({
      Credentials: {
        AccessKeyId: s.accessKeyId,
        SecretAccessKey: s.secretAccessKey,
        SessionToken: s.sessionToken,
        Expiration: new Date(s.expiration).toISOString(),
      },
      AssumedRoleUser: { AssumedRoleId: s.assumedRoleId, Arn: s.arn },
    }),
  );
  return 0;
}
