/** Entry: one store fed by `window.intake`, one React root. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { IntakeBridge } from '../shared/ipc';
import { App } from './components/App';
import { IntakeStore } from './store/intakeStore';
import { IntakeContext } from './store/useIntake';
import './styles/app.css';

declare global {
  interface Window {
    intake: IntakeBridge;
  }
}

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root element');

const bridge = window.intake;
const store = new IntakeStore(bridge);
void store.start();

createRoot(root).render(
  <StrictMode>
    <IntakeContext.Provider value={{ store, bridge }}>
      <App />
    </IntakeContext.Provider>
  </StrictMode>,
);
