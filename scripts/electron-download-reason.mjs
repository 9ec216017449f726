/**
 * Preloaded (`node --import`) into Electron's installer by
 * electron-binary-probe.mjs. When the download cannot connect, fetch throws
 * "fetch failed" and the installer prints only that; the cause it hides
 * (refused, host not found, certificate, timeout) and the URL it tried are
 * what a user can act on, so the error is re-thrown with both in its message.
 */
const realFetch = globalThis.fetch;

globalThis.fetch = async (input, init) => {
  try {
    return await realFetch(input, init);
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : null;
    if (!cause) throw error;
    const url = input instanceof Request ? input.url : String(input);
    throw new Error(`${cause}, fetching ${url}`, { cause: error });
  }
};
