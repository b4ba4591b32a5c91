import type { DialogRequest } from '../../shared/contract.ts';
import { call } from './call.ts';
import type { SliceContext } from './types.ts';

export interface DialogsSlice {
  queue: DialogRequest[];
  push(request: DialogRequest): void;
  remove(requestId: string): void;
  respond(requestId: string, response: Record<string, unknown>): Promise<void>;
}

export function createDialogsSlice({ api, get, patch }: SliceContext): DialogsSlice {
  return {
    queue: [],
    push: (request) => patch('dialogs', (dialogs) => ({ queue: [...dialogs.queue, request] })),
    remove: (requestId) => patch('dialogs', (dialogs) => ({ queue: dialogs.queue.filter((request) => request.requestId !== requestId) })),
    respond: async (requestId, response) => {
      get().dialogs.remove(requestId);
      await get().app.attempt('answer the server', () => call(api, 'dialogs.respond', { requestId, response }));
    },
  };
}
