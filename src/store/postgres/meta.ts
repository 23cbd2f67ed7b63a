import type pg from 'pg';
import type { MetaRepository } from '../../kms/ports/store.js';

export class PostgresMetaRepository implements MetaRepository {
  constructor(private readonly pool: pg.Pool) {}

  async get(name: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ value: string }>('SELECT value FROM meta WHERE name = $1', [name]);
    return rows[0]?.value;
  }

  async setIfAbsent(name: string, value: string): Promise<string> {
    // The no-op DO UPDATE makes RETURNING yield the row already stored (DO NOTHING returns
    // nothing), so insert-or-read is one atomic statement: the first writer's value wins.
    const { rows } = await this.pool.query<{ value: string }>(
      'INSERT INTO meta (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = meta.value RETURNING value',
      [name, value],
    );
    return rows[0]!.value;
  }
}
