import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';

export interface MenuItem {
  id: string;
  label: string;
  onSelect?: () => void;
  checked?: boolean;
  disabled?: boolean;
  separatorBefore?: boolean;
}

interface Props {
  x: number;
  y: number;
  items: readonly MenuItem[];
  onClose(): void;
  testId?: string;
  /** Items are `<prefix><id>` for tests and tools. */
  itemTestIdPrefix?: string;
}

/** A right-click menu: keyboard (arrows, Enter, Esc) and mouse, kept inside the window. */
export function ContextMenu({ x, y, items, onClose, testId = 'context-menu', itemTestIdPrefix = 'menu-' }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const [pos, setPos] = useState({ left: x, top: y });
  const [active, setActive] = useState(() => items.findIndex((i) => !i.disabled));

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const r = el.getBoundingClientRect();
    setPos({
      left: Math.max(0, Math.min(x, window.innerWidth - r.width - 4)),
      top: Math.max(0, Math.min(y, window.innerHeight - r.height - 4)),
    });
    el.focus();
  }, [x, y]);

  useEffect(() => {
    const close = (e: Event) => {
      if (ref.current && e.target instanceof Node && ref.current.contains(e.target)) return;
      onClose();
    };
    window.addEventListener('mousedown', close, true);
    window.addEventListener('blur', onClose);
    window.addEventListener('resize', onClose);
    return () => {
      window.removeEventListener('mousedown', close, true);
      window.removeEventListener('blur', onClose);
      window.removeEventListener('resize', onClose);
    };
  }, [onClose]);

  const choose = (item: MenuItem | undefined) => {
    if (!item || item.disabled) return;
    onClose();
    item.onSelect?.();
  };
  const step = (delta: number) => {
    if (!items.length) return;
    let i = active;
    for (let n = 0; n < items.length; n++) {
      i = (i + delta + items.length) % items.length;
      if (!items[i].disabled) break;
    }
    setActive(i);
  };

  return createPortal(
    <div
      ref={ref}
      className="context-menu"
      role="menu"
      tabIndex={-1}
      data-testid={testId}
      style={{ left: pos.left, top: pos.top }}
      onContextMenu={(e) => e.preventDefault()}
      onKeyDown={(e) => {
        e.stopPropagation();
        if (e.key === 'Escape') onClose();
        else if (e.key === 'ArrowDown') step(1);
        else if (e.key === 'ArrowUp') step(-1);
        else if (e.key === 'Enter') choose(items[active]);
        else return;
        e.preventDefault();
      }}
    >
      {items.map((item, i) => (
        <div key={item.id} role="none">
          {item.separatorBefore && <div className="context-menu-separator" role="separator" />}
          <button
            type="button"
            role={item.checked === undefined ? 'menuitem' : 'menuitemcheckbox'}
            aria-checked={item.checked}
            className={`context-menu-item${i === active ? ' active' : ''}`}
            data-testid={`${itemTestIdPrefix}${item.id}`}
            disabled={item.disabled}
            tabIndex={-1}
            onMouseEnter={() => setActive(i)}
            onClick={() => choose(item)}
          >
            <span className="context-menu-check">{item.checked ? '✓' : ''}</span>
            {item.label}
          </button>
        </div>
      ))}
    </div>,
    document.body,
  );
}
