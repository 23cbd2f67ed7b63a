/**
 * Integer environment variables, read strictly: decimal digits only. Number() would take '0x50'
 * as 80, '1e3' as 1000 and ' 8080 ' as 8080, so a typo could silently pick another port or size.
 */
export type Env = Record<string, string | undefined>;

const DECIMAL = /^\d+$/;

/** `def` when unset or empty; otherwise an integer from min to max, or the error `fail` makes. */
export function intVar(env: Env, name: string, def: number, min: number, max: number, fail: (message: string) => Error): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  const n = DECIMAL.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw fail(`${name} must be an integer from ${min} to ${max}, got '${raw}'`);
  return n;
}
