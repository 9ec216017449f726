/**
 * The server of record: the one immutable value that says where Intake sends
 * documents and follows jobs. Only IntakeEngine makes and holds it; the queue
 * and the connection receive it whole from the engine, never field by field,
 * so a URL, a WebSocket override and a token can never belong to two servers.
 * The network (proxy decision, trusted certificates) is part of it, so every
 * connection path takes them from here.
 */
import { canonicalServerUrl, deriveWebSocketUrl } from '../../shared/serverUrl';
import { INTAKE_DIALECT, deriveSocketIoUrl, isSocketIoDialect, type Dialect } from '../../shared/dialect';
import type { Network } from '../network/network';

export type { Dialect } from '../../shared/dialect';

/** What the user configured: a server URL (null = the bundled demo server), a WebSocket override, a token. */
export interface ServerChoice {
  serverUrl: string | null;
  /** null = derived from the server URL. Ignored for the demo server, which serves its own socket. */
  webSocketUrl: string | null;
  token: string | null;
  /** The contract the server speaks (PROTOCOL.md "Backend dialects"); default intake. The demo server speaks intake. */
  dialect?: Dialect;
}

export interface ServerOfRecord {
  /** REST base, e.g. https://host/api. */
  readonly baseUrl: string;
  /** The WebSocket (or Socket.IO endpoint) URL in use: the override, else derived from baseUrl and the dialect. */
  readonly wsUrl: string;
  readonly dialect: Dialect;
  readonly token: string | null;
  /** The bundled demo server (its port changes at every start; its jobs stay its own). */
  readonly demo: boolean;
  /** Which backend this is, for the jobs it accepts: 'demo', else the canonical URL. */
  readonly identity: string;
  /** The one network port every upload, status read and socket goes through. */
  readonly network: Network;
}

/**
 * Throws (changing nothing) when a URL cannot be used. The user's token goes only to the configured
 * server; the demo server gets its own per-launch token, and never the user's.
 */
export function serverOfRecord(
  backend: { baseUrl: string; demo: boolean; token?: string | null },
  choice: Pick<ServerChoice, 'webSocketUrl' | 'token' | 'dialect'>,
  network: Network,
): ServerOfRecord {
  const override = backend.demo ? null : choice.webSocketUrl;
  const dialect = backend.demo ? INTAKE_DIALECT : (choice.dialect ?? INTAKE_DIALECT);
  return Object.freeze({
    baseUrl: backend.baseUrl,
    wsUrl: override ?? (isSocketIoDialect(dialect) ? deriveSocketIoUrl(backend.baseUrl) : deriveWebSocketUrl(backend.baseUrl)),
    dialect,
    token: backend.demo ? (backend.token ?? null) : choice.token,
    demo: backend.demo,
    identity: backend.demo ? 'demo' : canonicalServerUrl(backend.baseUrl),
    network,
  });
}
