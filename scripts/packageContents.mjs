/**
 * What a packaged Intake must hold, and what it must not: checked over the
 * file list of app.asar (and the tray icons electron-builder puts beside it
 * as extraResources). Pure: a list in, problems out.
 */

/** @param {{ asarFiles: string[], resourceFiles: string[], packageJson: { dependencies?: Record<string,string>, devDependencies?: Record<string,string> } }} input */
export function packageProblems({ asarFiles, resourceFiles, packageJson }) {
  const files = new Set(asarFiles.map((file) => file.replace(/\\/g, '/')));
  const problems = [];
  const required = [
    ['/package.json', 'the package manifest'],
    ['/out/main/index.js', 'the built main process'],
    ['/out/main/coreHost.js', "the core's own process (utilityProcess entry)"],
    ['/out/preload/index.cjs', 'the built preload'],
    ['/out/renderer/index.html', 'the built renderer'],
    ['/out/server/index.js', 'the demo (reference) server'],
  ];
  for (const [file, what] of required) if (!files.has(file)) problems.push(`missing ${what}: ${file}`);
  if (![...files].some((file) => /^\/out\/renderer\/assets\/[^/]+\.js$/.test(file))) problems.push("missing the renderer's script: /out/renderer/assets/*.js");
  for (const name of Object.keys(packageJson.dependencies ?? {})) {
    if (!files.has(`/node_modules/${name}/package.json`)) problems.push(`missing the runtime dependency ${name}: /node_modules/${name}/package.json`);
  }
  for (const icon of ['idle', 'working', 'error', 'offline']) {
    if (!resourceFiles.includes(`tray/${icon}.png`)) problems.push(`missing the tray icon resources/tray/${icon}.png`);
  }
  for (const folder of ['/src/', '/test/', '/bench/']) {
    const found = [...files].find((file) => file.startsWith(folder));
    if (found) problems.push(`holds development files: ${found}`);
  }
  for (const name of Object.keys(packageJson.devDependencies ?? {})) {
    if ([...files].some((file) => file.startsWith(`/node_modules/${name}/`))) problems.push(`holds the development dependency ${name}`);
  }
  const map = [...files].find((file) => file.startsWith('/out/') && file.endsWith('.map'));
  if (map) problems.push(`holds a source map: ${map}`);
  return problems;
}
