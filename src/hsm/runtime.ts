/**
 * Runs operations against the token with recovery: on a device-class CKR (errors.ts) the whole
 * generation is dropped (sessions, login, every cached handle), the token is reconnected and the
 * operation is retried once. A second device-class failure becomes HsmUnavailableError. The
 * process is never restarted.
 */
import { HsmDecryptError, HsmKeyNotFoundError, HsmUnavailableError } from '../kms/ports/hsm.js';
import type { Handle } from 'pkcs11js';
import { ckrOf, needsRecovery, toHsmError, type CkrInfo } from './errors.js';
import { SessionPool, type PooledSession } from './pool.js';
import type { HsmLog, Token } from './token.js';

export interface RuntimeOptions {
  poolSize: number;
  waitMs: number;
  log: HsmLog;
  /** Right after a generation bump, before any C_Finalize: drop caches, close idle sessions. */
  onInvalidate(): void;
  /** Re-finds well-known token objects after a reconnect (throws if they are gone). */
  afterReconnect(): void;
}

export class Runtime {
  readonly pool: SessionPool;
  private recovering: Promise<void> | undefined;
  private closed = false;

  constructor(
    readonly token: Token,
    private readonly options: RuntimeOptions,
  ) {
    this.pool = new SessionPool(options.poolSize, options.waitMs, {
      open: () => ({ handle: token.openSession(), generation: token.generation }),
      close: (s) => token.closeSession(s.handle),
      generation: () => token.generation,
    });
  }

  /** An async operation on an exclusively held pool session. */
  async withSession<T>(operation: string, fn: (session: PooledSession) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt += 1) {
      this.assertOpen();
      const generation = this.token.generation;
      let session: PooledSession | undefined;
      let failure: unknown;
      try {
        session = await this.pool.acquire();
        return await fn(session);
      } catch (e) {
        failure = e;
      } finally {
        // An unexpected error may leave an operation active on the session (SoftHSM 2.6 keeps it
        // after CKR_ARGUMENTS_BAD / CKR_BUFFER_TOO_SMALL), so such sessions are closed, not reused.
        if (session) this.pool.release(session, failure !== undefined && !isCleanFailure(failure));
      }
      await this.handleFailure(operation, failure, generation, attempt);
    }
  }

  /** A synchronous call on the anchor session (never concurrent: see token.ts). */
  async withAnchor<T>(operation: string, fn: (anchor: Handle) => T): Promise<T> {
    for (let attempt = 0; ; attempt += 1) {
      this.assertOpen();
      const generation = this.token.generation;
      try {
        if (this.recovering) await this.recovering;
        return fn(this.token.anchor());
      } catch (e) {
        await this.handleFailure(operation, e, generation, attempt);
      }
    }
  }

  /** Throws the mapped error, or recovers (and returns, so the caller retries). */
  private async handleFailure(operation: string, failure: unknown, generation: number, attempt: number): Promise<void> {
    const device = needsRecovery(failure) ?? this.lostUnderneath(failure, generation);
    if (!device) throw toHsmError(failure, operation);
    if (attempt >= 1) {
      this.options.log.error({ operation, ckr: device.name }, 'HSM operation failed again after recovery');
      throw new HsmUnavailableError(`${operation} failed after HSM recovery: ${device.name}`, device.name);
    }
    await this.recover(generation, device);
  }

  /**
   * A token-side failure that is not itself device-class may still be caused by the session or
   * login vanishing mid-call. Measured (SoftHSM 2.6.1, C_Logout while derive/GCM calls are in
   * flight on other sessions): CKR_FUNCTION_FAILED, CKR_GENERAL_ERROR (which would otherwise read
   * as a failed GCM tag) and CKR_TEMPLATE_INCONSISTENT. So if a recovery happened meanwhile, or the
   * anchor session no longer reports a logged-in state, treat the failure as device-class.
   */
  private lostUnderneath(failure: unknown, generation: number): CkrInfo | undefined {
    if (ckrOf(failure) === undefined && !(failure instanceof HsmDecryptError)) return undefined;
    const lost: CkrInfo = { code: undefined, name: ckrOf(failure)?.name ?? 'CKR_GENERAL_ERROR', kind: 'device' };
    if (this.token.generation !== generation) return lost;
    try {
      this.token.assertLoggedIn();
      return undefined;
    } catch (probe) {
      return needsRecovery(probe) ?? lost;
    }
  }

  /** Single-flight: concurrent failures of one generation share one recovery. */
  async recover(failedGeneration: number, cause: CkrInfo): Promise<void> {
    if (this.token.generation === failedGeneration && !this.recovering) {
      this.recovering = this.runRecovery(cause).finally(() => {
        this.recovering = undefined;
      });
    }
    if (this.recovering) await this.recovering;
  }

  private async runRecovery(cause: CkrInfo): Promise<void> {
    const { log } = this.options;
    this.pool.pause();
    try {
      const generation = this.token.invalidate();
      this.options.onInvalidate();
      this.pool.closeIdle();
      log.warn({ ckr: cause.name, generation }, 'HSM recovery: dropped sessions and cached handles');
      if (cause.kind === 'reinit') {
        // DESIGN.md pitfall: C_Finalize with calls in flight aborted the process.
        if (await this.pool.whenIdle(this.options.waitMs)) this.token.reinitialize();
        else log.warn({ inFlight: this.pool.inFlight }, 'HSM recovery: operations still in flight, C_Finalize skipped');
      }
      this.token.connect();
      this.options.afterReconnect();
      log.info({ generation }, 'HSM recovery: reconnected and logged in');
    } catch (e) {
      log.error({ err: e instanceof Error ? e.message : String(e) }, 'HSM recovery failed');
      throw e instanceof HsmUnavailableError ? e : new HsmUnavailableError(`HSM recovery failed: ${toHsmError(e, 'recovery').message}`);
    } finally {
      this.pool.resume();
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new HsmUnavailableError('HSM is closed');
  }

  /** Waits (bounded) for in-flight operations, then closes everything. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.pool.close();
    if (await this.pool.whenIdle(this.options.waitMs)) {
      this.token.finalize();
    } else {
      this.options.log.warn({ inFlight: this.pool.inFlight }, 'HSM close: operations still in flight, C_Finalize skipped');
    }
  }
}

/** Failures after which the session is known to be clean (the token ended the operation). */
function isCleanFailure(e: unknown): boolean {
  return e instanceof HsmDecryptError || e instanceof HsmKeyNotFoundError;
}
