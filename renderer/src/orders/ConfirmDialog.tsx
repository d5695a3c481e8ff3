import { useEffect, useRef } from 'react';

export interface ConfirmButton {
  id: string;
  label: string;
  primary?: boolean;
}

interface Props {
  title: string;
  message: string;
  buttons: readonly ConfirmButton[];
  /** The button Escape stands for. */
  cancelId: string;
  onChoose(id: string): void;
  testId?: string;
}

/** A small question inside the order window: Enter takes the focused button, Escape cancels. */
export function ConfirmDialog({ title, message, buttons, cancelId, onChoose, testId = 'confirm-dialog' }: Props) {
  const first = useRef<HTMLButtonElement>(null);
  useEffect(() => first.current?.focus(), []);
  return (
    <div
      className="modal-backdrop order-subdialog-backdrop"
      onKeyDown={(e) => {
        e.stopPropagation();
        if (e.key === 'Escape') {
          e.preventDefault();
          onChoose(cancelId);
        }
      }}
    >
      <div className="dialog order-confirm" role="alertdialog" aria-modal="true" aria-label={title} data-testid={testId}>
        <div className="dialog-title">{title}</div>
        <div className="dialog-body order-confirm-message">{message}</div>
        <div className="dialog-buttons">
          {buttons.map((b, i) => (
            <button
              key={b.id}
              ref={i === 0 ? first : undefined}
              type="button"
              className={`btn ${b.primary ? 'btn-primary' : ''}`}
              data-testid={`confirm-${b.id}`}
              onClick={() => onChoose(b.id)}
            >
              {b.label}
            </button>
          ))}
        </div>
      </div>
    </div>
  );
}
