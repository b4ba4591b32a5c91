import { describe, expect, it } from 'vitest';
import { approvalNotice } from '../../../electron/main/approval-notice.ts';

describe('the desktop notification of a call that waits for approval', () => {
  it('says who asks for which tool and when it is refused, and keeps the arguments out', () => {
    const now = 1_000_000;
    const notice = approvalNotice({ id: 'a', time: now, client: 'cursor', server: 'github', tool: 'github__delete_repo', arguments: { repo: 'secret-plans' }, deadline: now + 120_000 }, now);
    expect(notice).toEqual({ title: 'cursor asks to run github__delete_repo', body: 'Server github. Open MCP Switchboard to approve or deny; refused in 120 s if nobody answers.' });
    expect(JSON.stringify(notice)).not.toContain('secret-plans');
  });
});
