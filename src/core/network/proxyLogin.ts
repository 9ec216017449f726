/**
 * When the app asks for a proxy's credentials, and what it does with the answer.
 * The dialog itself is main's (a window of its own, never the page); this is
 * the decision, tested in Node:
 * - a 407 from a proxy with no credentials asks once; a cancelled dialog is not
 *   shown again for that proxy until the proxy settings change;
 * - a 407 for the credentials in use means they are wrong: they are forgotten
 *   (never sent again) and the user is asked again, told they were refused;
 * - a 407 answered to credentials already replaced (a request still in flight
 *   on the previous network) says nothing about the new ones and is ignored;
 * - credentials belong to the proxy they were given for; changing the proxy
 *   settings forgets them.
 * Credentials are never logged: only the proxy's address is.
 */
import type { Logger } from '../base/logger';
import { silentLogger } from '../base/logger';
import type { ProxyCredentials } from './network';

export interface SavedProxyLogin extends ProxyCredentials {
  /** The proxy they were given for (scheme://host:port, no credentials). */
  proxy: string;
}

/** Where the credentials live between runs (the app: encrypted with safeStorage). */
export interface ProxyLoginStore {
  load(): SavedProxyLogin | null;
  save(login: SavedProxyLogin): void;
  clear(): void;
}

export interface ProxyLoginRequest {
  proxy: string;
  /** The credentials given last for this proxy were refused by it. */
  refused: boolean;
}

export interface ProxyLoginOptions {
  store: ProxyLoginStore;
  /** Shows the dialog; null when the user cancelled it. */
  ask(request: ProxyLoginRequest): Promise<ProxyCredentials | null>;
  /** The credentials changed (given, or forgotten as wrong): the network must be built again. */
  onChange(): void;
  logger?: Logger;
}

export class ProxyLogin {
  private current: SavedProxyLogin | null;
  private asking: Promise<void> | null = null;
  /** Proxies whose dialog the user cancelled: not asked again until the proxy settings change. */
  private readonly declined = new Set<string>();
  private readonly logger: Logger;

  constructor(private readonly options: ProxyLoginOptions) {
    this.logger = options.logger ?? silentLogger;
    this.current = options.store.load();
  }

  /** For the network: what to send this proxy, or null. */
  credentials(proxy: string): ProxyCredentials | null {
    const saved = this.current;
    return saved !== null && saved.proxy === proxy ? { username: saved.username, password: saved.password } : null;
  }

  /** The credentials in force (for a network built in another process), null without. */
  get saved(): SavedProxyLogin | null {
    return this.current;
  }

  /** The network saw this proxy answer 407 to a request that carried `sent`. */
  required(proxy: string, sent: ProxyCredentials | null): void {
    if (this.asking !== null || this.declined.has(proxy)) return;
    if (!same(this.credentials(proxy), sent)) return;
    const refused = sent !== null;
    if (refused) {
      this.logger.warn('the proxy refused the credentials given for it; asking again', { proxy });
      this.forget();
      this.options.onChange();
    }
    this.asking = this.ask({ proxy, refused }).finally(() => {
      this.asking = null;
    });
  }

  /** The proxy settings changed: credentials and cancelled dialogs belong to the old ones. The caller builds the new network. */
  reset(): void {
    this.declined.clear();
    if (this.current !== null) this.forget();
  }

  /** Resolves when no dialog is open (tests, shutdown). */
  settled(): Promise<void> {
    return this.asking ?? Promise.resolve();
  }

  private async ask(request: ProxyLoginRequest): Promise<void> {
    let answer: ProxyCredentials | null;
    try {
      answer = await this.options.ask(request);
    } catch (error) {
      this.logger.warn('the proxy sign-in dialog could not be shown', { error: (error as Error)?.name });
      answer = null;
    }
    if (answer === null) {
      this.declined.add(request.proxy);
      this.logger.info('no credentials given for the proxy; not asking again until the proxy settings change', { proxy: request.proxy });
      return;
    }
    this.current = { proxy: request.proxy, username: answer.username, password: answer.password };
    this.options.store.save(this.current);
    this.logger.info('credentials given for the proxy', { proxy: request.proxy });
    this.options.onChange();
  }

  private forget(): void {
    this.current = null;
    this.options.store.clear();
  }
}

function same(a: ProxyCredentials | null, b: ProxyCredentials | null): boolean {
  return a === null || b === null ? a === b : a.username === b.username && a.password === b.password;
}
