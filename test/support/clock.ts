import type { Clock } from '../../src/lib/time.js';

/** A clock tests can move forward (the KMS clock; SigV4 always uses the wall clock). */
export class ManualClock implements Clock {
  private offset = 0;
  now(): number {
    return Date.now() + this.offset;
  }
  advance(ms: number): void {
    this.offset += ms;
  }
}
