/**
 * Pool construction and the transaction helper. Type parsing is configured on the pool (not by
 * mutating the global pg.types registry) so nothing else in the process is affected.
 */
import pg from 'pg';

const INT8_OID = 20;

/** BIGINT columns hold epoch milliseconds and counts: well inside the safe-integer range. */
function parseInt8(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new RangeError(`BIGINT value ${text} is outside the JavaScript safe-integer range`);
  return n;
}

// pg's getTypeParser is overloaded per format; one implementation serves both, hence the cast.
const getTypeParser = (oid: number, format?: 'text' | 'binary') =>
  oid === INT8_OID && format !== 'binary' ? parseInt8 : pg.types.getTypeParser(oid, format);
const types: pg.CustomTypesConfig = { getTypeParser: getTypeParser as pg.CustomTypesConfig['getTypeParser'] };

export interface PoolOptions {
  databaseUrl: string;
  /** Connections per process; several Strongroom nodes (and cluster workers) multiply it. */
  poolSize?: number;
  /**
   * Errors of idle pooled connections (e.g. the server restarted). The pool has already dropped
   * the connection and the next query reconnects; without a listener Node would crash.
   */
  onBackgroundError?: (err: Error) => void;
}

export function createPool(opts: PoolOptions): pg.Pool {
  const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: opts.poolSize ?? 10, types });
  pool.on('error', opts.onBackgroundError ?? (() => {}));
  return pool;
}

/**
 * Runs `fn` inside BEGIN/COMMIT on one pooled connection, rolling back on any error. A
 * connection whose ROLLBACK fails is broken and is destroyed instead of returned to the pool.
 */
export async function withTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackErr) {
      broken = rollbackErr instanceof Error ? rollbackErr : new Error(String(rollbackErr));
    }
    throw err;
  } finally {
    client.release(broken);
  }
}

/**
 * Locks a key row for the rest of the transaction. Alias and tag limits and the single CURRENT
 * material are checked by reading other rows, which PostgreSQL does not lock; taking this row
 * lock first makes concurrent writers for the same key (on any node) run one after another.
 * NO KEY UPDATE still lets other transactions' foreign-key checks against the row proceed.
 */
export async function lockKey(client: pg.PoolClient, keyId: string): Promise<boolean> {
  const r = await client.query('SELECT 1 FROM keys WHERE key_id = $1 FOR NO KEY UPDATE', [keyId]);
  return r.rowCount === 1;
}
