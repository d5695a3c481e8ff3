import { useEffect, useLayoutEffect, useRef, useState, type InputHTMLAttributes, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { useTranslation } from 'react-i18next';

// A text box that suggests as one types — the part of a line, the order of a document: typing
// (or Alt+↓ / ↓) lists the matches under it, ↑/↓ move, Enter or a click takes one, Esc closes
// the list. Leaving the box with text that names exactly one match takes that one.

interface Props<T> extends Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange' | 'onBlur'> {
  value: string;
  onText(text: string): void;
  /** The matches for the text typed (already narrowed by the service). */
  load(text: string): Promise<T[]>;
  itemKey(item: T): string | number;
  renderItem(item: T): ReactNode;
  /** `typed`: taken because the text typed names it (on leaving the box), not chosen from the list. */
  onPick(item: T, typed: boolean): void;
  /** The match the text names exactly, if any (taken on Enter and when the box is left). */
  exact(text: string, items: readonly T[]): T | undefined;
  /** The text already names the item taken: leaving the box looks nothing up. */
  matched: boolean;
  /** Called when the box is left. */
  onLeave?(): void;
  'data-testid': string;
}

export function Suggest<T>({ value, onText, load, itemKey, renderItem, onPick, exact, matched, onLeave, ...input }: Props<T>) {
  const { t } = useTranslation();
  const [items, setItems] = useState<T[]>([]);
  const [open, setOpen] = useState(false);
  const [loading, setLoading] = useState(false);
  const [active, setActive] = useState(0);
  const [rect, setRect] = useState<DOMRect | null>(null);
  const ref = useRef<HTMLInputElement>(null);
  const seq = useRef(0);
  const timer = useRef<number | undefined>(undefined);
  const testId = input['data-testid'];

  const fetch = (text: string, delay: number) => {
    window.clearTimeout(timer.current);
    const n = ++seq.current;
    timer.current = window.setTimeout(() => {
      setLoading(true);
      load(text)
        .then((found) => {
          if (n !== seq.current) return;
          setItems(found);
          setActive(0);
        })
        .catch(() => n === seq.current && setItems([]))
        .finally(() => n === seq.current && setLoading(false));
    }, delay);
  };

  useEffect(() => () => window.clearTimeout(timer.current), []);

  const show = () => {
    if (ref.current) setRect(ref.current.getBoundingClientRect());
    setOpen(true);
  };
  const close = () => {
    setOpen(false);
    seq.current++;
    setLoading(false);
  };

  // The list follows its box; a scroll of the window around it closes the list instead.
  useLayoutEffect(() => {
    if (!open) return;
    const onScroll = (e: Event) => {
      if (!(e.target instanceof Node) || !document.querySelector(`[data-suggest-for="${testId}"]`)?.contains(e.target)) close();
    };
    window.addEventListener('scroll', onScroll, true);
    window.addEventListener('resize', close);
    return () => {
      window.removeEventListener('scroll', onScroll, true);
      window.removeEventListener('resize', close);
    };
  }, [open, testId]); // eslint-disable-line react-hooks/exhaustive-deps

  const pick = (item: T) => {
    close();
    onPick(item, false);
  };

  return (
    <>
      <input
        {...input}
        ref={ref}
        type="text"
        value={value}
        autoComplete="off"
        spellCheck={false}
        role="combobox"
        aria-expanded={open}
        aria-autocomplete="list"
        onChange={(e) => {
          onText(e.target.value);
          show();
          fetch(e.target.value, 180);
        }}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
            if (!open) {
              if (e.key === 'ArrowDown' && (e.altKey || value.trim() !== '')) {
                e.preventDefault();
                e.stopPropagation();
                show();
                fetch(value, 0);
              }
              return;
            }
            e.preventDefault();
            e.stopPropagation();
            if (items.length) setActive((a) => (a + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length);
          } else if (e.key === 'Enter') {
            const chosen = open && items[active] ? items[active] : exact(value, items);
            if (chosen) {
              e.preventDefault();
              e.stopPropagation();
              pick(chosen);
            }
          } else if (e.key === 'Escape' && open) {
            e.preventDefault();
            e.stopPropagation();
            close();
          }
        }}
        onBlur={() => {
          close();
          onLeave?.();
          if (matched || !value.trim()) return;
          // The list may not have answered yet: the text typed is looked up once more.
          const chosen = exact(value, items);
          if (chosen) onPick(chosen, true);
          else
            load(value).then(
              (found) => {
                const again = exact(value, found);
                if (again) onPick(again, true);
              },
              () => undefined,
            );
        }}
      />
      {open &&
        rect &&
        createPortal(
          <ul
            className="store-suggest"
            role="listbox"
            data-suggest-for={testId}
            data-testid={`${testId}-options`}
            style={{ left: rect.left, top: rect.bottom + 1, minWidth: Math.max(rect.width, 260) }}
            onMouseDown={(e) => e.preventDefault()}
          >
            {items.map((item, i) => (
              <li
                key={itemKey(item)}
                role="option"
                aria-selected={i === active}
                className={i === active ? 'active' : undefined}
                data-testid={`${testId}-option-${i}`}
                onMouseEnter={() => setActive(i)}
                onClick={() => pick(item)}
              >
                {renderItem(item)}
              </li>
            ))}
            {!items.length && <li className="store-suggest-empty">{loading ? t('store.searching') : t('store.noMatch')}</li>}
          </ul>,
          document.body,
        )}
    </>
  );
}
