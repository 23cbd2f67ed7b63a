import { describe, expect, it } from 'vitest';
import { retryWhileBusy } from './busy.js';

function busy(code = 'SQLITE_BUSY'): Error {
  return Object.assign(new Error('database is locked'), { code });
}

describe('retryWhileBusy', () => {
  it('retries a busy step until it succeeds', () => {
    let calls = 0;
    const result = retryWhileBusy(() => {
      calls += 1;
      if (calls < 3) throw busy(calls === 1 ? 'SQLITE_BUSY' : 'SQLITE_BUSY_RECOVERY');
      return 'wal';
    }, 5_000);
    expect(result).toBe('wal');
    expect(calls).toBe(3);
  });

  it('rethrows other errors at once', () => {
    let calls = 0;
    const boom = Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR' });
    expect(() =>
      retryWhileBusy(() => {
        calls += 1;
        throw boom;
      }, 5_000),
    ).toThrow(boom);
    expect(calls).toBe(1);
  });

  it('gives up with the busy error once the budget is spent', () => {
    let clock = 0;
    let calls = 0;
    expect(() =>
      retryWhileBusy(
        () => {
          calls += 1;
          clock += 400;
          throw busy();
        },
        1_000,
        () => clock,
      ),
    ).toThrow(/database is locked/);
    expect(calls).toBe(3);
  });
});
