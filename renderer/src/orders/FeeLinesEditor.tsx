import { useCallback, useMemo, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import type { FeeLine, FeeLineInput } from '../../../shared/dispatch/schemas.js';
import { feeTypes, payers } from '../../../shared/dispatch/schemas.js';
import { parseDate } from '../query/draft.js';
import { LinesTable, useLinesEditor, type EditorHandle, type LineColumn, type SaveOutcome } from './LinesTable.js';
import { formatFen, formatYuan } from '../../../shared/money.js';
import { checkFees, feeDraft, feeTotals, newFeeDraft, parseAmount, today, type FeeDraft, type FeeTotals } from './lines.js';

interface Props {
  lines: readonly FeeLine[];
  /** The server's sums of the saved lines. */
  savedTotals: FeeTotals;
  /** 三包: new lines are paid by the company. */
  warranty: boolean;
  readOnly: boolean;
  readOnlyNote?: string;
  save(lines: FeeLineInput[]): Promise<SaveOutcome>;
  handle: RefObject<EditorHandle | null>;
  onDirtyChange(dirty: boolean): void;
}

/** 售服费用: what the service costs and who pays, in integer fen. */
export function FeeLinesEditor(props: Props) {
  const { t } = useTranslation();
  const { warranty, readOnly } = props;
  const check = useCallback((d: readonly FeeDraft[]) => checkFees(d), []);
  const editor = useLinesEditor({
    source: props.lines,
    toDraft: feeDraft,
    check,
    save: props.save,
    handle: props.handle,
    onDirtyChange: props.onDirtyChange,
  });

  const columns = useMemo(
    (): LineColumn<FeeDraft>[] => [
      {
        field: 'feeType',
        label: t('lines.fees.feeType'),
        width: 120,
        required: true,
        render: (line, cell, update) => (
          <select {...cell} value={line.feeType} onChange={(e) => update({ feeType: e.target.value as FeeDraft['feeType'] })}>
            {feeTypes.map((f) => (
              <option key={f} value={f}>
                {t(`feeType.${f}`)}
              </option>
            ))}
          </select>
        ),
      },
      {
        field: 'amount',
        label: t('lines.fees.amount'),
        width: 130,
        required: true,
        className: 'num',
        render: (line, cell, update) => (
          <span className="money-input">
            <span className="money-sign">¥</span>
            <input
              {...cell}
              type="text"
              inputMode="decimal"
              className="num"
              value={line.amount}
              placeholder="0.00"
              onChange={(e) => update({ amount: e.target.value })}
              onBlur={() => {
                cell.onBlur();
                const a = parseAmount(line.amount);
                if (a.ok && formatYuan(a.value) !== line.amount) update({ amount: formatYuan(a.value) });
              }}
            />
          </span>
        ),
      },
      {
        field: 'payer',
        label: t('lines.fees.payer'),
        width: 100,
        required: true,
        render: (line, cell, update) => (
          <select {...cell} value={line.payer} onChange={(e) => update({ payer: e.target.value as FeeDraft['payer'] })}>
            {payers.map((p) => (
              <option key={p} value={p}>
                {t(`payer.${p}`)}
              </option>
            ))}
          </select>
        ),
      },
      {
        field: 'settled',
        label: t('lines.fees.settled'),
        width: 64,
        className: 'center',
        render: (line, cell, update) => (
          <input
            {...cell}
            type="checkbox"
            checked={line.settled}
            onChange={(e) => update({ settled: e.target.checked, settledOn: e.target.checked ? line.settledOn || today() : '' })}
          />
        ),
      },
      {
        field: 'settledOn',
        label: t('lines.fees.settledOn'),
        width: 110,
        render: (line, cell, update) => (
          <input
            {...cell}
            type="text"
            value={line.settledOn}
            disabled={cell.disabled || !line.settled}
            placeholder={line.settled ? today() : ''}
            onChange={(e) => update({ settledOn: e.target.value })}
            onBlur={() => {
              cell.onBlur();
              const d = parseDate(line.settledOn.trim());
              if (d && !d.time && d.day !== line.settledOn) update({ settledOn: d.day });
            }}
          />
        ),
      },
      {
        field: 'remarks',
        label: t('lines.fees.remarks'),
        render: (line, cell, update) => (
          <input {...cell} type="text" value={line.remarks} title={line.remarks} onChange={(e) => update({ remarks: e.target.value })} />
        ),
      },
    ],
    [t],
  );

  const newLine = useCallback(() => newFeeDraft(warranty), [warranty]);
  // While the lines are being changed the totals follow what is typed; otherwise the server's.
  const totals = editor.dirty ? feeTotals(editor.drafts) : props.savedTotals;

  return (
    <LinesTable
      kind="fees"
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
        <div className="lines-totals fee-totals" data-testid="fee-totals" data-source={editor.dirty ? 'draft' : 'saved'}>
          <span>{t('lines.fees.count', { count: editor.drafts.length })}</span>
          <span className="fee-total">
            {t('lines.fees.totalCustomer')}
            <b data-testid="fee-total-customer" data-fen={totals.customer}>
              {formatFen(totals.customer)}
            </b>
          </span>
          <span className="fee-total">
            {t('lines.fees.totalCompany')}
            <b data-testid="fee-total-company" data-fen={totals.company}>
              {formatFen(totals.company)}
            </b>
          </span>
          <span className="fee-total fee-total-all">
            {t('lines.fees.totalAll')}
            <b data-testid="fee-total-all" data-fen={totals.all}>
              {formatFen(totals.all)}
            </b>
          </span>
          {editor.dirty && <span className="note">{t('lines.fees.totalsUnsaved')}</span>}
        </div>
      }
    />
  );
}
