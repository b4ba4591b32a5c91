import type { Approval } from '../../shared/access.ts';

/**
 * The desktop notification for a call that waits for the person: who asks for what, and until when. The arguments
 * stay in the window (a notification is seen by anyone near the screen, and is kept by the OS).
 */
export function approvalNotice(approval: Approval, now = Date.now()): { title: string; body: string } {
  const seconds = Math.max(0, Math.round((approval.deadline - now) / 1000));
  return {
    title: `${approval.client} asks to run ${approval.tool}`,
    body: `Server ${approval.server}. Open MCP Switchboard to approve or deny; refused in ${seconds} s if nobody answers.`,
  };
}
