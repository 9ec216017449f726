/**
 * What the window's script is made of: the renderer built by Vite with the
 * app's own renderer config, in memory. It carries no schema library. The
 * page checks its forms with the plain rules in shared/ (chartNumber.ts,
 * serverUrl.ts, settingsProblems.ts) and main validates every call; zod there
 * was a fifth of the script the window parses before it paints its first rows.
 */
import { describe, expect, it } from 'vitest';
import { buildWindow } from '../support/buildWindow';

describe("the window's script", () => {
  it('holds no module of zod, in its first chunk or any it loads later', async () => {
    const chunks = await buildWindow('memory');
    const entry = chunks.find((chunk) => chunk.isEntry);
    expect(entry?.modules, 'the build has an entry chunk').toBeDefined();
    expect(Object.keys(entry!.modules).some((id) => id.endsWith('src/renderer/main.tsx'))).toBe(true);
    const zodModules = chunks.flatMap((chunk) => Object.keys(chunk.modules).filter((id) => id.includes('/node_modules/zod/')).map((id) => `${chunk.fileName}: ${id}`));
    expect(zodModules).toEqual([]);
  });
});
