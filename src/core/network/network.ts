/**
 * The one network port: every connection Intake makes (uploads over node:http(s),
 * status reads over fetch, the WebSocket over ws) takes its agent, dispatcher and
 * trusted certificates from a Network, which is part of the server of record. So a
 * proxy or a private certificate authority cannot be forgotten by one path.
 *
 * The proxy is decided per URL (`ProxyResolver`): a fixed proxy (CLI --proxy),
 * the environment (HTTPS_PROXY…), a manual list with bypasses, or Electron's
 * session.resolveProxy (PAC, OS settings). HTTPS and WebSocket go through CONNECT
 * tunnels; plain HTTP is forwarded. The agents are the well-kept https-proxy-agent,
 * http-proxy-agent and undici's ProxyAgent; certificate checks are never turned off.
 */
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import tls from 'node:tls';
import { Agent as RoutingBase, type AgentConnectOpts } from 'agent-base';
import { HttpProxyAgent } from 'http-proxy-agent';
import { HttpsProxyAgent } from 'https-proxy-agent';
import type * as Undici from 'undici';
import type { Dispatcher } from 'undici';

/**
 * undici is loaded only when a network needs it (a proxy or extra trust): loading it sets the
 * process-wide dispatcher that Node's own fetch uses too, which a plain network must not change.
 */
let undiciModule: Promise<typeof Undici> | null = null;
function loadUndici(): Promise<typeof Undici> {
  undiciModule ??= import('undici');
  return undiciModule;
}

/** A proxy URL (`http://[user:password@]host:port`) for this URL, or null to go direct. */
export type ProxyResolver = (url: URL) => Promise<string | null>;

export interface ProxyCredentials {
  username: string;
  password: string;
}

export interface NetworkOptions {
  /** Default: always direct. */
  proxy?: ProxyResolver;
  /** Certificates (PEM) trusted besides Node's bundled roots: a custom CA, the OS store. */
  extraCa?: readonly string[];
  /**
   * For a proxy (named without credentials) that wants Basic credentials and has none in its URL;
   * read once per proxy for the life of this network (new credentials: a new network).
   */
  proxyCredentials?: (proxy: string) => ProxyCredentials | null;
  /** A proxy answered 407: told the proxy (without credentials) and what this network sent it (null: none). */
  onProxyAuthRequired?: (proxy: string, sent: ProxyCredentials | null) => void;
}

/** What node:http(s).request and ws take for one URL. */
export interface NodeRequestOptions {
  /** Absent: Node's own agent (no proxy, no extra trust). */
  agent?: http.Agent;
  ca?: string[];
}

export interface Network {
  /** Where this URL goes: the proxy URL without credentials, or null (direct). */
  proxyFor(url: URL): Promise<string | null>;
  /** The last decision for this URL's origin (for error messages, which cannot wait), null before any. */
  proxyInUse(url: URL): string | null;
  /** Agent and trust for node:http(s).request and the ws client. */
  nodeOptions(url: URL): NodeRequestOptions;
  /** fetch through the same proxy decision and trust. */
  readonly fetch: typeof fetch;
  /** Closes the pooled connections (the engine's dispose). */
  close(): Promise<void>;
}

function withoutCredentials(proxy: string | null): string | null {
  if (proxy === null) return null;
  const shown = new URL(proxy);
  return `${shown.protocol}//${shown.host}`;
}

const direct: ProxyResolver = () => Promise.resolve(null);

export function createNetwork(options: NetworkOptions = {}): Network {
  return new AgentNetwork(options);
}

let sharedDirect: Network | null = null;

/** Direct, Node's bundled roots: for parts built without a network (tests, tools); never closed. */
export function defaultNetwork(): Network {
  sharedDirect ??= createNetwork();
  return sharedDirect;
}

/** Node's bundled roots plus the extras; `ca` replaces the defaults, so both are named. */
function trustList(extra: readonly string[] | undefined): string[] | undefined {
  return extra && extra.length > 0 ? [...tls.rootCertificates, ...extra] : undefined;
}

class AgentNetwork implements Network {
  private readonly resolve: ProxyResolver;
  private readonly ca: string[] | undefined;
  private readonly agents = new Map<string, http.Agent>();
  private readonly dispatchers = new Map<string, Dispatcher>();
  private readonly router: { http: RoutingAgent; https: RoutingAgent };
  private readonly decided = new Map<string, string | null>();
  /** The credentials given to each proxy, fixed at first use: a 407 then says which ones were refused. */
  private readonly sentTo = new Map<string, ProxyCredentials | null>();
  /** No proxy and no extra trust: nothing to route. */
  private readonly plain: boolean;

  constructor(private readonly options: NetworkOptions) {
    this.resolve = options.proxy ?? direct;
    this.ca = trustList(options.extraCa);
    this.router = { http: new RoutingAgent(this, false), https: new RoutingAgent(this, true) };
    this.plain = options.proxy === undefined && this.ca === undefined;
  }

  async proxyFor(url: URL): Promise<string | null> {
    return withoutCredentials(await this.resolveFor(url));
  }

  proxyInUse(url: URL): string | null {
    return withoutCredentials(this.decided.get(url.origin) ?? null);
  }

  nodeOptions(url: URL): NodeRequestOptions {
    if (this.plain) return {};
    const secure = url.protocol === 'https:' || url.protocol === 'wss:';
    return { agent: secure ? this.router.https : this.router.http, ...(this.ca && { ca: this.ca }) };
  }

  readonly fetch = ((input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    // Direct with Node's own roots needs nothing of ours: Node's own agents and fetch, exactly as before.
    if (this.plain) return fetch(input, init);
    // A Request carries its own method, headers, body and signal; init still wins, as in fetch.
    if (input instanceof Request) init = { method: input.method, headers: input.headers, signal: input.signal, ...(input.body && { body: input.body, duplex: 'half' }), ...init };
    const url = new URL(input instanceof Request ? input.url : input);
    const send = async (proxy: string | null): Promise<Response> => {
      if (proxy === null && this.ca === undefined) return fetch(url, init);
      const undici = await loadUndici();
      try {
        const response = (await undici.fetch(url, { ...(init as object), dispatcher: this.dispatcherFor(undici, proxy) })) as unknown as Response;
        if (proxy !== null && response.status === 407) this.proxyAuthRequired(proxy);
        return response;
      } catch (error) {
        // A refused CONNECT tunnel is an error in undici, not a response; so is a forwarded request's 407.
        if (proxy !== null && /Proxy response \((407|401)\)|Proxy Authentication Required \(407\)/.test(errorText(error))) this.proxyAuthRequired(proxy);
        throw error;
      }
    };
    // A known origin is sent at once (a request counted is a request sent, even if aborted a tick
    // later), and its decision refreshed for the next one: PAC answers may change.
    const known = this.decided.get(url.origin);
    if (known !== undefined) {
      this.resolveFor(url).catch(() => undefined);
      return send(known);
    }
    return this.resolveFor(url).then(send);
  }) as typeof fetch;

  /** The agent that carries one request: direct, a CONNECT tunnel, or a forwarding proxy. */
  agentFor(proxy: string | null, secure: boolean, upgrade: boolean): http.Agent {
    // A WebSocket upgrade is tunnelled even to ws://: forwarding proxies drop Upgrade headers.
    const kind = proxy === null ? (secure ? 'direct-tls' : 'direct') : secure || upgrade ? 'tunnel' : 'forward';
    const key = `${kind} ${proxy ?? ''}`;
    let agent = this.agents.get(key);
    if (!agent) {
      const withCredentials = proxy === null ? '' : this.withCredentials(proxy);
      agent =
        kind === 'direct-tls' ? new https.Agent({ keepAlive: true })
        : kind === 'direct' ? new http.Agent({ keepAlive: true })
        : kind === 'tunnel' ? new TunnelAgent(withCredentials, { keepAlive: true })
        : new HttpProxyAgent(withCredentials, { keepAlive: true });
      this.agents.set(key, agent);
    }
    return agent;
  }

  async resolveFor(url: URL): Promise<string | null> {
    const proxy = await this.resolve(url);
    this.decided.set(url.origin, proxy);
    return proxy;
  }

  private dispatcherFor(undici: typeof Undici, proxy: string | null): Dispatcher {
    const key = proxy ?? '';
    let dispatcher = this.dispatchers.get(key);
    if (!dispatcher) {
      const connect = this.ca ? { ca: this.ca } : {};
      dispatcher = proxy === null ? new undici.Agent({ connect }) : new undici.ProxyAgent({ uri: this.withCredentials(proxy), requestTls: connect, proxyTunnel: false });
      this.dispatchers.set(key, dispatcher);
    }
    return dispatcher;
  }

  /** Credentials in the proxy URL win; else the configured ones (INTAKE_PROXY_CREDENTIALS, the app's store). */
  private withCredentials(proxy: string): string {
    const url = new URL(proxy);
    const given = this.credentialsFor(proxy);
    if (given && url.username === '') {
      url.username = encodeURIComponent(given.username);
      url.password = encodeURIComponent(given.password);
    }
    return url.href;
  }

  private credentialsFor(proxy: string): ProxyCredentials | null {
    const url = new URL(proxy);
    if (url.username !== '') return { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
    const key = withoutCredentials(proxy)!;
    if (!this.sentTo.has(key)) this.sentTo.set(key, this.options.proxyCredentials?.(key) ?? null);
    return this.sentTo.get(key) ?? null;
  }

  /** A 407 from this proxy (its URL as decided, possibly with credentials). */
  proxyAuthRequired(proxy: string): void {
    this.options.onProxyAuthRequired?.(withoutCredentials(proxy)!, this.credentialsFor(proxy));
  }

  async close(): Promise<void> {
    for (const agent of this.agents.values()) agent.destroy();
    this.router.http.destroy();
    this.router.https.destroy();
    await Promise.allSettled([...this.dispatchers.values()].map((d) => d.close()));
    this.agents.clear();
    this.dispatchers.clear();
  }
}

function errorText(error: unknown): string {
  const parts: string[] = [];
  for (let current = error; current instanceof Error && parts.length < 6; current = current.cause) parts.push(current.message);
  return parts.join(' ');
}

const proxyAnswered = new WeakSet<http.ClientRequest>();

/**
 * Whether the response to this request came from the proxy (it refused the CONNECT tunnel with
 * its own status, e.g. 403 or 407), not from the server: a 403 then is no verdict on our token.
 */
export function answeredByProxy(request: http.ClientRequest): boolean {
  return proxyAnswered.has(request);
}

/**
 * https-proxy-agent hands a refused CONNECT's answer to the request on an unconnected
 * stand-in socket; a tunnel that opened is a connected socket (TLS or plain).
 */
class TunnelAgent extends HttpsProxyAgent<string> {
  override async connect(req: http.ClientRequest, opts: AgentConnectOpts): Promise<Socket> {
    const socket = await super.connect(req, opts);
    if (!(socket instanceof tls.TLSSocket) && socket.remoteAddress === undefined) proxyAnswered.add(req);
    return socket;
  }
}

/**
 * One agent per scheme handed to every request; it decides the proxy per request
 * (asynchronously: Electron's resolveProxy answers later) and hands the request to
 * the agent that carries it. agent-base supports exactly this: connect() may
 * return another http.Agent.
 */
class RoutingAgent extends RoutingBase {
  constructor(
    private readonly network: AgentNetwork,
    private readonly secure: boolean,
  ) {
    super({ keepAlive: false });
  }

  override async connect(req: http.ClientRequest, opts: AgentConnectOpts): Promise<http.Agent> {
    const scheme = this.secure ? 'https' : 'http';
    const host = opts.host?.includes(':') ? `[${opts.host}]` : opts.host;
    const url = new URL(`${scheme}://${host}:${opts.port}${req.path}`);
    const upgrade = String(req.getHeader('upgrade') ?? '').toLowerCase() === 'websocket';
    if (upgrade) url.protocol = this.secure ? 'wss:' : 'ws:';
    const proxy = await this.network.resolveFor(url);
    // A 407 comes back as the request's response, forwarded or from a refused tunnel alike (some
    // proxies, tinyproxy among them, refuse wrong credentials on a tunnel with 401).
    if (proxy !== null) {
      req.once('response', (response: http.IncomingMessage) => {
        if (response.statusCode === 407 || (response.statusCode === 401 && answeredByProxy(req))) this.network.proxyAuthRequired(proxy);
      });
    }
    return this.network.agentFor(proxy, this.secure, upgrade);
  }
}
