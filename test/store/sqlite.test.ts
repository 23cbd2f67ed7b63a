import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore, type StoreOptions } from '../../src/store/index.js';
import { storeBehaviour } from './behaviour/index.js';
import { makeKey } from './fixtures.js';
import type { StoreHarness } from './harness.js';

const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.map((r) => rm(r, { recursive: true, force: true })));
});

function pathOf(opts: StoreOptions): string {
  if (!('sqlitePath' in opts)) throw new Error('not a SQLite location');
  return opts.sqlitePath;
}

const harness: StoreHarness = {
  kind: 'sqlite',
  async fresh() {
    const root = await mkdtemp(join(tmpdir(), 'strongroom-store-'));
    roots.push(root);
    // A parent that does not exist yet: openStore must create it.
    return { sqlitePath: join(root, 'data', 'strongroom.db') };
  },
  async query(opts, sql) {
    const db = new Database(pathOf(opts));
    try {
      db.pragma('busy_timeout = 5000');
      const stmt = db.prepare(sql);
      if (stmt.reader) return stmt.all() as Record<string, unknown>[];
      stmt.run();
      return [];
    } finally {
      db.close();
    }
  },
};

describe('SQLite store', () => {
  storeBehaviour(harness);

  it('creates the parent directory private to the owner and the file in WAL mode', async () => {
    const opts = await harness.fresh();
    const store = await openStore(opts);
    await store.close();
    const path = pathOf(opts);
    expect((await stat(join(path, '..'))).mode & 0o777).toBe(0o700);
    expect(await harness.query(opts, 'PRAGMA journal_mode')).toStrictEqual([{ journal_mode: 'wal' }]);
  });

  it('works as a private in-memory database for unit tests', async () => {
    const store = await openStore({ sqlitePath: ':memory:' });
    const key = makeKey();
    await store.keys.create(key, undefined, []);
    expect(await store.keys.get(key.keyId)).toStrictEqual(key);
    await store.close();
  });
});
