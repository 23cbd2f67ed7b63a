import { describe, expect, it } from 'vitest';
import { AuditConfigError, auditFromEnv, defaultNodeId } from './audit.js';

describe('audit configuration', () => {
  it('defaults: host-name node id, one digest a minute, 2 s write timeout, contexts in clear, keep everything', () => {
    expect(auditFromEnv({ STRONGROOM_NODE_ID: 'n1' })).toStrictEqual({
      nodeId: 'n1',
      digestIntervalMs: 60_000,
      writeTimeoutMs: 2_000,
      ecMode: 'clear',
      retentionDays: 0,
      maxBatch: 512,
      maxPending: 10_000,
    });
    expect(auditFromEnv({}).nodeId).toBe(defaultNodeId());
  });

  it('reduces a host name to the node-id alphabet', () => {
    expect(defaultNodeId('web 01.example.com')).toBe('web-01.example.com');
    expect(defaultNodeId('')).toBe('node');
    expect(defaultNodeId('x'.repeat(100))).toHaveLength(64);
  });

  it('reads every variable and resolves the sink path', () => {
    const c = auditFromEnv({
      STRONGROOM_NODE_ID: 'node-2',
      STRONGROOM_AUDIT_DIGEST_INTERVAL_MS: '1000',
      STRONGROOM_AUDIT_WRITE_TIMEOUT_MS: '500',
      STRONGROOM_AUDIT_EC_MODE: 'hmac',
      STRONGROOM_AUDIT_SINK_FILE: 'audit.jsonl',
      STRONGROOM_AUDIT_RETENTION_DAYS: '365',
      STRONGROOM_AUDIT_MAX_BATCH: '64',
      STRONGROOM_AUDIT_MAX_PENDING: '100',
    });
    expect(c).toMatchObject({ nodeId: 'node-2', digestIntervalMs: 1000, writeTimeoutMs: 500, ecMode: 'hmac', retentionDays: 365, maxBatch: 64, maxPending: 100 });
    expect(c.sinkFile).toMatch(/^\/.*\/audit\.jsonl$/);
  });

  it('refuses bad values, naming the variable', () => {
    expect(() => auditFromEnv({ STRONGROOM_NODE_ID: 'has space' })).toThrow(AuditConfigError);
    expect(() => auditFromEnv({ STRONGROOM_AUDIT_EC_MODE: 'hash' })).toThrow(/STRONGROOM_AUDIT_EC_MODE/);
    expect(() => auditFromEnv({ STRONGROOM_AUDIT_WRITE_TIMEOUT_MS: '0' })).toThrow(/STRONGROOM_AUDIT_WRITE_TIMEOUT_MS/);
    expect(() => auditFromEnv({ STRONGROOM_AUDIT_RETENTION_DAYS: '-1' })).toThrow(/STRONGROOM_AUDIT_RETENTION_DAYS/);
  });
});
