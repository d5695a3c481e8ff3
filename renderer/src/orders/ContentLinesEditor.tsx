import { useCallback, useMemo, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import type { ContentLine, ContentLineInput, Engineer } from '../../../shared/dispatch/schemas.js';
import { workResults } from '../../../shared/dispatch/schemas.js';
import { LinesTable, useLinesEditor, type EditorHandle, type LineColumn, type SaveOutcome } from './LinesTable.js';
import { checkContent, contentDraft, hundredthsText, newContentDraft, parseHours, today, totalHours, type ContentDraft } from './lines.js';
import { parseDate } from '../query/draft.js';

interface Props {
  lines: readonly ContentLine[];
  engineers: readonly Engineer[];
  /** What a new line starts with: the order's engineer and task type. */
  defaults: { engineerId: number | null; workType: string };
  /** Work types offered while typing (the task types); any text is allowed. */
  workTypes: readonly string[];
  readOnly: boolean;
  readOnlyNote?: string;
  save(lines: ContentLineInput[]): Promise<SaveOutcome>;
  handle: RefObject<EditorHandle | null>;
  onDirtyChange(dirty: boolean): void;
}

/** 售服内容: what was done on site, one line per visit and engineer. */
export function ContentLinesEditor(props: Props) {
  const { t } = useTranslation();
  const { engineers, defaults, readOnly } = props;
  const check = useCallback((d: readonly ContentDraft[]) => checkContent(d), []);
  const editor = useLinesEditor({
    source: props.lines,
    toDraft: contentDraft,
    check,
    save: props.save,
    handle: props.handle,
    onDirtyChange: props.onDirtyChange,
  });

  const columns = useMemo((): LineColumn<ContentDraft>[] => {
    // Engineers no longer active stay selectable on the lines that already name them.
    const active = engineers.filter((e) => e.active);
    const text = (field: 'workType' | 'findings' | 'workDone' | 'faultCause' | 'resultReason', placeholder?: string): LineColumn<ContentDraft>['render'] =>
      function TextCell(line, cell, update) {
        return (
          <input
            {...cell}
            type="text"
            value={line[field]}
            title={line[field]}
            placeholder={placeholder}
            list={field === 'workType' ? 'order-work-types' : undefined}
            onChange={(e) => update({ [field]: e.target.value } as Partial<ContentDraft>)}
          />
        );
      };
    return [
      {
        field: 'workDate',
        label: t('lines.content.workDate'),
        width: 102,
        required: true,
        render: (line, cell, update) => (
          <input
            {...cell}
            type="text"
            value={line.workDate}
            placeholder={today()}
            onChange={(e) => update({ workDate: e.target.value })}
            onBlur={() => {
              cell.onBlur();
              const d = parseDate(line.workDate.trim());
              if (d && !d.time && d.day !== line.workDate) update({ workDate: d.day });
            }}
          />
        ),
      },
      {
        field: 'engineerId',
        label: t('lines.content.engineer'),
        width: 92,
        required: true,
        render: (line, cell, update) => (
          <select {...cell} value={line.engineerId} onChange={(e) => update({ engineerId: e.target.value })}>
            <option value="">{t('lines.choose')}</option>
            {engineers
              .filter((e) => e.active || String(e.id) === line.engineerId)
              .map((e) => (
                <option key={e.id} value={String(e.id)}>
                  {e.name}
                </option>
              ))}
            {line.engineerId && !engineers.some((e) => String(e.id) === line.engineerId) && (
              <option value={line.engineerId}>#{line.engineerId}</option>
            )}
            {active.length === 0 && <option disabled>{t('lines.noEngineers')}</option>}
          </select>
        ),
      },
      { field: 'workType', label: t('lines.content.workType'), width: 104, required: true, render: text('workType') },
      { field: 'findings', label: t('lines.content.findings'), render: text('findings') },
      { field: 'workDone', label: t('lines.content.workDone'), render: text('workDone') },
      { field: 'faultCause', label: t('lines.content.faultCause'), width: 112, render: text('faultCause') },
      {
        field: 'result',
        label: t('lines.content.result'),
        width: 92,
        required: true,
        render: (line, cell, update) => (
          <select {...cell} value={line.result} onChange={(e) => update({ result: e.target.value as ContentDraft['result'] })}>
            {workResults.map((r) => (
              <option key={r} value={r}>
                {t(`workResult.${r}`)}
              </option>
            ))}
          </select>
        ),
      },
      {
        field: 'resultReason',
        label: t('lines.content.resultReason'),
        width: 128,
        render: (line, cell, update) => (
          <input
            {...cell}
            type="text"
            value={line.result === 'solved' ? '' : line.resultReason}
            disabled={cell.disabled || line.result === 'solved'}
            placeholder={line.result === 'solved' ? '' : t('lines.content.reasonPlaceholder')}
            title={line.resultReason}
            onChange={(e) => update({ resultReason: e.target.value })}
          />
        ),
      },
      {
        field: 'hours',
        label: t('lines.content.hours'),
        width: 64,
        required: true,
        className: 'num',
        render: (line, cell, update) => (
          <input
            {...cell}
            type="text"
            inputMode="decimal"
            className="num"
            value={line.hours}
            placeholder="0.0"
            onChange={(e) => update({ hours: e.target.value })}
            onBlur={() => {
              cell.onBlur();
              const h = parseHours(line.hours);
              if (h.ok && hundredthsText(h.value) !== line.hours) update({ hours: hundredthsText(h.value) });
            }}
          />
        ),
      },
    ];
  }, [engineers, t]);

  const newLine = useCallback(() => newContentDraft(defaults), [defaults]);
  const hours = totalHours(editor.drafts);

  return (
    <>
      <LinesTable
        kind="content"
        columns={columns}
        lines={editor.drafts}
        onChange={editor.change}
        api={editor.table}
        newLine={newLine}
        errors={editor.errors}
        serverErrors={editor.serverErrors}
        showAll={editor.showAll}
        dirty={editor.dirty}
        saving={editor.saving}
        readOnly={readOnly}
        readOnlyNote={props.readOnlyNote}
        onSave={() => void editor.save()}
        footer={
          <div className="lines-totals">
            <span>{t('lines.content.count', { count: editor.drafts.length })}</span>
            <span data-testid="content-total-hours">{t('lines.content.totalHours', { hours: hundredthsText(hours) })}</span>
          </div>
        }
      />
      <datalist id="order-work-types">
        {props.workTypes.map((w) => (
          <option key={w} value={w} />
        ))}
      </datalist>
    </>
  );
}
