import type pg from 'pg';
import type { Tag } from '../../kms/model/key.js';
import type { Page, PageRequest, PutTagsResult, TagRepository } from '../../kms/ports/store.js';
import { fetchSize, toPage } from '../page.js';
import { tagFromRow, type TagRow } from '../rows.js';
import { dedupeTags } from '../tags.js';
import { lockKey, withTransaction } from './db.js';

export class PostgresTagRepository implements TagRepository {
  constructor(private readonly pool: pg.Pool) {}

  async put(keyId: string, tags: Tag[], max: number): Promise<PutTagsResult> {
    const unique = dedupeTags(tags);
    const keys = unique.map((t) => t.TagKey);
    return withTransaction(this.pool, async (c) => {
      // Without the lock two nodes could each pass the limit check with different new tags.
      await lockKey(c, keyId);
      const { rows } = await c.query<{ total: number; present: number }>(
        'SELECT COUNT(*) AS total, COUNT(*) FILTER (WHERE tag_key = ANY($2::text[])) AS present FROM tags WHERE key_id = $1',
        [keyId, keys],
      );
      const { total = 0, present = 0 } = rows[0] ?? {};
      if (total + unique.length - present > max) return 'limit';
      if (unique.length > 0) {
        await c.query(
          'INSERT INTO tags (key_id, tag_key, tag_value) SELECT $1::text, * FROM unnest($2::text[], $3::text[]) ' +
            'ON CONFLICT (key_id, tag_key) DO UPDATE SET tag_value = EXCLUDED.tag_value',
          [keyId, keys, unique.map((t) => t.TagValue)],
        );
      }
      return 'ok';
    });
  }

  async remove(keyId: string, tagKeys: string[]): Promise<void> {
    await this.pool.query('DELETE FROM tags WHERE key_id = $1 AND tag_key = ANY($2::text[])', [keyId, tagKeys]);
  }

  async list(keyId: string, page: PageRequest): Promise<Page<Tag>> {
    const params: unknown[] = [keyId, fetchSize(page)];
    const cursor = page.after === undefined ? '' : ` AND tag_key > $${params.push(page.after)}`;
    const { rows } = await this.pool.query<TagRow>(
      `SELECT tag_key, tag_value FROM tags WHERE key_id = $1${cursor} ORDER BY tag_key LIMIT $2`,
      params,
    );
    return toPage(rows.map(tagFromRow), page.limit, (t) => t.TagKey);
  }
}
