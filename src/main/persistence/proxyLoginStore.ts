/**
 * The proxy credentials given in the sign-in dialog, kept in the settings
 * store encrypted with safeStorage (user name and password together, as base64
 * ciphertext) next to the proxy they are for. Where the OS cannot encrypt they
 * are kept for this run only, never written in the clear.
 */
import type { Logger } from '../../core/base/logger';
import type { ProxyLoginStore, SavedProxyLogin } from '../../core/network/proxyLogin';
import type { KeyValueStore } from './keyValueStore';
import { secureStorageAvailable, type TokenCipher } from './settingsRepository';

const KEY = 'proxyLogin';

interface Stored {
  kind: 'safeStorage';
  proxy: string;
  data: string;
}

export function proxyLoginStore(store: KeyValueStore, cipher: TokenCipher, logger: Logger, platform: NodeJS.Platform = process.platform): ProxyLoginStore {
  return {
    load(): SavedProxyLogin | null {
      const stored = store.get(KEY) as Stored | undefined;
      if (!stored || typeof stored !== 'object' || stored.kind !== 'safeStorage' || typeof stored.proxy !== 'string' || typeof stored.data !== 'string') return null;
      try {
        const { username, password } = JSON.parse(cipher.decryptString(Buffer.from(stored.data, 'base64'))) as Record<string, unknown>;
        if (typeof username !== 'string' || typeof password !== 'string') return null;
        return { proxy: stored.proxy, username, password };
      } catch {
        logger.warn('Saved proxy credentials could not be decrypted; the proxy will ask again', { proxy: stored.proxy });
        return null;
      }
    },
    save(login: SavedProxyLogin): void {
      if (!secureStorageAvailable(cipher, platform)) {
        store.delete(KEY);
        logger.warn('No secure storage on this computer: the proxy credentials are kept until Intake quits', { proxy: login.proxy });
        return;
      }
      const data = cipher.encryptString(JSON.stringify({ username: login.username, password: login.password })).toString('base64');
      store.set(KEY, { kind: 'safeStorage', proxy: login.proxy, data } satisfies Stored);
    },
    clear(): void {
      store.delete(KEY);
    },
  };
}
