/** A server's URLs as PROTOCOL.md "Base URLs" derives them. Plain code, no schema library: the window loads it. */

/** A base URL or path without its trailing slashes, ready for `${base}/documents/...`. */
export function withoutTrailingSlashes(text: string): string {
  return text.replace(/\/+$/, '');
}

/** The REST base and the WebSocket URL derived from it (PROTOCOL.md "Base URLs"). */
export function deriveWebSocketUrl(restBase: string): string {
  const url = new URL(restBase);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.pathname = `${withoutTrailingSlashes(url.pathname)}/ws`;
  url.search = '';
  url.hash = '';
  return url.toString();
}

/** A server URL however written (scheme/host case, default port, trailing slash) as one name; unparseable text stays as it is. */
export function canonicalServerUrl(baseUrl: string): string {
  if (!URL.canParse(baseUrl)) return baseUrl;
  const url = new URL(baseUrl);
  return `${url.origin}${withoutTrailingSlashes(url.pathname)}`;
}
