/**
 * The host's entry check: every request is parsed (envelope, then the method's argument tuple from
 * panel-schemas.ts) before a handler runs, and every outcome becomes a reply. A malformed call gets
 * INVALID_ARGUMENT and changes nothing; an unknown method too; a handler's failure its typed code.
 * A malformed envelope is answered under its own id whenever it carries a usable one, so the
 * caller waiting for that id gets the error rather than its deadline.
 */
import { z } from 'zod';
import type { PanelApi } from '../../shared/panel-api.ts';
import type { HostApi, HostReply } from './host-protocol.ts';
import { HOST_SCHEMAS, PANEL_SCHEMAS } from './panel-schemas.ts';
import { ShellError, toErrorPayload } from './shell-errors.ts';

const envelope = z.strictObject({
  id: z.int().min(0),
  method: z.string().max(100),
  args: z.array(z.unknown()).max(8),
});

/** Just the id of an envelope that may be malformed otherwise (-1, which no caller waits for, when it has none). */
const requestId = z.object({ id: z.int().min(0) });
const NO_ID = -1;

const SCHEMAS: Record<string, z.ZodType<unknown[]>> = { ...PANEL_SCHEMAS, ...HOST_SCHEMAS };

export type Dispatcher = (request: unknown) => Promise<HostReply>;

type Handler = (...args: unknown[]) => Promise<unknown>;

export function createDispatcher(panel: PanelApi, host: HostApi): Dispatcher {
  const handlers = { ...panel, ...host } as unknown as Record<string, Handler>;
  return async (request) => {
    const parsed = envelope.safeParse(request);
    const id = parsed.success ? parsed.data.id : (requestId.safeParse(request).data?.id ?? NO_ID);
    try {
      if (!parsed.success)
        throw new ShellError('INVALID_ARGUMENT', `malformed request: ${z.prettifyError(parsed.error)}`);
      const { method, args } = parsed.data;
      const schema = Object.hasOwn(SCHEMAS, method) ? SCHEMAS[method] : undefined;
      const handler = handlers[method];
      if (!schema || !handler) throw new ShellError('INVALID_ARGUMENT', `unknown method ${JSON.stringify(method)}`);
      const checked = schema.safeParse(args);
      if (!checked.success) {
        throw new ShellError('INVALID_ARGUMENT', `${method}: ${z.prettifyError(checked.error)}`);
      }
      return { id, ok: true, result: await handler(...checked.data) };
    } catch (err) {
      return { id, ok: false, error: toErrorPayload(err) };
    }
  };
}
