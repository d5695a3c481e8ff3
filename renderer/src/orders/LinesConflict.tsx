import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmDialog } from '../dialogs/ConfirmDialog.js';
import { formatDateTime } from '../grid/format.js';
import { hasStoredChange, losesNothing, overwriteLoss, rebaseLines, storedChange, type OverwriteLoss } from './lines.js';

// The notice over the lines when another desk changed the order after the clerk began editing
// them: who changed it and when, what the stored lines are now (another desk's additions and
// changes marked), and the two ways on: reload (dropping the clerk's changes) or keep them and
// overwrite, after a question that names what the other desk's work would lose.

type Line = { id: number } & Readonly<Record<string, unknown>>;

interface Props<S extends Line, I extends { id?: number }> {
  /** The stored lines the clerk's drafts were based on. */
  baseLines: readonly S[];
  /** The lines stored now. */
  stored: readonly S[];
  /** The fields compared, as the contract names them. */
  fields: readonly string[];
  describe(line: S): string;
  fieldLabel(field: string): string;
  /** The reloaded order: who changed it last, and when. */
  changedBy: string;
  changedAt: string;
  /** The server's account of the refused save (who changed what), when there was one. */
  note?: string | null;
  readOnly: boolean;
  saving: boolean;
  /** Changes when a save was asked for meanwhile: the notice takes the focus. */
  focusSignal: number;
  /** The clerk's lines as the contract takes them; null when some cells are not valid. */
  checked(): I[] | null;
  onReload(): void;
  onOverwrite(lines: I[]): Promise<boolean>;
}

export function LinesConflict<S extends Line, I extends { id?: number }>(props: Props<S, I>) {
  const { baseLines, stored, fields, describe, fieldLabel } = props;
  const { t } = useTranslation();
  const [ask, setAsk] = useState<{ lines: I[]; loss: OverwriteLoss<S> } | null>(null);
  const [invalid, setInvalid] = useState(false);
  const rootRef = useRef<HTMLDivElement>(null);
  const change = useMemo(() => storedChange(baseLines, stored, fields), [baseLines, stored, fields]);
  const state = useMemo(() => {
    const m = new Map<number, { kind: 'added' | 'changed'; fields: string[] }>();
    for (const l of change.added) m.set(l.id, { kind: 'added', fields: [] });
    for (const c of change.changed) m.set(c.line.id, { kind: 'changed', fields: c.fields });
    return m;
  }, [change]);

  useEffect(() => {
    if (props.focusSignal) rootRef.current?.focus();
  }, [props.focusSignal]);

  const by = props.changedBy;
  const at = formatDateTime(props.changedAt);
  const fieldList = (fs: readonly string[]) => fs.map(fieldLabel).join('、');

  function askOverwrite() {
    const lines = props.checked();
    setInvalid(!lines);
    if (!lines) return;
    setAsk({ lines: rebaseLines(lines, stored), loss: overwriteLoss(change, lines as readonly Line[], fields) });
  }

  function confirmText(lines: readonly I[], loss: OverwriteLoss<S>): string {
    if (losesNothing(loss)) return t('lines.conflict.confirmNothing', { count: lines.length });
    const parts = [t('lines.conflict.confirmIntro', { by, count: lines.length })];
    for (const l of loss.deleted) parts.push(t('lines.conflict.loseDeleted', { line: describe(l) }));
    for (const r of loss.replaced) parts.push(t('lines.conflict.loseReplaced', { line: describe(r.line), fields: fieldList(r.fields) }));
    if (loss.revived) parts.push(t('lines.conflict.revived', { count: loss.revived }));
    parts.push(t('lines.conflict.confirmAsk'));
    return parts.join('\n');
  }

  return (
    <div
      ref={rootRef}
      className="lines-conflict"
      data-testid="lines-conflict"
      role="alert"
      tabIndex={-1}
      data-added={change.added.length}
      data-changed={change.changed.length}
      data-removed={change.removed.length}
    >
      <div className="lines-conflict-title">{t('lines.conflict.title', { by, at })}</div>
      {props.note && (
        <div className="lines-conflict-note" data-testid="lines-conflict-note">
          {props.note}
        </div>
      )}
      <div className="lines-conflict-summary">
        {hasStoredChange(change)
          ? t('lines.conflict.storedNow', { count: stored.length, added: change.added.length, changed: change.changed.length, removed: change.removed.length })
          : t('lines.conflict.storedSame', { count: stored.length })}
      </div>
      {(stored.length > 0 || change.removed.length > 0) && (
        <ol className="lines-conflict-list" data-testid="lines-conflict-stored">
          {stored.map((l) => {
            const s = state.get(l.id);
            return (
              <li key={l.id} data-testid="lines-conflict-line" data-state={s?.kind ?? 'same'} className={s ? `changed-${s.kind}` : ''}>
                <span className="lines-conflict-line">{describe(l)}</span>
                {s?.kind === 'added' && <span className="lines-conflict-tag">{t('lines.conflict.added')}</span>}
                {s?.kind === 'changed' && <span className="lines-conflict-tag">{t('lines.conflict.changed', { fields: fieldList(s.fields) })}</span>}
              </li>
            );
          })}
          {change.removed.map((l) => (
            <li key={`removed-${l.id}`} data-testid="lines-conflict-line" data-state="removed" className="changed-removed">
              <span className="lines-conflict-line">{describe(l)}</span>
              <span className="lines-conflict-tag">{t('lines.conflict.removed')}</span>
            </li>
          ))}
        </ol>
      )}
      <div className="lines-conflict-actions">
        <button type="button" className="btn btn-small btn-primary" data-testid="lines-conflict-reload" disabled={props.saving} onClick={props.onReload}>
          {t('lines.conflict.reload')}
        </button>
        <button type="button" className="btn btn-small" data-testid="lines-conflict-overwrite" disabled={props.saving || props.readOnly} onClick={askOverwrite}>
          {t('lines.conflict.overwrite')}
        </button>
        <span className="lines-conflict-help">{invalid ? t('lines.conflict.fixFirst') : t('lines.conflict.help')}</span>
      </div>
      {ask && (
        <ConfirmDialog
          title={t('lines.conflict.confirmTitle')}
          message={confirmText(ask.lines, ask.loss)}
          buttons={[
            { id: 'ok', label: t('lines.conflict.confirmOk'), danger: true, testId: 'lines-conflict-confirm-ok' },
            { id: 'cancel', label: t('common.cancel'), testId: 'lines-conflict-confirm-cancel' },
          ]}
          cancelId="cancel"
          focusId="cancel"
          testId="lines-conflict-confirm"
          onChoose={(id) => {
            const lines = ask.lines;
            setAsk(null);
            if (id === 'ok') void props.onOverwrite(lines);
            else rootRef.current?.focus();
          }}
        />
      )}
    </div>
  );
}
