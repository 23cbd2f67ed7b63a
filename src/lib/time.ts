/** Injectable time source: everything that reads the clock takes one, so tests can move time. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** AWS JSON 1.1 timestamps are epoch seconds (fraction allowed). */
export function toEpochSeconds(ms: number): number {
  return Math.round(ms) / 1000;
}

export const DAY_MS = 86_400_000;
