import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { useTranslation } from 'react-i18next';
import type { ApiClient } from '../api/client.js';
import type { PartOption } from '../../../shared/warehouse/schemas.js';
import { formatFen } from '../../../shared/money.js';
import { errorText } from '../i18n/errors.js';
import { filterByPinyin, normalizeQuery } from '../text/pinyin-match.js';
import { halfWidth } from '../../../shared/money.js';

// A part from the catalogue, typed into a cell: part number or name, `*` allowed
// (parts.options); ↓/↑ move in the list, Enter or a click picks, Escape closes the list. The
// list floats over the window (a portal), so a scrolling table never clips it.

type InputProps = Omit<React.InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange' | 'onKeyDown' | 'onBlur'> & { [data: `data-${string}`]: string | boolean | undefined };

interface Props {
  client: ApiClient;
  /** What the cell shows: the picked part's number, or the search being typed. */
  text: string;
  onText(text: string): void;
  onPick(part: PartOption): void;
  onBlur?(): void;
  /** Extra attributes of the input (test id, aria, disabled …). */
  inputProps?: InputProps;
  /** Where the list's test ids start (`<prefix>-option-<i>`). */
  testIdPrefix?: string;
}

const DEBOUNCE_MS = 180;
const LIMIT = 50;

// The catalogue is small: its active parts are read once a minute and matched here by pinyin
// too (sfdj finds 伺服电机), in addition to what the service matches by number and name.
const CATALOGUE_MS = 60_000;
const catalogues = new WeakMap<ApiClient, { at: number; parts: Promise<PartOption[]> }>();
function catalogue(client: ApiClient): Promise<PartOption[]> {
  const cached = catalogues.get(client);
  if (cached && Date.now() - cached.at < CATALOGUE_MS) return cached.parts;
  const parts = client.call('parts.options', { search: '', limit: 200 }).then((r) => r.parts.filter((p) => p.active));
  catalogues.set(client, { at: Date.now(), parts });
  parts.catch(() => catalogues.delete(client));
  return parts;
}

/** The service's matches first, then the parts found by pinyin only; at most LIMIT. */
export function mergePartMatches(server: readonly PartOption[], all: readonly PartOption[] | null, search: string): PartOption[] {
  const found = server.filter((p) => p.active);
  if (!all || !/[a-z]/.test(normalizeQuery(search))) return found.slice(0, LIMIT);
  const have = new Set(found.map((p) => p.id));
  const more = filterByPinyin(
    all.filter((p) => !have.has(p.id)),
    search,
    (p) => [p.name, p.partNo, p.spec],
  );
  return [...found, ...more].slice(0, LIMIT);
}

export function PartPicker({ client, text, onText, onPick, onBlur, inputProps = {}, testIdPrefix = 'part-picker' }: Props) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [options, setOptions] = useState<PartOption[]>([]);
  const [active, setActive] = useState(0);
  const [state, setState] = useState<'idle' | 'loading' | 'done' | 'failed'>('idle');
  const [error, setError] = useState<string | null>(null);
  const [box, setBox] = useState<{ left: number; top: number; width: number; up: boolean } | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLUListElement>(null);
  const search = useRef({ seq: 0, timer: 0 as unknown as ReturnType<typeof setTimeout> });

  function lookup(value: string) {
    clearTimeout(search.current.timer);
    const seq = ++search.current.seq;
    setState('loading');
    search.current.timer = setTimeout(() => {
      const text = halfWidth(value).trim();
      const pinyin = /[a-z]/i.test(text) ? catalogue(client).catch(() => null) : Promise.resolve(null);
      Promise.all([client.call('parts.options', { search: text, limit: LIMIT }), pinyin])
        .then(([r, all]) => {
          if (seq !== search.current.seq) return;
          setOptions(mergePartMatches(r.parts, all, text));
          setActive(0);
          setState('done');
          setError(null);
        })
        .catch((err: unknown) => {
          if (seq !== search.current.seq) return;
          setOptions([]);
          setState('failed');
          setError(errorText(t, err));
        });
    }, DEBOUNCE_MS);
  }

  useEffect(() => () => clearTimeout(search.current.timer), []);

  function openList(value: string) {
    setOpen(true);
    lookup(value);
  }

  function close() {
    clearTimeout(search.current.timer);
    search.current.seq++;
    setOpen(false);
  }

  function pick(p: PartOption) {
    close();
    onPick(p);
  }

  // The list sits under the cell (above it when there is no room below), in window coordinates.
  useLayoutEffect(() => {
    if (!open) return;
    const place = () => {
      const r = inputRef.current?.getBoundingClientRect();
      if (!r) return;
      const up = r.bottom + 240 > window.innerHeight && r.top > 240;
      setBox({ left: r.left, top: up ? r.top : r.bottom, width: Math.max(r.width, 560), up });
    };
    place();
    window.addEventListener('resize', place);
    // Any scroll (the table, the window) moves the cell: the list follows it.
    window.addEventListener('scroll', place, true);
    return () => {
      window.removeEventListener('resize', place);
      window.removeEventListener('scroll', place, true);
    };
  }, [open]);

  useEffect(() => {
    listRef.current?.querySelector<HTMLElement>(`[data-index="${active}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [active]);

  function onKeyDown(e: React.KeyboardEvent<HTMLInputElement>) {
    if (e.key === 'ArrowDown' && e.altKey) {
      e.preventDefault();
      e.stopPropagation();
      openList(text);
      return;
    }
    if (!open) {
      if (e.key === 'F4') {
        e.preventDefault();
        openList(text);
      }
      return;
    }
    // While the list is open its keys stay here (not the table's row moves, not the window's Escape).
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      e.stopPropagation();
      if (options.length) setActive((a) => (a + (e.key === 'ArrowDown' ? 1 : options.length - 1)) % options.length);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      e.stopPropagation();
      const p = options[active];
      if (p && state === 'done') pick(p);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      close();
    } else if (e.key === 'Tab') {
      close();
    }
  }

  const list =
    open && box
      ? createPortal(
          <div
            className={`part-picker-list${box.up ? ' up' : ''}`}
            style={{ left: box.left, width: box.width, ...(box.up ? { bottom: window.innerHeight - box.top } : { top: box.top }) }}
            data-testid={`${testIdPrefix}-list`}
            // The input keeps the focus while the list is clicked.
            onMouseDown={(e) => e.preventDefault()}
          >
            {state === 'loading' && options.length === 0 && <div className="part-picker-note">{t('common.loading')}</div>}
            {state === 'failed' && <div className="part-picker-note error">{error}</div>}
            {state === 'done' && options.length === 0 && <div className="part-picker-note">{t('partPicker.none', { search: text.trim() || '*' })}</div>}
            {options.length > 0 && (
              <ul ref={listRef} role="listbox" aria-label={t('partPicker.title')}>
                {options.map((p, i) => (
                  <li
                    key={p.id}
                    role="option"
                    aria-selected={i === active}
                    data-index={i}
                    data-testid={`${testIdPrefix}-option-${i}`}
                    data-part-no={p.partNo}
                    className={i === active ? 'active' : ''}
                    onMouseEnter={() => setActive(i)}
                    onClick={() => pick(p)}
                  >
                    <span className="pp-no">{p.partNo}</span>
                    <span className="pp-name">{p.name}</span>
                    <span className="pp-spec">{p.spec}</span>
                    <span className="pp-unit">{p.unit}</span>
                    <span className="pp-price">{formatFen(p.unitPriceFen)}</span>
                  </li>
                ))}
              </ul>
            )}
            {options.length >= LIMIT && <div className="part-picker-note">{t('partPicker.more')}</div>}
          </div>,
          document.body,
        )
      : null;

  return (
    <>
      <input
        type="text"
        autoComplete="off"
        spellCheck={false}
        placeholder={t('partPicker.placeholder')}
        title={t('partPicker.hint')}
        {...inputProps}
        ref={inputRef}
        role="combobox"
        aria-expanded={open}
        aria-autocomplete="list"
        value={text}
        onChange={(e) => {
          onText(e.target.value);
          openList(e.target.value);
        }}
        onKeyDown={onKeyDown}
        onBlur={() => {
          close();
          onBlur?.();
        }}
      />
      {list}
    </>
  );
}
