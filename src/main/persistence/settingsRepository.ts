/**
 * Settings, the server token and small UI memory (window bounds, hints shown),
 * kept in the settings store. The token is encrypted with safeStorage and kept
 * as base64 ciphertext; it leaves this class only towards the core, never
 * towards the renderer (view() carries `hasToken`). The token is bound to the
 * origin it was entered for: a server URL with another origin starts with no
 * token, so a typo or a compromised page cannot send it to another host.
 */
import type { SafeStorage } from 'electron';
import type { Logger } from '../../core/base/logger';
import { serverOrigin } from '../../core/desktop/serverChangeConfirmation';
import { applySettingsPatch, settingsFromStored, type SettingsUpdate } from '../../core/desktop/settingsUpdate';
import { NO_POLICY, enforcePolicy, lockedChangeProblem, presetDefaults, type ManagedPolicy } from '../../core/policy/managedPolicy';
import type { SettingsView } from '../../shared/ipc';
import type { Settings, SettingsPatch } from '../../shared/settings';
import type { KeyValueStore } from './keyValueStore';

type StoredToken = ({ kind: 'safeStorage'; data: string } | { kind: 'plaintext'; data: string }) & {
  /** The server origin it was entered for; null = entered before any server was set (goes to the first one set). */
  origin?: string | null;
};

/** safeStorage as used here; the backend name exists on Linux only. */
export type TokenCipher = Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString'> & {
  getSelectedStorageBackend?: () => string;
};

export class TokenStorageError extends Error {
  override name = 'TokenStorageError';
}

export class SettingsRepository {
  private current: Settings;
  /** Why the token was dropped (another origin), for the Settings dialog; cleared when a token is set. */
  private tokenNotice: string | null = null;

  constructor(
    private readonly store: KeyValueStore,
    private readonly safeStorage: TokenCipher,
    private readonly logger: Logger,
    private readonly platform: NodeJS.Platform = process.platform,
    /** The administrator's presets and locks (managed settings). */
    readonly policy: ManagedPolicy = NO_POLICY,
  ) {
    this.current = enforcePolicy(settingsFromStored(store.get('settings'), presetDefaults(policy)), policy);
    this.bindLegacyToken();
    this.secureStoredToken();
  }

  get settings(): Settings {
    return this.current;
  }

  update(patch: SettingsPatch): SettingsUpdate {
    const locked = lockedChangeProblem(this.policy, this.current, patch);
    if (locked !== null) return { ok: false, message: locked };
    const result = applySettingsPatch(this.current, patch);
    if (!result.ok) return result;
    const previousOrigin = serverOrigin(this.current.serverUrl);
    this.current = result.settings;
    this.store.set('settings', this.current);
    if (result.changed.includes('serverUrl')) this.followServer(previousOrigin);
    if (result.changed.includes('allowPlaintextToken')) this.secureStoredToken();
    return result;
  }

  view(): SettingsView {
    return {
      ...this.current,
      hasToken: this.store.get('token') !== undefined,
      tokenEncryptionAvailable: this.encryptionAvailable(),
      tokenNotice: this.tokenNotice,
      locked: [...this.policy.locked],
    };
  }

  token(): string | null {
    const stored = this.store.get('token') as StoredToken | undefined;
    if (!stored || typeof stored !== 'object') return null;
    // Never towards another origin, whatever the file says.
    const origin = serverOrigin(this.current.serverUrl);
    if (stored.origin != null && stored.origin !== origin) return null;
    if (stored.kind === 'plaintext') return typeof stored.data === 'string' ? stored.data : null;
    try {
      return this.safeStorage.decryptString(Buffer.from(stored.data, 'base64'));
    } catch {
      // The OS keyring changed (new user profile, restored backup): the user must enter it again.
      this.logger.warn('Stored server token could not be decrypted; it must be entered again');
      return null;
    }
  }

  /** Throws TokenStorageError with a message for the user when the token cannot be stored safely. */
  setToken(token: string | null, origin = serverOrigin(this.current.serverUrl)): void {
    this.tokenNotice = null;
    if (token === null) {
      this.store.delete('token');
      return;
    }
    if (this.encryptionAvailable()) {
      const data = this.safeStorage.encryptString(token).toString('base64');
      this.store.set('token', { kind: 'safeStorage', data, origin } satisfies StoredToken);
      return;
    }
    if (!this.current.allowPlaintextToken) {
      throw new TokenStorageError(
        'This computer offers no secure storage for the token (no keyring). Turn on "Store the token unencrypted" in Settings to keep it anyway.',
      );
    }
    this.store.set('token', { kind: 'plaintext', data: token, origin } satisfies StoredToken);
  }

  windowBounds(): unknown {
    return this.store.get('windowBounds');
  }

  saveWindowBounds(bounds: { x: number; y: number; width: number; height: number }): void {
    this.store.set('windowBounds', bounds);
  }

  /** True the first time only: for one-time hints ("Intake keeps running in the tray"). */
  takeHint(name: 'closeToTray'): boolean {
    const key = `hintShown.${name}`;
    if (this.store.get(key) === true) return false;
    this.store.set(key, true);
    return true;
  }

  /**
   * A token kept unencrypted is encrypted as soon as the OS can, and deleted once
   * the user no longer allows keeping it unencrypted (leaving it on disk would
   * quietly ignore that choice).
   */
  private secureStoredToken(): void {
    const stored = this.store.get('token') as StoredToken | undefined;
    if (!stored || stored.kind !== 'plaintext' || typeof stored.data !== 'string') return;
    if (this.encryptionAvailable()) {
      this.setToken(stored.data);
      this.logger.info('Encrypted the server token that was stored unencrypted');
    } else if (!this.current.allowPlaintextToken) {
      this.store.delete('token');
      this.logger.warn('Deleted the unencrypted server token: keeping it unencrypted is no longer allowed');
    }
  }

  /** The server's origin changed: a token entered before any server goes with it; one for another origin is dropped. */
  private followServer(previousOrigin: string | null): void {
    const stored = this.store.get('token') as StoredToken | undefined;
    const origin = serverOrigin(this.current.serverUrl);
    if (!stored || typeof stored !== 'object' || origin === previousOrigin) return;
    const bound = stored.origin ?? null;
    if (bound === null && origin !== null) {
      this.store.set('token', { ...stored, origin });
      return;
    }
    if (bound === origin) return;
    this.store.delete('token');
    this.tokenNotice =
      origin === null
        ? null
        : `The saved token was for ${bound}; it is not sent to ${origin}. Enter the token for this server.`;
    this.logger.info('Server token removed: it belongs to another server');
  }

  /** A token saved before tokens recorded their origin belongs to the server set then. */
  private bindLegacyToken(): void {
    const stored = this.store.get('token') as StoredToken | undefined;
    if (!stored || typeof stored !== 'object' || stored.origin !== undefined) return;
    this.store.set('token', { ...stored, origin: serverOrigin(this.current.serverUrl) });
  }

  private encryptionAvailable(): boolean {
    return secureStorageAvailable(this.safeStorage, this.platform);
  }
}

/** Whether safeStorage really protects a secret here (the token, proxy credentials). */
export function secureStorageAvailable(cipher: TokenCipher, platform: NodeJS.Platform = process.platform): boolean {
  try {
    if (!cipher.isEncryptionAvailable()) return false;
    // On Linux without a keyring, safeStorage "encrypts" with a fixed, public password
    // (backend basic_text): that is no protection, so it counts as unavailable.
    return !(platform === 'linux' && cipher.getSelectedStorageBackend?.() === 'basic_text');
  } catch {
    return false;
  }
}
