/**
 * The shared event channels (shared/events.ts): listeners by name, unsubscription, and the hooks a
 * transport uses to listen only while someone does; and the shared wire error check.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isPanelError } from '../shared/errors.ts';
import { EventHub, isPanelEventName, type ExportProgress } from '../shared/events.ts';

describe('EventHub', () => {
  test('delivers an event to the listeners of its name only, until they unsubscribe', () => {
    const hooks: string[] = [];
    const hub = new EventHub({ onActive: () => hooks.push('active'), onIdle: () => hooks.push('idle') });
    const a: ExportProgress[] = [];
    const b: ExportProgress[] = [];
    const offA = hub.on('export-progress', (p) => a.push(p));
    const offB = hub.on('export-progress', (p) => b.push(p));
    hub.emit({ name: 'export-progress', payload: { done: 1, total: 2 } });
    offA();
    offA();
    hub.emit({ name: 'export-progress', payload: { done: 2, total: 2 } });
    offB();
    hub.emit({ name: 'export-progress', payload: { done: 3, total: 3 } });
    assert.deepEqual(a, [{ done: 1, total: 2 }]);
    assert.deepEqual(b, [
      { done: 1, total: 2 },
      { done: 2, total: 2 },
    ]);
    assert.deepEqual(
      hooks,
      ['active', 'idle'],
      'active at the first listener, idle after the last, however often one unsubscribes',
    );
  });

  test('knows the event names and the error shape that cross the wire', () => {
    assert.equal(isPanelEventName('export-progress'), true);
    assert.equal(isPanelEventName('toString'), false);
    assert.equal(isPanelEventName(undefined), false);
    assert.equal(isPanelError({ code: 'BUSY', message: 'an export is already running' }), true);
    assert.equal(isPanelError(new Error('plain')), false);
    assert.equal(isPanelError(null), false);
  });
});
