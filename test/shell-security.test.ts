/**
 * The main process's sender check with fake IPC events: a call is accepted only from the panel
 * window's own main frame while it shows the app's page (telemetry://panel/...), never from a
 * subframe, another renderer process, a navigated page or a destroyed window.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { APP_URL, isAppUrl, isTrustedSender, type FrameIdentity } from '../electron/window/security.ts';

const mainFrame: FrameIdentity = { processId: 7, routingId: 1, url: APP_URL };

function eventFrom(frame: Partial<FrameIdentity> | null): { senderFrame: FrameIdentity | null } {
  return { senderFrame: frame === null ? null : { ...mainFrame, ...frame } };
}

test('the window main frame showing the app page is trusted', () => {
  assert.equal(isTrustedSender(eventFrom({}), mainFrame), true);
  assert.equal(isTrustedSender(eventFrom({ url: 'telemetry://panel/#/settings' }), mainFrame), true);
});

test('other frames, processes and pages are refused', () => {
  const refused: [string, { senderFrame: FrameIdentity | null }, FrameIdentity | null][] = [
    ['a subframe', eventFrom({ routingId: 2 }), mainFrame],
    ['another renderer process', eventFrom({ processId: 8 }), mainFrame],
    ['a remote page in the main frame', eventFrom({ url: 'https://evil.example/' }), mainFrame],
    ['a file page', eventFrom({ url: 'file:///tmp/index.html' }), mainFrame],
    ['another host of the app scheme', eventFrom({ url: 'telemetry://other/index.html' }), mainFrame],
    ['a lookalike scheme', eventFrom({ url: 'telemetryx://panel/index.html' }), mainFrame],
    ['an unparsable URL', eventFrom({ url: 'not a url' }), mainFrame],
    ['a frame already gone', eventFrom(null), mainFrame],
    ['a destroyed window', eventFrom({}), null],
  ];
  for (const [what, event, frame] of refused) assert.equal(isTrustedSender(event, frame), false, what);
});

test('isAppUrl recognises only telemetry://panel/', () => {
  assert.equal(isAppUrl(APP_URL), true);
  assert.equal(isAppUrl('http://panel/index.html'), false);
  assert.equal(isAppUrl('telemetry://panel.evil.example/'), false);
});
