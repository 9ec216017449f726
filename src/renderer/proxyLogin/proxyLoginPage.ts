/**
 * The proxy sign-in dialog's page: asks for the user name and password a
 * proxy wants, and hands them to main through `window.proxyLogin` (its own
 * preload). It never sees the Intake bridge, and Intake's page never sees it.
 */
import type { ProxyLoginBridge } from '../../shared/proxyLogin';
import './proxyLogin.css';

declare global {
  interface Window {
    proxyLogin: ProxyLoginBridge;
  }
}

const form = document.getElementById('proxy-login') as HTMLFormElement;
const why = document.getElementById('proxy-login-why') as HTMLElement;
const problem = document.getElementById('proxy-login-problem') as HTMLElement;
const user = document.getElementById('proxy-user') as HTMLInputElement;
const password = document.getElementById('proxy-password') as HTMLInputElement;

void window.proxyLogin.details().then((details) => {
  why.textContent = details.refused
    ? `The proxy ${details.proxy} did not accept the user name or password. Enter them again.`
    : `The proxy ${details.proxy} wants a user name and password before Intake can reach its server.`;
  user.focus();
});

form.addEventListener('submit', (event) => {
  event.preventDefault();
  void window.proxyLogin.submit({ username: user.value, password: password.value }).then((wrong) => {
    problem.textContent = wrong ?? '';
  });
});
(document.getElementById('proxy-cancel') as HTMLButtonElement).addEventListener('click', () => void window.proxyLogin.cancel());
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape') void window.proxyLogin.cancel();
});
