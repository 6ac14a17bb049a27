/**
 * Alerting in the shell, on a real store on disk: the notification policy with a recording Notifier
 * (the interface the app's Electron notifier and the preview's browser notifier implement): a
 * firing warning or critical incident notified once, also across a restart, never when turned off,
 * within quiet hours, for info or pending incidents; its text in the metric's unit; clicking opens
 * the incident; the app's notifier shows Electron's native notification. Through the host's
 * dispatcher (zod first): the alerting calls work, a saved rule is evaluated at once and its
 * notification event is emitted once; malformed calls are refused.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { dataPaths } from '../electron/host/data-dir.ts';
import type { HostEvent, HostReply } from '../electron/host/host-protocol.ts';
import { openHostService, type HostService } from '../electron/host/host-service.ts';
import { IncidentNotifications, inQuietHours } from '../electron/host/incident-notifications.ts';
import { ElectronNotifier, type NativeNotificationClass } from '../electron/window/electron-notifier.ts';
import { TimeSeriesStorage, type AlertRule } from '../storage/src/index.ts';
import type { IncidentNotice, Notifier } from '../shared/notifications.ts';

const MINUTE = 60_000;
const NOW = Date.UTC(2026, 5, 15, 12, 0, 0);
const MIB = 1024 * 1024;

/** A Notifier that records what it is asked to show, and can click it. */
class RecordingNotifier implements Notifier {
  readonly shown: { notice: IncidentNotice; click: () => void }[] = [];
  notify(notice: IncidentNotice, onClick: () => void): void {
    this.shown.push({ notice, click: onClick });
  }
}

const memoryRule: AlertRule = {
  name: 'host memory',
  metricName: 'process_resident_memory_bytes',
  labels: { process: 'host' },
  op: '>',
  threshold: 500 * MIB,
  forSeconds: 0,
  severity: 'critical',
};

/** Ten minutes of host memory at 600 MiB, ending at NOW. */
const memorySamples = Array.from({ length: 10 }, (_, i) => ({
  name: 'process_resident_memory_bytes',
  labels: { process: 'host' },
  timestamp: NOW - (10 - i) * MINUTE,
  value: 600 * MIB,
}));

describe('incident notifications (recording notifier)', () => {
  let dir: string;
  let store: TimeSeriesStorage;
  let clock: number;
  let notifier: RecordingNotifier;
  let opened: number[];
  const policy = () =>
    new IncidentNotifications({
      store,
      notifier,
      open: (id) => opened.push(id),
      unitOf: () => 'bytes',
      now: () => clock,
    });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shell-alerts-'));
    clock = NOW;
    store = new TimeSeriesStorage({ dbPath: join(dir, 'telemetry.db'), now: () => clock });
    notifier = new RecordingNotifier();
    opened = [];
    await store.insertSamples(memorySamples);
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('notifies a firing incident once, also after a restart; clicking opens it', async () => {
    store.saveAlertRule(memoryRule);
    const incidents = await store.evaluateAlertRules();
    assert.equal(incidents.length, 1);
    assert.equal(policy().consider(incidents), 1);
    assert.equal(policy().consider(incidents), 0, 'the same incident again');
    store.close();
    store = new TimeSeriesStorage({ dbPath: join(dir, 'telemetry.db'), now: () => clock });
    assert.equal(policy().consider(store.listIncidents()), 0, 'remembered in the store');
    assert.equal(notifier.shown.length, 1);
    const [{ notice, click }] = notifier.shown as [(typeof notifier.shown)[number]];
    assert.equal(notice.incidentId, incidents[0]!.id);
    assert.equal(notice.severity, 'critical');
    assert.equal(notice.title, 'Critical: host memory');
    assert.match(
      notice.body,
      /^process_resident_memory_bytes\{process="host"\} above 500 MiB since .*\(ongoing\); peak 600 MiB$/,
    );
    click();
    assert.deepEqual(opened, [incidents[0]!.id]);
  });

  test('nothing when turned off, within quiet hours, for info or pending incidents; not later either', async () => {
    const local = new Date(NOW);
    const hhmm = (d: Date) => `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
    const quiet = { from: hhmm(new Date(NOW - 30 * MINUTE)), to: hhmm(new Date(NOW + 30 * MINUTE)) };
    assert.equal(inQuietHours(local.getTime(), quiet), true, 'premise');

    store.saveAlertRule({ ...memoryRule, name: 'off' });
    policy().setSettings({ enabled: false, quietHours: null });
    assert.equal(policy().consider(await store.evaluateAlertRules()), 0);

    store.saveAlertRule({ ...memoryRule, name: 'quiet' });
    policy().setSettings({ enabled: true, quietHours: quiet });
    assert.deepEqual(policy().settings(), { enabled: true, quietHours: quiet });
    assert.equal(policy().consider(await store.evaluateAlertRules()), 0);

    store.saveAlertRule({ ...memoryRule, name: 'info', severity: 'info' });
    store.saveAlertRule({ ...memoryRule, name: 'pending', forSeconds: 3600 });
    policy().setSettings({ enabled: true, quietHours: null });
    const later = await store.evaluateAlertRules();
    assert.deepEqual(later.map((i) => [i.ruleName, i.state]).sort(), [
      ['info', 'firing'],
      ['pending', 'pending'],
    ]);
    assert.equal(policy().consider([...later, ...store.listIncidents()]), 0, 'nor the ones suppressed before');
    assert.deepEqual(notifier.shown, []);
  });

  test('quiet hours span midnight when they end before they start', () => {
    const at = (h: number, m: number) => new Date(2026, 5, 15, h, m).getTime();
    const night = { from: '22:00', to: '07:30' };
    assert.deepEqual(
      [at(21, 59), at(22, 0), at(3, 0), at(7, 29), at(7, 30), at(12, 0)].map((t) => inQuietHours(t, night)),
      [false, true, true, true, false, false],
    );
    assert.equal(inQuietHours(at(12, 0), { from: '12:00', to: '12:00' }), false, 'an empty span');
    assert.equal(inQuietHours(at(12, 0), null), false);
  });
});

describe("the app's notifier", () => {
  /** Electron's Notification as main sees it: what was shown, and its click listeners. */
  function nativeNotifications(supported: boolean) {
    const shown: { options: { title: string; body: string; urgency?: string }; click?: () => void }[] = [];
    const Native = class {
      private readonly entry: (typeof shown)[number];
      constructor(options: { title: string; body: string; urgency?: 'normal' | 'critical' }) {
        this.entry = { options };
      }
      static isSupported(): boolean {
        return supported;
      }
      on(_event: 'click', listener: () => void): this {
        this.entry.click = listener;
        return this;
      }
      show(): void {
        shown.push(this.entry);
      }
    } satisfies NativeNotificationClass;
    return { Native, shown };
  }
  const notice: IncidentNotice = { incidentId: 7, severity: 'critical', title: 'Critical: x', body: 'x above 1' };

  test('shows a native notification with the notice, urgent when critical; a click opens the incident', () => {
    const { Native, shown } = nativeNotifications(true);
    const opened: number[] = [];
    new ElectronNotifier(Native).notify(notice, () => opened.push(notice.incidentId));
    new ElectronNotifier(Native).notify({ ...notice, severity: 'warning' }, () => undefined);
    assert.deepEqual(
      shown.map((s) => s.options),
      [
        { title: 'Critical: x', body: 'x above 1', urgency: 'critical' },
        { title: 'Critical: x', body: 'x above 1', urgency: 'normal' },
      ],
    );
    shown[0]!.click!();
    assert.deepEqual(opened, [7]);
  });

  test('shows nothing where the system has no notifications', () => {
    const { Native, shown } = nativeNotifications(false);
    new ElectronNotifier(Native).notify(notice, () => undefined);
    assert.deepEqual(shown, []);
  });
});

describe('alerting panel calls (through the dispatcher)', () => {
  let dir: string;
  let service: HostService;
  const events: HostEvent[] = [];
  let nextId = 1;
  const call = (method: string, ...args: unknown[]): Promise<HostReply> =>
    service.dispatch({ id: nextId++, method, args });
  const ok = async (method: string, ...args: unknown[]): Promise<unknown> => {
    const reply = await call(method, ...args);
    assert.ok(reply.ok, `${method} failed: ${JSON.stringify(!reply.ok && reply.error)}`);
    return reply.result;
  };
  const notifications = () =>
    events.flatMap((e) => (e.event === 'panel' && e.panelEvent.name === 'incident-notification' ? [e.panelEvent] : []));

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shell-alert-calls-'));
    service = openHostService({
      paths: dataPaths(dir),
      emit: (event) => events.push(event),
      now: () => NOW,
      jobTimings: null,
      collectEveryMs: null,
    });
    await service.store.insertSamples(memorySamples);
  });
  after(async () => {
    await service.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a saved rule is evaluated at once and notified once; rules, incidents and settings round-trip', async () => {
    const preview = (await ok('previewAlertRule', memoryRule, { start: NOW - 7 * 86_400_000, end: NOW })) as unknown[];
    assert.equal(preview.length, 1);
    const saved = (await ok('saveAlertRule', memoryRule)) as AlertRule;
    assert.equal(notifications().length, 1);
    await ok('saveAlertRule', { ...saved, name: 'renamed' });
    assert.equal(notifications().length, 1, 'the same incident is not notified again');
    assert.deepEqual(
      ((await ok('listAlertRules')) as AlertRule[]).map((r) => r.name),
      ['renamed'],
    );
    const [incident] = (await ok('listIncidents', { state: 'firing' })) as { id: number; acknowledged: boolean }[];
    assert.equal(notifications()[0]?.payload.incidentId, incident?.id);
    await ok('acknowledgeIncident', incident!.id);
    assert.equal(((await ok('listIncidents')) as { acknowledged: boolean }[])[0]?.acknowledged, true);
    const settings = { enabled: false, quietHours: { from: '22:00', to: '07:00' } };
    assert.deepEqual(await ok('setNotificationSettings', settings), settings);
    assert.deepEqual(await ok('getNotificationSettings'), settings);
    assert.deepEqual(await ok('getAlertingStatus'), { baselines: 0, nextBaselinesAt: null });
    await ok('deleteAlertRule', saved.id);
    assert.deepEqual(await ok('listAlertRules'), []);
  });

  test('malformed calls are INVALID_ARGUMENT and change nothing', async () => {
    const bad: [string, unknown[]][] = [
      ['saveAlertRule', [{ ...memoryRule, threshold: 'high' }]],
      ['saveAlertRule', [{ ...memoryRule, op: '>=' }]],
      ['saveAlertRule', [{ ...memoryRule, fn: 'quantile' }]],
      ['saveAlertRule', [{ ...memoryRule, extra: 1 }]],
      ['saveAlertRule', [{ ...memoryRule, fn: 'rate' }]], // a rate of a gauge: the engine refuses it
      ['previewAlertRule', [memoryRule, { start: NOW, end: NOW - 1 }]],
      ['deleteAlertRule', [0]],
      ['deleteAlertRule', [12345]],
      ['acknowledgeIncident', ['1']],
      ['listIncidents', [{ state: 'open' }]],
      ['setNotificationSettings', [{ enabled: true, quietHours: { from: '25:00', to: '07:00' } }]],
    ];
    for (const [method, args] of bad) {
      const reply = await call(method, ...args);
      assert.ok(!reply.ok && reply.error.code === 'INVALID_ARGUMENT', `${method} ${JSON.stringify(args)}`);
    }
    assert.deepEqual(await ok('listAlertRules'), []);
  });
});
