/**
 * The proxy sign-in dialog's own bridge (a small window of main's, not the
 * Intake page): its preload exposes `window.proxyLogin` with exactly these
 * calls, and main answers them only for that window. No zod here: the
 * dialog's preload bundles this file alone.
 */
export const PROXY_LOGIN_CHANNELS = {
  details: 'intake-proxy-login:details',
  submit: 'intake-proxy-login:submit',
  cancel: 'intake-proxy-login:cancel',
} as const;

/** What the dialog shows: which proxy asks, and whether the last credentials were refused. */
export interface ProxyLoginDetails {
  proxy: string;
  refused: boolean;
}

export interface ProxyLoginAnswer {
  username: string;
  password: string;
}

export interface ProxyLoginBridge {
  details(): Promise<ProxyLoginDetails>;
  /** Resolves with null when accepted (the window closes), else with what is wrong with the answer. */
  submit(answer: ProxyLoginAnswer): Promise<string | null>;
  cancel(): Promise<void>;
}

/** Why an answer cannot be used for Basic auth, or null. */
export function proxyLoginAnswerProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return 'Enter the user name and password for the proxy.';
  const { username, password } = value as Record<string, unknown>;
  if (typeof username !== 'string' || typeof password !== 'string') return 'Enter the user name and password for the proxy.';
  if (Object.keys(value).some((key) => key !== 'username' && key !== 'password')) return 'Enter the user name and password for the proxy.';
  if (username.trim() === '') return 'Enter the user name for the proxy.';
  // Basic auth joins the two with a colon: a user name cannot hold one.
  if (username.includes(':')) return 'A proxy user name cannot contain ":".';
  if (username.length > 256 || password.length > 1024) return 'The user name or password is too long.';
  return null;
}
