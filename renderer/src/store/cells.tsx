import type { ComponentProps, ReactNode } from 'react';
import type { TFunction } from 'i18next';
import type { ApiClient } from '../api/client.js';
import type { CellProps, LineColumn } from '../orders/LinesTable.js';
import type { PartOption } from '../../../shared/warehouse/schemas.js';
import { PartPicker } from '../orders/PartPicker.js';
import { parseSerials, quantityOf, serialsText, type BaseDraft, type Problems } from './store-lines.js';
import { SerialPicker } from './SerialPicker.js';
import { partRef } from './store-data.js';

// The cells the store's document windows have in common, for the one lines table
// (orders/LinesTable): the part picked from the catalogue, its name, the quantity, the serials.
// Cells change their line through `patch` (by key, on the newest lines), never through a copy
// of the lines taken when the cell was drawn: a part may be looked up after the cell was left.

export type Patch<D> = (key: string, patch: Partial<D> | ((line: D) => Partial<D>)) => void;

/** Which problems are shown before the keeper tried to post: those about stock, not unfinished typing. */
const shownAtOnce = new Set(['overStock', 'overReturnable', 'serialNotInStock', 'serialInStock', 'serialNotIssued', 'serialDuplicate', 'partTwice', 'serialsNotTracked']);

/** The message of one cell: the server's (after a post), or ours. */
export function noteOf(t: TFunction, problems: Problems, serverCells: Record<string, string>, tried: boolean) {
  return (i: number, field: string): string | null => {
    const server = serverCells[`${i}.${field}`];
    if (server) return t('store.lineErrors.server', { message: server });
    const p = problems[`${i}.${field}`];
    if (!p || !(tried || shownAtOnce.has(p.code))) return null;
    return t(`store.lineErrors.${p.code}`, p.params ?? {});
  };
}

/** A cell's control(s) with its message under them (the same look and test ids as the lines table's own). */
export function WithNote({ i, field, note, children }: { i: number; field: string; note: string | null; children: ReactNode }) {
  return (
    <>
      {children}
      {note && (
        <div className="cell-error" data-testid={`line-${i}-${field}-error`} role="alert">
          {note}
        </div>
      )}
    </>
  );
}

const same = (a: string, b: string) => a.trim().toUpperCase() === b.trim().toUpperCase();

/** The active part whose number is exactly the text typed (parts.options narrows, the number decides). */
export async function partNamed(client: ApiClient, text: string): Promise<PartOption | null> {
  if (!text.trim()) return null;
  const r = await client.call('parts.options', { search: text.trim(), limit: 50 });
  return r.parts.find((p) => p.active && same(p.partNo, text)) ?? null;
}

interface Common<D> {
  t: TFunction;
  patch: Patch<D>;
  note(i: number, field: string): string | null;
  /** Lines flagged by the last refusal. */
  flagged: ReadonlySet<string>;
}

/**
 * 物料: the catalogue's part picker (orders/PartPicker, as on the order's materials): number or
 * name typed, picked from the list. A full part number typed and left is taken as it is.
 */
export function partColumn<D extends BaseDraft>({ t, patch, note, flagged, client, width = 170 }: Common<D> & { client: ApiClient; width?: number }): LineColumn<D> {
  const take = (key: string, p: PartOption, typed: string | null) =>
    patch(key, (l) => {
      // A lookup of typed text that answers after the text changed again is dropped.
      if (typed !== null && !same(l.partText, typed)) return {};
      const part = partRef(p);
      return { part, partText: part.partNo, ...(l.part?.id !== part.id ? { serials: '' } : {}) } as Partial<D>;
    });
  return {
    field: 'part',
    label: t('store.col.part'),
    width,
    required: true,
    render: (line, { onBlur, ...cell }, _update, i) => (
      <WithNote i={i} field="part" note={note(i, 'part')}>
        <PartPicker
          client={client}
          text={line.partText}
          testIdPrefix={`line-${i}-part`}
          inputProps={{
            ...cell,
            className: flagged.has(line.key) ? 'store-flagged' : undefined,
            'aria-invalid': cell['aria-invalid'] || Boolean(note(i, 'part')),
          }}
          onText={(text) => patch(line.key, (l) => ({ partText: text, part: l.part && same(l.part.partNo, text) ? l.part : null }) as Partial<D>)}
          onPick={(p) => take(line.key, p, null)}
          onBlur={() => {
            onBlur();
            const typed = line.partText;
            if (line.part && same(line.part.partNo, typed)) return;
            void partNamed(client, typed).then((p) => p && take(line.key, p, typed), () => undefined);
          }}
        />
      </WithNote>
    ),
  };
}

/** 名称 / 规格: what the part is, read only. */
export function nameColumn<D extends BaseDraft>(t: TFunction, width = 170): LineColumn<D> {
  return {
    field: 'name',
    label: t('store.col.name'),
    width,
    render: (line) => (
      <div className="store-cell-text" title={line.part ? [line.part.name, line.part.spec].filter(Boolean).join(' ') : undefined}>
        {line.part ? (
          <>
            {line.part.name}
            {line.part.spec && <span className="muted"> {line.part.spec}</span>}
            {line.part.serialTracked && <span className="store-tag">{t('store.serialTag')}</span>}
          </>
        ) : (
          <span className="muted">—</span>
        )}
      </div>
    ),
  };
}

/** A whole number typed in a cell (the quantity; the counted quantity of a count). */
export function numberColumn<D extends BaseDraft, K extends keyof D & string>({ t, patch, note }: Common<D>, field: K, label: string, width = 76): LineColumn<D> {
  return {
    field,
    label,
    width,
    required: true,
    className: 'num',
    render: (line, cell, _update, i) => (
      <WithNote i={i} field={field} note={note(i, field)}>
        <div className="store-qty">
          <input
            {...cell}
            type="text"
            inputMode="numeric"
            className="num"
            aria-invalid={cell['aria-invalid'] || Boolean(note(i, field))}
            value={String(line[field] ?? '')}
            onChange={(e) => patch(line.key, { [field]: e.target.value } as Partial<D>)}
          />
          {line.part?.unit && <span className="store-unit">{line.part.unit}</span>}
        </div>
      </WithNote>
    ),
  };
}

/**
 * 序列号: typed (separated by commas, spaces or line breaks; Enter from a scanner adds a
 * separator) or chosen in the picker (…); the count against what the line needs is shown.
 */
export function serialsColumn<D extends BaseDraft>(
  { t, patch, note }: Common<D>,
  opts: {
    label?: string;
    width?: number;
    /** How many serials the line needs (null: not known yet); by default its quantity. */
    expected?(line: D): number | null;
    /** Whether the line takes serials at all (the right kind of line); by default when its part is serial-tracked. */
    enabled?(line: D): boolean;
    onPick(line: D): void;
    placeholder?(line: D): string;
  },
): LineColumn<D> {
  return {
    field: 'serials',
    label: opts.label ?? t('store.col.serials'),
    width: opts.width ?? 230,
    render: (line, cell, _update, i) => {
      const on = opts.enabled ? opts.enabled(line) : Boolean(line.part?.serialTracked);
      const count = parseSerials(line.serials).length;
      const expected = opts.expected ? opts.expected(line) : quantityOf(line.quantity);
      const mismatch = on && expected !== null && count !== expected;
      return (
        <WithNote i={i} field="serials" note={note(i, 'serials')}>
          <div className="store-serials">
            <input
              {...cell}
              type="text"
              disabled={cell.disabled || !on}
              aria-invalid={cell['aria-invalid'] || Boolean(note(i, 'serials'))}
              value={on ? line.serials : ''}
              title={line.serials}
              placeholder={on ? (opts.placeholder?.(line) ?? t('store.serialsPlaceholder')) : line.part && !line.part.serialTracked ? t('store.notTracked') : ''}
              onChange={(e) => patch(line.key, { serials: e.target.value } as Partial<D>)}
              onKeyDown={(e) => {
                // A scanner ends each serial with Enter: keep it as a separator.
                if (e.key === 'Enter' && !e.ctrlKey && !e.metaKey) {
                  e.preventDefault();
                  const v = e.currentTarget.value.trimEnd();
                  if (v && !/[,，;；、]$/.test(v)) patch(line.key, { serials: `${v}, ` } as Partial<D>);
                } else if (e.key === 'F4' || (e.key === 'ArrowDown' && e.altKey)) {
                  e.preventDefault();
                  opts.onPick(line);
                }
              }}
            />
            {on && (
              <span className={`store-count${mismatch ? ' bad' : count ? ' ok' : ''}`} data-testid={`line-${i}-serials-count`} title={t('store.serialCountTitle')}>
                {expected !== null ? `${count}/${expected}` : count}
              </span>
            )}
            {on && (
              <button
                type="button"
                className="btn btn-small store-pick"
                data-testid={`line-${i}-serials-pick`}
                disabled={cell.disabled}
                title={t('store.pickSerials')}
                onClick={() => opts.onPick(line)}
              >
                …
              </button>
            )}
          </div>
        </WithNote>
      );
    },
  };
}

/** A value the window works out (available, current balance, difference): read only, with its message. */
export function infoColumn<D extends BaseDraft>(
  { note }: Pick<Common<D>, 'note'>,
  field: string,
  label: string,
  value: (line: D, i: number) => { text: string; kind?: 'bad' | 'ok' | 'muted' | 'plus' | 'minus'; title?: string } | null,
  width = 80,
): LineColumn<D> {
  return {
    field,
    label,
    width,
    className: 'num',
    render: (line, cell: CellProps, _update, i) => {
      const v = value(line, i);
      return (
        <WithNote i={i} field={field} note={note(i, field)}>
          <div className={`store-info${v?.kind ? ` ${v.kind}` : ''}`} data-testid={cell['data-testid']} title={v?.title}>
            {v ? v.text : '—'}
          </div>
        </WithNote>
      );
    },
  };
}

/**
 * The serial picker (…) of one line: it starts from the line's serials and OK puts the serials,
 * and the quantity where the keeper made it the count, into the line. The line needs its
 * quantity of serials unless `expected` says otherwise.
 */
export function LineSerialPicker<D extends BaseDraft>({
  line,
  patch,
  onClose,
  expected = quantityOf(line.quantity),
  ...picker
}: { line: D; patch: Patch<D>; onClose(): void; expected?: number | null } & Omit<ComponentProps<typeof SerialPicker>, 'value' | 'expected' | 'onOk' | 'onCancel'>) {
  return (
    <SerialPicker
      {...picker}
      value={line.serials}
      expected={expected}
      onOk={(serials, quantity) => {
        patch(line.key, { serials: serialsText(serials), ...(quantity !== null ? { quantity: String(quantity) } : {}) } as Partial<D>);
        onClose();
      }}
      onCancel={onClose}
    />
  );
}
