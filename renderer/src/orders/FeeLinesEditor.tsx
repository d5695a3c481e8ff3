import { useCallback, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { FeeLine, FeeLineInput } from '../../../shared/dispatch/schemas.js';
import { feeTypes, payers } from '../../../shared/dispatch/schemas.js';
import type { LineColumn } from './LinesTable.js';
import { dateCell, decimalCell, LinesEditorFrame, selectCell, withYuanSign, type LinesEditorProps } from './line-cells.js';
import { formatFen, formatYuan } from '../../../shared/money.js';
import { checkFees, feeCompareFields, feeDraft, feeTotals, newFeeDraft, parseAmount, today, type FeeDraft, type FeeTotals } from './lines.js';
import { partsFeeTotal, type PartsFeeLine } from './materials.js';

/** Contract names that are named otherwise in the table. */
const labelOf: Record<string, string> = { amountFen: 'amount' };

interface Props extends LinesEditorProps<FeeLine, FeeLineInput> {
  /** The server's sums of the saved lines. */
  savedTotals: FeeTotals;
  /** 三包: new lines are paid by the company. */
  warranty: boolean;
  /**
   * Chargeable parts used on the order (dispatch.get `materialFees`): computed from the materials,
   * never typed; shown under the lines and counted in the totals (the server's `savedTotals` have them).
   */
  partsLines?: readonly PartsFeeLine[];
}

const totalLabels = { customer: 'lines.fees.totalCustomer', company: 'lines.fees.totalCompany', all: 'lines.fees.totalAll' } as const;

/** 售服费用: what the service costs and who pays, in integer fen. */
export function FeeLinesEditor(props: Props) {
  const { t } = useTranslation();
  const { savedTotals, warranty, partsLines = [], ...common } = props;
  const partsFen = partsFeeTotal(partsLines);

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
        // The server's sums count the chargeable parts already; those of the drafts add them once.
        const typed = feeTotals(drafts);
        const totals = dirty ? { customer: typed.customer + partsFen, company: typed.company, all: typed.all + partsFen } : savedTotals;
        return (
          <>
            <PartsFeeLines lines={partsLines} />
            <div className="lines-totals fee-totals" data-testid="fee-totals" data-source={dirty ? 'draft' : 'saved'} data-parts-fen={partsFen}>
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
              {partsFen > 0 && <span className="note">{t('materialsTab.feesParts.included', { amount: formatFen(partsFen) })}</span>}
            </div>
          </>
        );
      }}
    />
  );
}

/** The computed parts lines, laid out on the fee table's columns: mark, type, amount, payer, source, what they are. */
function PartsFeeLines({ lines }: { lines: readonly PartsFeeLine[] }) {
  const { t } = useTranslation();
  if (lines.length === 0) return null;
  return (
    <div className="parts-fee-lines" data-testid="parts-fee-lines" title={t('materialsTab.feesParts.title')}>
      <table className="mini-table">
        <colgroup>
          <col style={{ width: 34 }} />
          <col style={{ width: 120 }} />
          <col style={{ width: 130 }} />
          <col style={{ width: 100 }} />
          <col style={{ width: 174 }} />
          <col />
        </colgroup>
        <tbody>
          {lines.map((p) => (
            <tr key={p.id} data-testid="parts-fee-line" data-fen={p.amountFen}>
              <td className="parts-fee-mark">{t('materialsTab.feesParts.mark')}</td>
              <td>{t('feeType.parts')}</td>
              <td className="num">
                <b>{formatFen(p.amountFen)}</b>
              </td>
              <td>{t('payer.customer')}</td>
              <td className="muted">{t('materialsTab.feesParts.source')}</td>
              <td title={`${p.partNo} ${p.partName}`}>
                {p.partNo} {p.partName}
                <span className="muted"> · {t('materialsTab.feesParts.calc', { used: p.used, unit: p.unit ?? '', price: formatFen(p.unitPriceFen) })}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
