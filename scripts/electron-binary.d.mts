/** Types of electron-binary.mjs for the TypeScript tests that import it. */
export type ElectronBinary = { ok: true; path: string } | { ok: false; message: string };

export function resolveElectronBinary(options?: {
  root?: string;
  env?: NodeJS.ProcessEnv;
  onNotice?: (text: string) => void;
}): Promise<ElectronBinary>;
