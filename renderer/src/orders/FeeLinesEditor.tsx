import { useCallback, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { FeeLine, FeeLineInput } from '../../../shared/dispatch/schemas.js';
import { feeTypes, payers } from '../../../shared/dispatch/schemas.js';
import type { LineColumn } from './LinesTable.js';
import { dateCell, decimalCell, LinesEditorFrame, selectCell, type LinesEditorProps } from './line-cells.js';
import { formatFen, formatYuan } from '../../../shared/money.js';
import { checkFees, feeCompareFields, feeDraft, feeTotals, newFeeDraft, parseAmount, today, type FeeDraft, type FeeTotals } from './lines.js';

/** Contract names that are named otherwise in the table. */
const labelOf: Record<string, string> = { amountFen: 'amount' };

interface Props extends LinesEditorProps<FeeLine, FeeLineInput> {
  /** The server's sums of the saved lines. */
  savedTotals: FeeTotals;
  /** 三包: new lines are paid by the company. */
  warranty: boolean;
}

const totalLabels = { customer: 'lines.fees.totalCustomer', company: 'lines.fees.totalCompany', all: 'lines.fees.totalAll' } as const;

/** The amount with its currency sign in front. */
const withYuanSign = (input: React.ReactNode) => (
  <span className="money-input">
    <span className="money-sign">¥</span>
    {input}
  </span>
);

/** 售服费用: what the service costs and who pays, in integer fen. */
export function FeeLinesEditor(props: Props) {
  const { t } = useTranslation();
  const { savedTotals, warranty, ...common } = props;

  const columns = useMemo(
    (): LineColumn<FeeDraft>[] => [
      {
        field: 'feeType',
        label: t('lines.fees.feeType'),
        width: 120,
        required: true,
        render: selectCell('feeType', feeTypes, (f) => t(`feeType.${f}`)),
      },
      {
        field: 'amount',
        label: t('lines.fees.amount'),
        width: 130,
        required: true,
        className: 'num',
        render: decimalCell(
          'amount',
          '0.00',
          (text) => {
            const a = parseAmount(text);
            return a.ok ? formatYuan(a.value) : null;
          },
          withYuanSign,
        ),
      },
      {
        field: 'payer',
        label: t('lines.fees.payer'),
        width: 100,
        required: true,
        render: selectCell('payer', payers, (p) => t(`payer.${p}`)),
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
        render: dateCell('settledOn', { placeholder: (line) => (line.settled ? today() : ''), disabled: (line) => !line.settled }),
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
  const describe = useCallback(
    (l: FeeLine) =>
      [t(`feeType.${l.feeType}`), formatFen(l.amountFen), t(`payer.${l.payer}`), l.settled ? `${t('lines.fees.settled')} ${l.settledOn ?? ''}`.trim() : '', l.remarks]
        .filter(Boolean)
        .join(' · '),
    [t],
  );
  const fieldLabel = useCallback((f: string) => t(`lines.fees.${labelOf[f] ?? f}`), [t]);

  return (
    <LinesEditorFrame
      {...common}
      kind="fees"
      toDraft={feeDraft}
      check={checkFees}
      columns={columns}
      newLine={newLine}
      compareFields={feeCompareFields}
      describe={describe}
      fieldLabel={fieldLabel}
      footer={(drafts, dirty) => {
        // While the lines are being changed the totals follow what is typed; otherwise the server's.
        const totals = dirty ? feeTotals(drafts) : savedTotals;
        return (
          <div className="lines-totals fee-totals" data-testid="fee-totals" data-source={dirty ? 'draft' : 'saved'}>
            <span>{t('lines.fees.count', { count: drafts.length })}</span>
            {(['customer', 'company', 'all'] as const).map((k) => (
              <span key={k} className={`fee-total${k === 'all' ? ' fee-total-all' : ''}`}>
                {t(totalLabels[k])}
                <b data-testid={`fee-total-${k}`} data-fen={totals[k]}>
                  {formatFen(totals[k])}
                </b>
              </span>
            ))}
            {dirty && <span className="note">{t('lines.fees.totalsUnsaved')}</span>}
          </div>
        );
      }}
    />
  );
}
