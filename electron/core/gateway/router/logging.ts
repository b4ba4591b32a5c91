import { ProtocolError, ProtocolErrorCode, type LoggingLevel } from '@modelcontextprotocol/server';
import type { Handlers, RouteDeps } from './router.ts';

const LEVELS: readonly LoggingLevel[] = ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'];

/** logging/setLevel: the session's own level; upstreams log at the most verbose level any session asked for. */
export function loggingHandlers(deps: RouteDeps): Handlers {
  return {
    'logging/setLevel': async (ctx) => {
      const level = ctx.params.level as LoggingLevel;
      if (!LEVELS.includes(level)) throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Invalid params: level must be one of ${LEVELS.join(', ')}`);
      await deps.sessions.setLogLevel(ctx.caller.session, level);
      return {};
    },
  };
}
