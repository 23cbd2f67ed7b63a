/**
 * The PKCS#11 module and our connection to one token: C_Initialize, slot by label, login, the
 * anchor session and the generation counter that every cached handle is tagged with.
 *
 * The anchor session is used for synchronous calls only (C_FindObjects*, C_GetAttributeValue,
 * C_GenerateRandom, C_DestroyObject, C_Login). JavaScript never runs two synchronous calls at once
 * and no async call is ever issued on it, so it is never used concurrently (SoftHSM 2.6: two
 * overlapping calls on one session segfault). It also keeps the login alive while pool sessions
 * come and go: PKCS#11 v2.40 §5.6 logs the user out when the application's last session closes.
 */
import pkcs11js from 'pkcs11js';
import type { Handle, PKCS11, Template, TokenInfo } from 'pkcs11js';
import { HsmUnavailableError } from '../kms/ports/hsm.js';
import { CKR, ckrOf, isCkr } from './errors.js';

/** PKCS#11 v2.40 session states (not exported by pkcs11js 2.1.7). */
const CKS_RO_USER_FUNCTIONS = 1;
const CKS_RW_USER_FUNCTIONS = 3;
const CKR_USER_NOT_LOGGED_IN = 0x101;

export interface HsmLog {
  info(o: object, msg?: string): void;
  warn(o: object, msg?: string): void;
  error(o: object, msg?: string): void;
}

export const silentLog: HsmLog = { info() {}, warn() {}, error() {} };

/** A condition we detect ourselves but want handled exactly like the token's CKR (e.g. recovery). */
export class SyntheticCkrError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export class Token {
  readonly p: PKCS11;
  private gen = 1;
  private slotHandle: Handle | undefined;
  private anchorSession: Handle | undefined;

  constructor(
    modulePath: string,
    private readonly label: string,
    private readonly pin: string,
  ) {
    this.p = new pkcs11js.PKCS11();
    this.p.load(modulePath);
    this.initialize();
  }

  /** Bumped on every recovery; a handle cached under an older generation must not be used. */
  get generation(): number {
    return this.gen;
  }

  /** Never the bare C_Initialize(): with flags 0 SoftHSM 2.6 disables its mutexes (notes §4). */
  private initialize(): void {
    try {
      this.p.C_Initialize({ flags: pkcs11js.CKF_OS_LOCKING_OK });
    } catch (e) {
      // A second Token in the same process (the .so is loaded once per process).
      if (!isCkr(e, CKR.CRYPTOKI_ALREADY_INITIALIZED)) throw e;
    }
  }

  /** Finds the slot by label, opens the anchor session and logs in. Idempotent. */
  connect(): void {
    if (this.anchorSession) return;
    const slot = this.findSlot();
    const session = this.p.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
    try {
      this.login(session);
    } catch (e) {
      this.quietly(() => this.p.C_CloseSession(session));
      throw e;
    }
    this.slotHandle = slot;
    this.anchorSession = session;
  }

  /** Slot IDs change at token init (SoftHSM 2.6), so never by index: by label among present tokens. */
  private findSlot(): Handle {
    const slots = this.p.C_GetSlotList(true);
    const matches = slots.filter((s) => this.p.C_GetTokenInfo(s).label.trim() === this.label);
    if (matches.length === 0) {
      // An unreachable network HSM lets C_Initialize succeed with zero slots (DESIGN.md pitfalls).
      throw new HsmUnavailableError(`HSM token '${this.label}' not found (${slots.length} slot(s) with a token)`);
    }
    if (matches.length > 1) throw new HsmUnavailableError(`HSM token label '${this.label}' is ambiguous (${matches.length} tokens)`);
    return matches[0]!;
  }

  /** Login is per process and token-wide; CKR_USER_ALREADY_LOGGED_IN is success. */
  private login(session: Handle): void {
    try {
      this.p.C_Login(session, pkcs11js.CKU_USER, this.pin);
    } catch (e) {
      if (isCkr(e, CKR.USER_ALREADY_LOGGED_IN)) return;
      const name = ckrOf(e)?.name ?? 'unknown error';
      // The PIN itself never appears in messages or logs.
      throw new HsmUnavailableError(`HSM login to token '${this.label}' failed: ${name}`, name);
    }
  }

  slot(): Handle {
    this.connect();
    return this.slotHandle!;
  }

  /** The sync-only anchor session (see the file comment). */
  anchor(): Handle {
    this.connect();
    return this.anchorSession!;
  }

  openSession(): Handle {
    return this.p.C_OpenSession(this.slot(), pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
  }

  closeSession(session: Handle): void {
    this.quietly(() => this.p.C_CloseSession(session));
  }

  /**
   * Starts a new generation: every cached handle and session becomes stale. The anchor is closed;
   * the next connect() opens a new one and logs in again.
   */
  invalidate(): number {
    this.gen += 1;
    if (this.anchorSession) this.closeSession(this.anchorSession);
    this.anchorSession = undefined;
    this.slotHandle = undefined;
    return this.gen;
  }

  /** C_Finalize + C_Initialize. Only when nothing is in flight: C_Finalize mid-call aborts the process. */
  reinitialize(): void {
    this.quietly(() => this.p.C_Finalize());
    this.initialize();
  }

  /**
   * A private object that C_FindObjects cannot see may simply mean we are logged out (SoftHSM 2.6
   * returns no match, not an error). Throws a recovery-class error in that case.
   */
  assertLoggedIn(): void {
    const state = this.p.C_GetSessionInfo(this.anchor()).state;
    if (state !== CKS_RW_USER_FUNCTIONS && state !== CKS_RO_USER_FUNCTIONS) {
      throw new SyntheticCkrError(CKR_USER_NOT_LOGGED_IN, 'CKR_USER_NOT_LOGGED_IN');
    }
  }

  /** All matches, on the anchor session; C_FindObjectsFinal always runs. */
  findAll(template: Template): Handle[] {
    const session = this.anchor();
    this.p.C_FindObjectsInit(session, template);
    try {
      const found: Handle[] = [];
      for (;;) {
        const batch = this.p.C_FindObjects(session, 256);
        if (batch.length === 0) return found;
        found.push(...batch);
      }
    } finally {
      this.quietly(() => this.p.C_FindObjectsFinal(session));
    }
  }

  tokenInfo(): TokenInfo {
    return this.p.C_GetTokenInfo(this.slot());
  }

  get tokenLabel(): string {
    return this.label;
  }

  /** Closes the anchor, C_Finalize, unloads the module. */
  finalize(): void {
    if (this.anchorSession) this.closeSession(this.anchorSession);
    this.anchorSession = undefined;
    this.quietly(() => this.p.C_Finalize());
    this.quietly(() => this.p.close());
  }

  /** Cleanup of sessions that may already be gone (CKR_SESSION_HANDLE_INVALID is expected then). */
  private quietly(fn: () => void): void {
    try {
      fn();
    } catch {
      // nothing to do: the object of the cleanup no longer exists
    }
  }
}
