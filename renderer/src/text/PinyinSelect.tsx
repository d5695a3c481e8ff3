import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { useTranslation } from 'react-i18next';
import { filterByPinyin, normalizeQuery } from './pinyin-match.js';
import './pinyin-select.css';

// A drop-down list a clerk can type into: the box shows the chosen item; typing narrows the list
// by name, pinyin or pinyin initials (hx, huaxin and 华信 all find 华信). ↓ / Alt+↓ / F4 open
// the whole list, ↑↓ move, Enter or a click takes one, Esc puts the box back as it was; leaving
// the box with text that matches exactly one item takes it.

export interface PickOption {
  value: string;
  /** What the box shows once chosen. */
  label: string;
  /** Shown after the label in the list (region, phone …). */
  detail?: string;
  /** Texts the typed text is matched against (the label first). */
  texts: readonly (string | null | undefined)[];
  /** Options of a lower section follow those of a higher one, whatever they match (e.g. engineers of the order's region first). */
  section?: number;
}

interface Props {
  options: readonly PickOption[];
  value: string;
  onChange(value: string): void;
  /** The option for no choice (value ''), listed first, e.g. "（不指派）". */
  emptyLabel?: string;
  /** Headers of the sections (by section number). */
  sectionLabels?: Record<number, string>;
  placeholder?: string;
  id?: string;
  className?: string;
  disabled?: boolean;
  onBlur?(): void;
  'data-testid': string;
  /** A cell of a lines table: the table finds and focuses its cells by field. */
  'data-field'?: string;
  'aria-label'?: string;
  'aria-invalid'?: boolean;
  'aria-describedby'?: string;
}

interface Line {
  option: PickOption | null; // null: the empty choice
  header?: string;
}

export function PinyinSelect({ options, value, onChange, emptyLabel, sectionLabels, placeholder, onBlur, ...input }: Props) {
  const { t } = useTranslation();
  const testId = input['data-testid'];
  const chosen = options.find((o) => o.value === value);
  const shown = chosen ? chosen.label : value === '' && emptyLabel ? '' : value;
  /** What the clerk is typing; null while the box shows the choice. */
  const [typed, setTyped] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const [box, setBox] = useState<{ left: number; top: number; width: number; up: boolean } | null>(null);
  const ref = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLUListElement>(null);

  const query = typed ?? '';
  const matches = useMemo(() => {
    const found = filterByPinyin(options, query, (o) => o.texts);
    // Sections keep their order; within one, the better matches first (filterByPinyin's order).
    return found.map((o, i) => ({ o, i })).sort((a, b) => (a.o.section ?? 0) - (b.o.section ?? 0) || a.i - b.i).map((x) => x.o);
  }, [options, query]);
  const choices = useMemo<(PickOption | null)[]>(
    () => (emptyLabel !== undefined && !normalizeQuery(query) ? [null, ...matches] : matches),
    [emptyLabel, matches, query],
  );
  const lines = useMemo<Line[]>(() => {
    const out: Line[] = [];
    let section: number | undefined;
    for (const option of choices) {
      if (option && sectionLabels && option.section !== section) {
        section = option.section;
        const header = sectionLabels[option.section ?? 0];
        if (header) out.push({ option: null, header });
      }
      out.push({ option });
    }
    return out;
  }, [choices, sectionLabels]);

  const openList = (startAt?: number) => {
    setOpen(true);
    const index = startAt ?? Math.max(0, choices.findIndex((c) => (c?.value ?? '') === value));
    setActive(index);
  };
  const close = () => {
    setOpen(false);
    setTyped(null);
  };
  const pick = (option: PickOption | null) => {
    close();
    onChange(option?.value ?? '');
  };

  useLayoutEffect(() => {
    if (!open) return;
    const place = () => {
      const r = ref.current?.getBoundingClientRect();
      if (!r) return;
      const up = r.bottom + 260 > window.innerHeight && r.top > 260;
      setBox({ left: r.left, top: up ? r.top : r.bottom + 1, width: Math.max(r.width, 220), up });
    };
    place();
    const onScroll = (e: Event) => {
      if (e.target instanceof Node && listRef.current?.contains(e.target)) return;
      place();
    };
    window.addEventListener('resize', place);
    window.addEventListener('scroll', onScroll, true);
    return () => {
      window.removeEventListener('resize', place);
      window.removeEventListener('scroll', onScroll, true);
    };
  }, [open]);

  useEffect(() => {
    listRef.current?.querySelector<HTMLElement>(`[data-index="${active}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [active, open]);

  const onKeyDown = (e: React.KeyboardEvent<HTMLInputElement>) => {
    if (e.nativeEvent.isComposing) return;
    if (!open) {
      if (e.key === 'F4' || (e.key === 'ArrowDown' && (e.altKey || !e.ctrlKey))) {
        e.preventDefault();
        e.stopPropagation();
        openList();
      }
      return;
    }
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      e.stopPropagation();
      if (choices.length) setActive((a) => (a + (e.key === 'ArrowDown' ? 1 : choices.length - 1)) % choices.length);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      e.stopPropagation();
      if (choices[active] !== undefined) pick(choices[active]);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      close();
    } else if (e.key === 'Tab') {
      // Tab takes what the typed text found first, as Enter would.
      if (typed !== null && normalizeQuery(typed) && choices[active] !== undefined) pick(choices[active]);
      else close();
    }
  };

  let index = -1;
  const list =
    open && box
      ? createPortal(
          <div
            className={`pinyin-select-list${box.up ? ' up' : ''}`}
            style={{ left: box.left, minWidth: box.width, ...(box.up ? { bottom: window.innerHeight - box.top } : { top: box.top }) }}
            data-testid={`${testId}-list`}
            onMouseDown={(e) => e.preventDefault()}
          >
            {choices.length === 0 ? (
              <div className="pinyin-select-none">{t('picker.noMatch', { text: (typed ?? '').trim() })}</div>
            ) : (
              <ul ref={listRef} role="listbox" id={`${testId}-listbox`}>
                {lines.map((line, n) => {
                  if (line.header) {
                    return (
                      <li key={`h${n}`} className="pinyin-select-header" role="presentation">
                        {line.header}
                      </li>
                    );
                  }
                  const i = ++index;
                  const option = line.option;
                  return (
                    <li
                      key={option ? `o${option.value}` : 'empty'}
                      role="option"
                      aria-selected={i === active}
                      className={`${i === active ? 'active' : ''}${(option?.value ?? '') === value ? ' chosen' : ''}`}
                      data-index={i}
                      data-value={option?.value ?? ''}
                      data-testid={`${testId}-option-${i}`}
                      onMouseEnter={() => setActive(i)}
                      onClick={() => pick(option)}
                    >
                      <span className="pinyin-select-label">{option ? option.label : emptyLabel}</span>
                      {option?.detail && <span className="pinyin-select-detail">{option.detail}</span>}
                    </li>
                  );
                })}
              </ul>
            )}
          </div>,
          document.body,
        )
      : null;

  return (
    <>
      <span className="pinyin-select">
        <input
          {...input}
          ref={ref}
          type="text"
          role="combobox"
          aria-expanded={open}
          aria-autocomplete="list"
          aria-controls={open ? `${testId}-listbox` : undefined}
          autoComplete="off"
          spellCheck={false}
          data-value={value}
          placeholder={value === '' && emptyLabel ? emptyLabel : placeholder}
          title={t('picker.hint')}
          value={typed ?? shown}
          onChange={(e) => {
            setTyped(e.target.value);
            setOpen(true);
            setActive(0);
          }}
          onKeyDown={onKeyDown}
          onClick={() => (open ? undefined : openList())}
          onBlur={() => {
            if (typed !== null && normalizeQuery(typed)) {
              // Text that names exactly one item takes it; anything else puts the box back.
              if (matches.length === 1) onChange(matches[0].value);
            } else if (typed !== null && emptyLabel !== undefined) onChange('');
            close();
            onBlur?.();
          }}
        />
        <button
          type="button"
          tabIndex={-1}
          className="pinyin-select-arrow"
          aria-hidden="true"
          disabled={input.disabled}
          onMouseDown={(e) => {
            e.preventDefault();
            ref.current?.focus();
            if (open) close();
            else openList();
          }}
        >
          ▾
        </button>
      </span>
      {list}
    </>
  );
}
