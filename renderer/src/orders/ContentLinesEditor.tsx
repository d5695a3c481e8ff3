import { useCallback, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { ContentLine, ContentLineInput, Engineer, RegionNode } from '../../../shared/dispatch/schemas.js';
import { workResults } from '../../../shared/dispatch/schemas.js';
import { engineerOptions, engineerPicker } from '../text/engineer-options.js';
import { PinyinSelect } from '../text/PinyinSelect.js';
import type { LineColumn } from './LinesTable.js';
import { dateCell, decimalCell, LinesEditorFrame, selectCell, type LinesEditorProps } from './line-cells.js';
import { checkContent, contentCompareFields, contentDraft, hundredthsText, newContentDraft, parseHours, today, totalHours, type ContentDraft } from './lines.js';

/** Contract names that are named otherwise in the table. */
const labelOf: Record<string, string> = { hoursX100: 'hours', engineerId: 'engineer' };

interface Props extends LinesEditorProps<ContentLine, ContentLineInput> {
  engineers: readonly Engineer[];
  /** The region tree and the order's region: its engineers come first in the picker. */
  regions: readonly RegionNode[];
  regionId: number | null;
  /** What a new line starts with: the order's engineer and task type. */
  defaults: { engineerId: number | null; workType: string };
  /** Work types offered while typing (the task types); any text is allowed. */
  workTypes: readonly string[];
}

/** 售服内容: what was done on site, one line per visit and engineer. */
export function ContentLinesEditor(props: Props) {
  const { t } = useTranslation();
  const { engineers, regions, regionId, defaults, workTypes, ...common } = props;

  const columns = useMemo((): LineColumn<ContentDraft>[] => {
    const people = engineerPicker(engineers, regions, regionId, t);
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
        render: dateCell('workDate', { placeholder: () => today() }),
      },
      {
        field: 'engineerId',
        label: t('lines.content.engineer'),
        width: 92,
        required: true,
        render: (line, cell, update) => (
          <PinyinSelect
            {...cell}
            options={engineerOptions(people, line.engineerId)}
            value={line.engineerId}
            emptyLabel={t('lines.choose')}
            sectionLabels={people.sectionLabels}
            onChange={(v) => update({ engineerId: v })}
          />
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
        render: selectCell('result', workResults, (r) => t(`workResult.${r}`)),
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
        render: decimalCell('hours', '0.0', (text) => {
          const h = parseHours(text);
          return h.ok ? hundredthsText(h.value) : null;
        }),
      },
    ];
  }, [engineers, regions, regionId, t]);

  const newLine = useCallback(() => newContentDraft(defaults), [defaults]);
  const describe = useCallback(
    (l: ContentLine) =>
      [l.workDate, l.engineer || `#${l.engineerId}`, l.workType, t('lines.conflict.hours', { hours: hundredthsText(l.hoursX100) }), t(`workResult.${l.result}`), l.workDone]
        .filter(Boolean)
        .join(' · '),
    [t],
  );
  const fieldLabel = useCallback((f: string) => t(`lines.content.${labelOf[f] ?? f}`), [t]);

  return (
    <>
      <LinesEditorFrame
        {...common}
        kind="content"
        toDraft={contentDraft}
        check={checkContent}
        columns={columns}
        newLine={newLine}
        compareFields={contentCompareFields}
        describe={describe}
        fieldLabel={fieldLabel}
        footer={(drafts) => (
          <div className="lines-totals">
            <span>{t('lines.content.count', { count: drafts.length })}</span>
            <span data-testid="content-total-hours">{t('lines.content.totalHours', { hours: hundredthsText(totalHours(drafts)) })}</span>
          </div>
        )}
      />
      <datalist id="order-work-types">
        {workTypes.map((w) => (
          <option key={w} value={w} />
        ))}
      </datalist>
    </>
  );
}
