import { useEffect, useRef, type ReactNode } from 'react';

/**
 * Escape anywhere in the window runs `onEscape` (the newest handler; no re-subscribing). An
 * Escape something else already took (defaultPrevented) is left alone. With `capture` the
 * listener runs before the bubbling ones of the dialogs below and stops them.
 */
export function useEscapeKey(onEscape: () => void, { capture = false }: { capture?: boolean } = {}) {
  const handler = useRef(onEscape);
  handler.current = onEscape;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented) return;
      e.preventDefault();
      if (capture) e.stopImmediatePropagation();
      else e.stopPropagation();
      handler.current();
    };
    window.addEventListener('keydown', onKey, capture);
    return () => window.removeEventListener('keydown', onKey, capture);
  }, [capture]);
}

/**
 * The grey layer under a dialog that sits inside another window: keys stay inside it (the
 * window below does not see them) and Escape runs `onEscape`.
 */
export function ModalBackdrop({ className = 'subdialog-backdrop', onEscape, children }: { className?: string; onEscape(): void; children: ReactNode }) {
  return (
    <div
      className={`modal-backdrop ${className}`}
      onKeyDown={(e) => {
        e.stopPropagation();
        if (e.key === 'Escape') {
          e.preventDefault();
          onEscape();
        }
      }}
    >
      {children}
    </div>
  );
}

export interface ConfirmButton {
  id: string;
  label: string;
  primary?: boolean;
  danger?: boolean;
  disabled?: boolean;
  /** Defaults to `confirm-<id>`. */
  testId?: string;
}

interface Props {
  title: string;
  message: string;
  buttons: readonly ConfirmButton[];
  /** The button Escape stands for. */
  cancelId: string;
  /** The button focused on opening; the first one unless named. */
  focusId?: string;
  onChoose(id: string): void;
  testId?: string;
  /** The layer it stands in (z-index): a sub-dialog of the order window unless named. */
  backdropClassName?: string;
}

/** A small question over a window: Enter takes the focused button, Escape cancels. */
export function ConfirmDialog({ title, message, buttons, cancelId, focusId = buttons[0]?.id, onChoose, testId = 'confirm-dialog', backdropClassName }: Props) {
  const focused = useRef<HTMLButtonElement>(null);
  useEffect(() => focused.current?.focus(), []);
  return (
    <ModalBackdrop className={backdropClassName} onEscape={() => onChoose(cancelId)}>
      <div className="dialog confirm-box" role="alertdialog" aria-modal="true" aria-label={title} data-testid={testId}>
        <div className="dialog-title">{title}</div>
        <div className="dialog-body confirm-message">{message}</div>
        <div className="dialog-buttons">
          {buttons.map((b) => (
            <button
              key={b.id}
              ref={b.id === focusId ? focused : undefined}
              type="button"
              className={`btn${b.primary ? ' btn-primary' : ''}${b.danger ? ' btn-danger' : ''}`}
              disabled={b.disabled}
              data-testid={b.testId ?? `confirm-${b.id}`}
              onClick={() => onChoose(b.id)}
            >
              {b.label}
            </button>
          ))}
        </div>
      </div>
    </ModalBackdrop>
  );
}

/**
 * A window over the screen: the backdrop, the dialog with its title (which names it), then what
 * goes inside. `over` is drawn above it in the same layer: its menus and the dialogs it opens.
 */
export function DialogWindow({
  backdropClassName,
  className,
  titleId,
  testId,
  title,
  over,
  children,
}: {
  backdropClassName: string;
  className: string;
  titleId: string;
  testId: string;
  title: ReactNode;
  over?: ReactNode;
  children: ReactNode;
}) {
  return (
    <div className={`modal-backdrop ${backdropClassName}`}>
      <div className={`dialog ${className}`} role="dialog" aria-modal="true" aria-labelledby={titleId} data-testid={testId}>
        <div className="dialog-title" id={titleId}>
          {title}
        </div>
        {children}
      </div>
      {over}
    </div>
  );
}

/** A dialog's failure message, read out when it appears; nothing while there is none. */
export function FormError({ text, testId, className }: { text: string | null; testId?: string; className?: string }) {
  return text ? (
    <div className={`form-error${className ? ` ${className}` : ''}`} role="alert" data-testid={testId}>
      {text}
    </div>
  ) : null;
}
