// @vitest-environment jsdom
// The window's dialogs: where focus starts, and that Tab and Escape stay with the dialog.
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Modal } from '../../renderer/components/common.tsx';

afterEach(cleanup);

function renderModal() {
  const onClose = vi.fn();
  render(
    <>
      <button type="button">Behind the dialog</button>
      <Modal title="Add a server" onClose={onClose} footer={<button type="button">Add</button>}>
        <button type="button">Fields</button>
        <label>
          Name <input />
        </label>
        <details>
          <summary>Options</summary>
          <input aria-label="Folded away" />
        </details>
      </Modal>
    </>,
  );
  return { onClose };
}

describe('a dialog', () => {
  it('starts in its first field, not on a tab or button above it', () => {
    renderModal();
    expect(document.activeElement).toBe(screen.getByLabelText('Name'));
  });

  it('keeps Tab inside: from its last control to its first and, with Shift, back', () => {
    renderModal();
    const add = screen.getByRole('button', { name: 'Add' });
    add.focus();
    act(() => void fireEvent.keyDown(add, { key: 'Tab' }));
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Close' }));
    act(() => void fireEvent.keyDown(document.activeElement!, { key: 'Tab', shiftKey: true }));
    expect(document.activeElement).toBe(add);
  });

  it('lets Tab move on by itself in the middle, and skips what a closed <details> folds away', () => {
    renderModal();
    const name = screen.getByLabelText('Name');
    const event = new KeyboardEvent('keydown', { key: 'Tab', bubbles: true, cancelable: true });
    act(() => void name.dispatchEvent(event));
    expect(event.defaultPrevented).toBe(false);
    const summary = screen.getByText('Options');
    summary.focus();
    const next = new KeyboardEvent('keydown', { key: 'Tab', bubbles: true, cancelable: true });
    act(() => void summary.dispatchEvent(next));
    expect(next.defaultPrevented).toBe(false);
  });

  it('closes with Escape', () => {
    const { onClose } = renderModal();
    act(() => void fireEvent.keyDown(screen.getByLabelText('Name'), { key: 'Escape' }));
    expect(onClose).toHaveBeenCalledTimes(1);
  });
});
