/**
 * Bounded session pool: one session per in-flight operation, checked out exclusively for the whole
 * C_*Init → C_* sequence (SoftHSM 2.6: two overlapping calls on one session SIGSEGV, notes §4).
 * Sessions open lazily up to `size`; waiters queue FIFO and reject with HsmBusyError after
 * `waitMs`, so a stalled token produces fast errors, never a hang.
 */
import type { Handle } from 'pkcs11js';
import { HsmBusyError, HsmUnavailableError } from '../kms/ports/hsm.js';

export interface PooledSession {
  readonly handle: Handle;
  /** The token generation the session was opened in; stale sessions are closed on release. */
  readonly generation: number;
}

interface Waiter {
  resolve(s: PooledSession): void;
  reject(e: unknown): void;
  timer: NodeJS.Timeout;
}

export interface PoolHooks {
  open(): PooledSession;
  close(session: PooledSession): void;
  generation(): number;
}

export class SessionPool {
  private readonly idle: PooledSession[] = [];
  private readonly busy = new Set<PooledSession>();
  private readonly waiters: Waiter[] = [];
  private readonly idleListeners = new Set<() => void>();
  private paused = false;
  private closed = false;

  constructor(
    private readonly size: number,
    private readonly waitMs: number,
    private readonly hooks: PoolHooks,
  ) {}

  get inFlight(): number {
    return this.busy.size;
  }

  get stats(): { open: number; busy: number; waiting: number } {
    return { open: this.idle.length + this.busy.size, busy: this.busy.size, waiting: this.waiters.length };
  }

  acquire(): Promise<PooledSession> {
    if (this.closed) return Promise.reject(new HsmUnavailableError('HSM is closed'));
    if (!this.paused && this.waiters.length === 0) {
      try {
        const s = this.take();
        if (s) return Promise.resolve(s);
      } catch (e) {
        return Promise.reject(e);
      }
    }
    return new Promise<PooledSession>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          const i = this.waiters.indexOf(waiter);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(new HsmBusyError(`no HSM session became free within ${this.waitMs} ms`));
        }, this.waitMs),
      };
      this.waiters.push(waiter);
    });
  }

  /** Returns a session; `discard` (or a stale generation) closes it instead of keeping it. */
  release(session: PooledSession, discard = false): void {
    if (!this.busy.delete(session)) return;
    if (discard || this.closed || session.generation !== this.hooks.generation()) this.hooks.close(session);
    else this.idle.push(session);
    if (this.busy.size === 0) for (const listener of [...this.idleListeners]) listener();
    this.dispatch();
  }

  /** Stops handing out sessions (recovery in progress); queued waiters keep their timeouts. */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.dispatch();
  }

  /** Closes every idle session (after a generation bump); busy ones close when released. */
  closeIdle(): void {
    for (const s of this.idle.splice(0)) this.hooks.close(s);
  }

  /** Resolves true once no session is checked out, false after timeoutMs. */
  whenIdle(timeoutMs: number): Promise<boolean> {
    if (this.busy.size === 0) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const done = (value: boolean): void => {
        clearTimeout(timer);
        this.idleListeners.delete(onIdle);
        resolve(value);
      };
      const onIdle = (): void => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.idleListeners.add(onIdle);
    });
  }

  /** Rejects waiters and closes idle sessions; busy sessions close as they are released. */
  close(): void {
    this.closed = true;
    for (const w of this.waiters.splice(0)) {
      clearTimeout(w.timer);
      w.reject(new HsmUnavailableError('HSM is closed'));
    }
    this.closeIdle();
  }

  private take(): PooledSession | undefined {
    const generation = this.hooks.generation();
    let s = this.idle.pop();
    while (s && s.generation !== generation) {
      this.hooks.close(s);
      s = this.idle.pop();
    }
    if (!s && this.idle.length + this.busy.size < this.size) s = this.hooks.open();
    if (s) this.busy.add(s);
    return s;
  }

  private dispatch(): void {
    while (!this.paused && !this.closed && this.waiters.length > 0) {
      let s: PooledSession | undefined;
      try {
        s = this.take();
      } catch (e) {
        // Opening a session failed: the first waiter gets the error (its caller will recover).
        const w = this.waiters.shift()!;
        clearTimeout(w.timer);
        w.reject(e);
        continue;
      }
      if (!s) return;
      const w = this.waiters.shift()!;
      clearTimeout(w.timer);
      w.resolve(s);
    }
  }
}
