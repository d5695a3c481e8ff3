import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { afterReplacement, findAll, nextMatch, replaceAll, replaceMatch, stillMatches, type Match } from './find-replace.js';

// The find-and-replace bar over a lines table (Ctrl+F): Enter / F3 find next, Shift+Enter /
// Shift+F3 the previous one, Enter in the replace box replaces, Escape closes. Replacing changes
// the drafts like typing does, so the lines count as changed and Ctrl+S saves them.

type Line = { key: string } & Record<string, unknown>;

interface Props<L extends Line> {
  lines: readonly L[];
  /** The free-text cells searched, in the table's order. */
  fields: readonly string[];
  onChange(lines: L[]): void;
  /** The match shown in the table (or none). */
  onHighlight(match: Match | null): void;
  onClose(): void;
  readOnly: boolean;
  /** Bumped by Ctrl+F while the bar is open: the find box takes the focus again. */
  focusSignal: number;
}

type Status = { kind: 'none' | 'found' | 'notFound' | 'replaced' | 'replacedAll'; count?: number; at?: number };

export function FindReplaceBar<L extends Line>({ lines, fields, onChange, onHighlight, onClose, readOnly, focusSignal }: Props<L>) {
  const { t } = useTranslation();
  const [needle, setNeedle] = useState('');
  const [replacement, setReplacement] = useState('');
  const [matchCase, setMatchCase] = useState(false);
  const [current, setCurrent] = useState<Match | null>(null);
  const [status, setStatus] = useState<Status>({ kind: 'none' });
  const findRef = useRef<HTMLInputElement>(null);
  const opts = useMemo(() => ({ matchCase }), [matchCase]);
  const matches = useMemo(() => findAll(lines, fields, needle, opts), [lines, fields, needle, opts]);

  useEffect(() => {
    findRef.current?.focus();
    findRef.current?.select();
  }, [focusSignal]);

  // The highlight goes when the bar closes.
  const highlight = useRef(onHighlight);
  highlight.current = onHighlight;
  useEffect(() => () => highlight.current(null), []);

  // Lines changed elsewhere (typed, saved and reloaded): a message about our last replace is old news.
  const ownChange = useRef<readonly L[] | null>(null);
  useEffect(() => {
    if (ownChange.current !== lines) setStatus((s) => (s.kind === 'replaced' || s.kind === 'replacedAll' ? { kind: 'none' } : s));
    ownChange.current = null;
  }, [lines]);

  // A match that no longer is one (the text was edited) is not shown.
  useEffect(() => {
    if (current && !stillMatches(lines, current, needle, opts)) {
      setCurrent(null);
      onHighlight(null);
    }
  }, [lines, current, needle, opts, onHighlight]);

  function show(m: Match | null, kind: Status['kind'] = m ? 'found' : 'notFound', count?: number) {
    setCurrent(m);
    onHighlight(m);
    const all = m ? findAll(lines, fields, needle, opts) : matches;
    const at = m ? all.findIndex((x) => x.key === m.key && x.field === m.field && x.start === m.start) + 1 : undefined;
    setStatus({ kind, at, count: count ?? all.length });
  }

  function find(backwards = false) {
    if (needle === '') {
      findRef.current?.focus();
      return;
    }
    show(nextMatch(lines, fields, matches, current, backwards));
  }

  function replaceOne() {
    if (readOnly || needle === '') return;
    // The first press finds; a press on a shown match replaces it and shows the next one.
    if (!current || !stillMatches(lines, current, needle, opts)) {
      find();
      return;
    }
    const next = replaceMatch(lines, current, replacement);
    ownChange.current = next;
    onChange(next);
    const rest = findAll(next, fields, needle, opts);
    const m = nextMatch(next, fields, rest, afterReplacement(current, replacement));
    setCurrent(m);
    onHighlight(m);
    setStatus({ kind: 'replaced', count: rest.length, at: m ? rest.indexOf(m) + 1 : undefined });
  }

  function replaceEvery() {
    if (readOnly || needle === '') return;
    const { lines: next, count } = replaceAll(lines, fields, needle, replacement, opts);
    if (count) {
      ownChange.current = next;
      onChange(next);
    }
    setCurrent(null);
    onHighlight(null);
    setStatus({ kind: count ? 'replacedAll' : 'notFound', count });
  }

  function onKeyDown(e: React.KeyboardEvent) {
    const ctrl = e.ctrlKey || e.metaKey;
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      onClose();
    } else if (e.key === 'F3') {
      e.preventDefault();
      e.stopPropagation();
      find(e.shiftKey);
    } else if (ctrl && (e.key === 'f' || e.key === 'F')) {
      e.preventDefault();
      e.stopPropagation();
      findRef.current?.focus();
      findRef.current?.select();
    }
  }

  let statusText = '';
  if (needle !== '') {
    if (status.kind === 'found' && status.at) statusText = t('findReplace.position', { at: status.at, count: status.count });
    else if (status.kind === 'notFound') statusText = t('findReplace.notFound', { text: needle });
    else if (status.kind === 'replaced') statusText = t('findReplace.replacedOne', { count: status.count ?? 0 });
    else if (status.kind === 'replacedAll') statusText = t('findReplace.replacedAll', { count: status.count ?? 0 });
    else statusText = t('findReplace.count', { count: matches.length });
  }

  return (
    <div className="find-bar" role="search" aria-label={t('findReplace.title')} data-testid="find-bar" onKeyDown={onKeyDown}>
      <label className="find-field">
        <span>{t('findReplace.find')}</span>
        <input
          ref={findRef}
          type="text"
          value={needle}
          data-testid="find-text"
          spellCheck={false}
          onChange={(e) => {
            setNeedle(e.target.value);
            setCurrent(null);
            onHighlight(null);
            setStatus({ kind: 'none' });
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              e.stopPropagation();
              find(e.shiftKey);
            }
          }}
        />
      </label>
      <label className="find-field">
        <span>{t('findReplace.replaceWith')}</span>
        <input
          type="text"
          value={replacement}
          data-testid="find-replacement"
          spellCheck={false}
          disabled={readOnly}
          onChange={(e) => setReplacement(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              e.stopPropagation();
              if (e.ctrlKey || e.metaKey) replaceEvery();
              else replaceOne();
            }
          }}
        />
      </label>
      <label className="find-case">
        <input type="checkbox" checked={matchCase} data-testid="find-match-case" onChange={(e) => setMatchCase(e.target.checked)} />
        {t('findReplace.matchCase')}
      </label>
      <button type="button" className="btn btn-small" data-testid="find-next" title={t('findReplace.nextTitle')} onClick={() => find()}>
        {t('findReplace.next')}
      </button>
      <button type="button" className="btn btn-small" data-testid="find-replace" disabled={readOnly} title={t('findReplace.replaceTitle')} onClick={replaceOne}>
        {t('findReplace.replace')}
      </button>
      <button type="button" className="btn btn-small" data-testid="find-replace-all" disabled={readOnly} title={t('findReplace.replaceAllTitle')} onClick={replaceEvery}>
        {t('findReplace.replaceAll')}
      </button>
      <span className={`find-status ${status.kind}`} data-testid="find-status" data-count={matches.length} data-status={status.kind} role="status">
        {statusText}
      </span>
      <button type="button" className="find-close" aria-label={t('findReplace.close')} title={t('findReplace.close')} data-testid="find-close" onClick={onClose}>
        ×
      </button>
    </div>
  );
}
