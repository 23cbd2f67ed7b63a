import type Database from 'better-sqlite3';
import type { Tag } from '../../kms/model/key.js';
import type { Page, PageRequest, PutTagsResult, TagRepository } from '../../kms/ports/store.js';
import { fetchSize, toPage } from '../page.js';
import { tagFromRow, type TagRow } from '../rows.js';
import { dedupeTags } from '../tags.js';

type Db = Database.Database;
type PutFn = (keyId: string, tags: Tag[], max: number) => PutTagsResult;

function statements(db: Db) {
  return {
    count: db.prepare<[string], number>('SELECT COUNT(*) FROM tags WHERE key_id = ?').pluck(),
    // Tag keys are passed as one JSON array so a single prepared statement serves any number.
    countPresent: db
      .prepare<[string, string], number>(
        'SELECT COUNT(*) FROM tags WHERE key_id = ? AND tag_key IN (SELECT value FROM json_each(?))',
      )
      .pluck(),
    upsert: db.prepare<[string, string, string]>(
      'INSERT INTO tags (key_id, tag_key, tag_value) VALUES (?, ?, ?) ' +
        'ON CONFLICT (key_id, tag_key) DO UPDATE SET tag_value = excluded.tag_value',
    ),
    remove: db.prepare<[string, string]>('DELETE FROM tags WHERE key_id = ? AND tag_key IN (SELECT value FROM json_each(?))'),
    listFirst: db.prepare<[string, number], TagRow>('SELECT tag_key, tag_value FROM tags WHERE key_id = ? ORDER BY tag_key LIMIT ?'),
    listAfter: db.prepare<[string, string, number], TagRow>(
      'SELECT tag_key, tag_value FROM tags WHERE key_id = ? AND tag_key > ? ORDER BY tag_key LIMIT ?',
    ),
  };
}

export class SqliteTagRepository implements TagRepository {
  private readonly s: ReturnType<typeof statements>;
  private readonly putTx: Database.Transaction<PutFn>;

  constructor(db: Db) {
    const s = (this.s = statements(db));
    this.putTx = db.transaction<PutFn>((keyId, tags, max) => {
      const unique = dedupeTags(tags);
      const keys = JSON.stringify(unique.map((t) => t.TagKey));
      const added = unique.length - (s.countPresent.get(keyId, keys) ?? 0);
      if ((s.count.get(keyId) ?? 0) + added > max) return 'limit';
      for (const t of unique) s.upsert.run(keyId, t.TagKey, t.TagValue);
      return 'ok';
    });
  }

  async put(keyId: string, tags: Tag[], max: number): Promise<PutTagsResult> {
    return this.putTx.immediate(keyId, tags, max);
  }

  async remove(keyId: string, tagKeys: string[]): Promise<void> {
    this.s.remove.run(keyId, JSON.stringify(tagKeys));
  }

  async list(keyId: string, page: PageRequest): Promise<Page<Tag>> {
    const n = fetchSize(page);
    const rows = page.after === undefined ? this.s.listFirst.all(keyId, n) : this.s.listAfter.all(keyId, page.after, n);
    return toPage(rows.map(tagFromRow), page.limit, (t) => t.TagKey);
  }
}
