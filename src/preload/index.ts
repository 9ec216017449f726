/**
 * The preload: exposes the typed bridge as `window.intake` and nothing else.
 * Bundled into one CommonJS file (a sandboxed preload cannot load modules).
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { createIntakeBridge } from './bridge';

contextBridge.exposeInMainWorld('intake', createIntakeBridge(ipcRenderer, webUtils));
