/**
 * Entry point: in the browser preview (no Electron preload) installs the HTTP bridge that defines
 * `window.telemetry`, then mounts the panel.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { hasTelemetry } from './lib/api.ts';
import { installHttpBridge } from './bridge/http-bridge.ts';
import { App } from './App.tsx';
import './styles.css';

if (!hasTelemetry()) installHttpBridge();

const root = document.getElementById('root');
if (root === null) throw new Error('index.html lacks #root');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
