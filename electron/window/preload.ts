/**
 * The preload (bundled to CommonJS: sandboxed preloads cannot be ES modules): exposes the panel
 * API as `window.telemetry` through contextBridge. Only these functions cross the bridge, never
 * ipcRenderer itself; a failed call rejects with a plain `{ code, message }` (contextBridge keeps
 * plain objects intact, but would drop an Error's `code`). The host's events arrive on one IPC
 * channel and are fanned out by name; the channel is listened to only while someone subscribes.
 * The recovery calls (a store that cannot open) travel on their own channel, answered by main.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { EventHub, isPanelEventName, type PanelEvent } from '../../shared/events.ts';
import { TRANSPORT, createPanelApi, type CallReply, type TelemetryBridge } from '../../shared/panel-api.ts';
import { createRecoveryApi } from '../../shared/store-recovery.ts';

const deliver = (_event: IpcRendererEvent, panelEvent: PanelEvent): void => {
  if (isPanelEventName(panelEvent?.name)) events.emit(panelEvent);
};

const events: EventHub = new EventHub({
  onActive: () => ipcRenderer.on(TRANSPORT.eventChannel, deliver),
  onIdle: () => ipcRenderer.removeListener(TRANSPORT.eventChannel, deliver),
});

const bridge: TelemetryBridge = {
  ...createPanelApi(
    (method, args) => ipcRenderer.invoke(TRANSPORT.callChannel, { method, args }) as Promise<CallReply>,
  ),
  on: events.on,
  recovery: createRecoveryApi(
    (method, args) => ipcRenderer.invoke(TRANSPORT.recoveryChannel, { method, args }) as Promise<CallReply>,
  ),
};

contextBridge.exposeInMainWorld('telemetry', bridge);
