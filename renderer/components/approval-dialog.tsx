import { useApp } from '../store/index.ts';
import { JsonView, Modal, useNow } from './common.tsx';

/**
 * A client's call that waits for the person ("ask" in its policy): who asks, for which tool of which server, with
 * what arguments (secrets hidden), and how long until it is refused. Enter approves once; Escape denies.
 */
export function ApprovalDialog() {
  const approval = useApp((s) => s.access.approvals[0]);
  const waiting = useApp((s) => s.access.approvals.length);
  const answer = useApp((s) => s.access.answer);
  const now = useNow(500);
  if (!approval) return null;
  const left = Math.max(0, Math.ceil((approval.deadline - now) / 1000));
  return (
    <Modal
      key={approval.id}
      title={`${approval.client} wants to call ${approval.tool}`}
      onClose={() => void answer(approval.id, 'deny')}
      footer={
        <>
          <span className="muted" data-testid="approval-countdown">
            Refused in {left} s if nobody answers{waiting > 1 ? ` · ${waiting - 1} more waiting` : ''}
          </span>
          <span className="spacer" />
          <button type="button" className="danger" onClick={() => void answer(approval.id, 'deny')}>
            Deny <kbd>Esc</kbd>
          </button>
          <button type="button" onClick={() => void answer(approval.id, 'always')} title={`Adds a rule to the profile of ${approval.client}: this tool runs without asking from now on`}>
            Always for {approval.client}
          </button>
          <button type="button" className="primary" autoFocus onClick={() => void answer(approval.id, 'once')}>
            Approve once <kbd>Enter</kbd>
          </button>
        </>
      }
    >
      <div className="stack" data-approval={approval.id}>
        <p style={{ margin: 0 }}>
          The client <strong>{approval.client}</strong> asks to run <code>{approval.tool}</code> of the server <strong>{approval.server}</strong>. Its policy says to ask first (a tool that changes or deletes things, or reaches outside).
        </p>
        <JsonView value={approval.arguments} label="Arguments" />
      </div>
    </Modal>
  );
}
