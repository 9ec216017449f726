/**
 * Reading a PAC-style answer, as Electron's session.resolveProxy gives it
 * ("PROXY host:port; HTTPS host:port; DIRECT"): the first entry Intake can use
 * wins. SOCKS entries are passed over (no SOCKS agent here); an answer with
 * nothing usable but SOCKS goes direct, which the caller may report.
 */
import type { ProxyResolver } from './network';

export function proxyFromPacAnswer(answer: string): string | null {
  for (const entry of answer.split(';')) {
    const [kind, address] = entry.trim().split(/\s+/);
    const type = (kind ?? '').toUpperCase();
    if (type === 'DIRECT') return null;
    if ((type === 'PROXY' || type === 'HTTP') && address) return `http://${address}`;
    if (type === 'HTTPS' && address) return `https://${address}`;
  }
  return null;
}

/** A resolver over any `resolveProxy(url) → PAC answer` (Electron's session). */
export function pacResolver(resolveProxy: (url: string) => Promise<string>): ProxyResolver {
  return async (url) => proxyFromPacAnswer(await resolveProxy(url.href));
}
