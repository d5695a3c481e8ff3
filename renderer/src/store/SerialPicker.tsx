import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ModalBackdrop } from '../dialogs/ConfirmDialog.js';
import { duplicateSerials, mergeSerials, parseSerials } from './store-lines.js';

interface Props {
  /** What the serials are for: the part, and where they come from. */
  title: string;
  /** The serials one may choose from (in stock there, issued for the order …); null: typing only. */
  candidates: readonly string[] | null;
  /** What the candidates are, in words ("在库 总库"). */
  candidatesLabel?: string;
  /** Serials used on other lines of the document: not offered. */
  taken?: ReadonlySet<string>;
  /** The line's serials as typed so far. */
  value: string;
  /** How many the line needs (its quantity), when known. */
  expected: number | null;
  /** The line's quantity may be set to the count from here (not for a count adjustment, whose difference decides). */
  quantityEditable?: boolean;
  /** OK: the serials, and the quantity to set when the keeper chose to make it the count. */
  onOk(serials: string[], quantity: number | null): void;
  onCancel(): void;
}

/**
 * The serials of one line: the ones in stock (or issued for the order) ticked from a list that
 * can be narrowed by typing, and a box to type or paste any number of them, one per line — the
 * box is the line's list; ticking adds to it. The count is checked against the quantity, which
 * can be set to the count in one step.
 */
export function SerialPicker({ title, candidates, candidatesLabel, taken, value, expected, quantityEditable = true, onOk, onCancel }: Props) {
  const { t } = useTranslation();
  const [text, setText] = useState(() => parseSerials(value).join('\n'));
  const [filter, setFilter] = useState('');
  const boxRef = useRef<HTMLTextAreaElement>(null);
  const filterRef = useRef<HTMLInputElement>(null);
  useEffect(() => (candidates?.length ? filterRef.current : boxRef.current)?.focus(), []); // eslint-disable-line react-hooks/exhaustive-deps

  const list = useMemo(() => parseSerials(text), [text]);
  const chosen = new Set(list);
  const offered = useMemo(() => {
    const f = filter.trim().toUpperCase();
    return (candidates ?? []).filter((s) => !taken?.has(s) && (!f || s.toUpperCase().includes(f)));
  }, [candidates, taken, filter]);
  const dup = duplicateSerials(list);
  const unknown = candidates ? list.filter((s) => !candidates.includes(s)) : [];

  const setList = (next: readonly string[]) => setText(next.join('\n'));
  const toggle = (s: string, on: boolean) => setList(on ? mergeSerials(list, [s]) : mergeSerials(list, [], [s]));
  const allShownChosen = offered.length > 0 && offered.every((s) => chosen.has(s));

  const ok = (withQuantity: boolean) => onOk(list, withQuantity ? list.length : null);

  return (
    <ModalBackdrop className="store-backdrop store-sub" onEscape={onCancel}>
      <form
        className="dialog store-serial-picker"
        role="dialog"
        aria-modal="true"
        aria-label={title}
        data-testid="serial-picker"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          ok(quantityEditable && expected === null && list.length > 0);
        }}
      >
        <div className="dialog-title">{title}</div>
        <div className="dialog-body store-picker-body">
          {candidates && (
            <div className="store-picker-list">
              <div className="store-picker-head">
                <span>{candidatesLabel ?? t('serialPicker.candidates')}</span>
                <span className="muted">{t('serialPicker.offered', { count: offered.length })}</span>
              </div>
              <input
                ref={filterRef}
                type="search"
                className="store-picker-filter"
                data-testid="serial-picker-filter"
                placeholder={t('serialPicker.filter')}
                value={filter}
                onChange={(e) => setFilter(e.target.value)}
                onKeyDown={(e) => {
                  // Enter in the filter ticks the one serial it leaves.
                  if (e.key === 'Enter') {
                    e.preventDefault();
                    if (offered.length === 1) {
                      toggle(offered[0], true);
                      setFilter('');
                    }
                  }
                }}
              />
              <div className="store-picker-items" role="group" aria-label={candidatesLabel ?? t('serialPicker.candidates')}>
                {offered.map((s) => (
                  <label key={s} className="store-picker-item">
                    <input type="checkbox" data-testid={`serial-option-${s}`} checked={chosen.has(s)} onChange={(e) => toggle(s, e.target.checked)} />
                    <span>{s}</span>
                  </label>
                ))}
                {!offered.length && <div className="muted store-picker-none">{candidates.length ? t('serialPicker.noneMatch') : t('serialPicker.none')}</div>}
              </div>
              <button
                type="button"
                className="btn btn-small"
                data-testid="serial-picker-all"
                disabled={!offered.length || (!allShownChosen && expected !== null && expected <= list.length)}
                onClick={() => setList(allShownChosen ? mergeSerials(list, [], offered) : mergeSerials(list, expected !== null ? offered.slice(0, Math.max(0, expected - list.length)) : offered))}
              >
                {allShownChosen ? t('serialPicker.clearShown') : expected !== null ? t('serialPicker.fill', { count: Math.max(0, expected - list.length) }) : t('serialPicker.all')}
              </button>
            </div>
          )}
          <label className="store-picker-typed">
            <span>{t('serialPicker.typed')}</span>
            <textarea
              ref={boxRef}
              rows={12}
              spellCheck={false}
              data-testid="serial-picker-text"
              value={text}
              onChange={(e) => setText(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
                  e.preventDefault();
                  e.currentTarget.form?.requestSubmit();
                }
              }}
            />
            <span className="note">{t('serialPicker.typedHint')}</span>
          </label>
        </div>
        <div className="store-picker-status" data-testid="serial-picker-status">
          <span className={expected !== null && list.length !== expected ? 'bad' : 'ok'}>
            {expected !== null ? t('serialPicker.countOf', { count: list.length, expected }) : t('serialPicker.count', { count: list.length })}
          </span>
          {dup.length > 0 && <span className="bad">{t('serialPicker.duplicates', { list: dup.join(', ') })}</span>}
          {unknown.length > 0 && <span className="warn">{t('serialPicker.notOffered', { list: unknown.slice(0, 5).join(', '), count: unknown.length })}</span>}
        </div>
        <div className="dialog-buttons">
          {quantityEditable && list.length > 0 && expected !== list.length && (
            <button type="button" className="btn btn-left" data-testid="serial-picker-ok-quantity" onClick={() => ok(true)}>
              {t('serialPicker.okWithQuantity', { count: list.length })}
            </button>
          )}
          <button type="submit" className="btn btn-primary" data-testid="serial-picker-ok">
            {t('serialPicker.ok')}
          </button>
          <button type="button" className="btn" data-testid="serial-picker-cancel" onClick={onCancel}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </ModalBackdrop>
  );
}
