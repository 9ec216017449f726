/**
 * The preload of the proxy sign-in dialog (a window of main's own): exposes
 * `window.proxyLogin` and nothing else. Bundled on its own into one CommonJS file.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { PROXY_LOGIN_CHANNELS, type ProxyLoginAnswer, type ProxyLoginBridge } from '../shared/proxyLogin';

const bridge: ProxyLoginBridge = {
  details: () => ipcRenderer.invoke(PROXY_LOGIN_CHANNELS.details),
  submit: (answer: ProxyLoginAnswer) => ipcRenderer.invoke(PROXY_LOGIN_CHANNELS.submit, { username: String(answer?.username ?? ''), password: String(answer?.password ?? '') }),
  cancel: () => ipcRenderer.invoke(PROXY_LOGIN_CHANNELS.cancel),
};

contextBridge.exposeInMainWorld('proxyLogin', bridge);
