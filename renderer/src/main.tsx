/**
 * Entry point: in the browser preview (no Electron preload) installs the HTTP bridge that defines
 * `window.telemetry`, then mounts the panel behind the store gate (the recovery screen when the
 * store cannot be opened).
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { hasTelemetry } from './lib/api.ts';
import { installHttpBridge } from './bridge/http-bridge.ts';
import { App } from './App.tsx';
import { StoreGate } from './recovery/StoreGate.tsx';
import './styles.css';

if (!hasTelemetry()) installHttpBridge();

const root = document.getElementById('root');
if (root === null) throw new Error('index.html lacks #root');
createRoot(root).render(
  <StrictMode>
    <StoreGate>
      <App />
    </StoreGate>
  </StrictMode>,
);
