import type Database from 'better-sqlite3';
import type { MetaRepository } from '../../kms/ports/store.js';

type Db = Database.Database;
type SetFn = (name: string, value: string) => string;

export class SqliteMetaRepository implements MetaRepository {
  private readonly getStmt: Database.Statement<[string], string>;
  private readonly setIfAbsentTx: Database.Transaction<SetFn>;

  constructor(db: Db) {
    const get = (this.getStmt = db.prepare<[string], string>('SELECT value FROM meta WHERE name = ?').pluck());
    const insert = db.prepare<[string, string]>('INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING');
    // Insert-or-keep and read back in one transaction: the value returned is the one stored.
    this.setIfAbsentTx = db.transaction<SetFn>((name, value) => {
      insert.run(name, value);
      return get.get(name)!;
    });
  }

  async get(name: string): Promise<string | undefined> {
    return this.getStmt.get(name);
  }

  async setIfAbsent(name: string, value: string): Promise<string> {
    return this.setIfAbsentTx.immediate(name, value);
  }
}
