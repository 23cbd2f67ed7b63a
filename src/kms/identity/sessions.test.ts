import { describe, expect, it } from 'vitest';
import { assumedRoleArn, assumedRoleId, isSessionAccessKeyId, newSessionAccessKeyId, roleArnOfSession, sessionTokenHash } from './sessions.js';

describe('session identities', () => {
  it('maps roles to session ARNs and back', () => {
    const role = 'arn:aws:iam::111122223333:role/app';
    const session = assumedRoleArn(role, 'worker@1');
    expect(session).toBe('arn:aws:sts::111122223333:assumed-role/app/worker@1');
    expect(roleArnOfSession(session)).toBe(role);
    expect(roleArnOfSession('arn:aws:iam::111122223333:user/app')).toBeUndefined();
    expect(() => assumedRoleArn('arn:aws:iam::111122223333:user/app', 's')).toThrow();
  });

  it('makes STS-shaped ids and stable role ids', () => {
    const id = newSessionAccessKeyId();
    expect(id).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(isSessionAccessKeyId(id)).toBe(true);
    expect(isSessionAccessKeyId('AKIAAAAAAAAAAAAAAAAA')).toBe(false);
    const r = 'arn:aws:iam::111122223333:role/app';
    expect(assumedRoleId(r, 's')).toBe(assumedRoleId(r, 's'));
    expect(assumedRoleId(r, 's')).toMatch(/^AROA[A-Z2-7]{17}:s$/);
    expect(sessionTokenHash('t')).toHaveLength(32);
  });
});
