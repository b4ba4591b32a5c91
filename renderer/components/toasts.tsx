import { useApp } from '../store/index.ts';

export function Toasts() {
  const toasts = useApp((s) => s.app.toasts);
  const dismiss = useApp((s) => s.app.dismissToast);
  return (
    <div className="toasts" aria-live="polite">
      {toasts.map((toast) => (
        <div key={toast.id} className={`toast ${toast.kind}`} role={toast.kind === 'error' ? 'alert' : 'status'}>
          <span className="grow">
            {toast.message}
            {toast.count > 1 && <span className="muted"> ×{toast.count}</span>}
          </span>
          <button type="button" className="small" aria-label="Dismiss" onClick={() => dismiss(toast.id)}>
            ✕
          </button>
        </div>
      ))}
    </div>
  );
}
