/**
 * The preload (bundled to CommonJS: sandboxed preloads cannot be ES modules): exposes the panel
 * API as `window.telemetry` through contextBridge. Only these functions cross the bridge, never
 * ipcRenderer itself; a failed call rejects with a plain `{ code, message }` (contextBridge keeps
 * plain objects intact, but would drop an Error's `code`).
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { TRANSPORT, createPanelApi, type CallReply, type ExportProgress, type TelemetryBridge } from './panel-api.ts';

const bridge: TelemetryBridge = {
  ...createPanelApi((method, args) => ipcRenderer.invoke(TRANSPORT.callChannel, { method, args }) as Promise<CallReply>),
  onExportProgress(listener) {
    const handler = (_event: IpcRendererEvent, progress: ExportProgress): void => listener(progress);
    ipcRenderer.on(TRANSPORT.progressChannel, handler);
    return () => {
      ipcRenderer.removeListener(TRANSPORT.progressChannel, handler);
    };
  },
};

contextBridge.exposeInMainWorld('telemetry', bridge);
