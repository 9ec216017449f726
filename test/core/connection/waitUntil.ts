/**
 * Waits for a condition by polling it on real time, with a generous overall
 * limit: a loaded 2-core CI machine may be slow, and a fixed sleep would
 * either flake or waste time.
 */
export async function waitUntil(predicate: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
