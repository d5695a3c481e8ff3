import { useCallback, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiClient } from '../api/client.js';
import { payers } from '../../../shared/dispatch/schemas.js';
import type { MaterialLine, MaterialLineInput } from '../../../shared/warehouse/schemas.js';
import { formatFen, formatYuan } from '../../../shared/money.js';
import type { LineColumn } from './LinesTable.js';
import { decimalCell, LinesEditorFrame, selectCell, withYuanSign, type LinesEditorProps } from './line-cells.js';
import { parseAmount } from './lines.js';
import { PartPicker } from './PartPicker.js';
import {
  checkMaterials,
  draftAmount,
  materialCompareFields,
  materialDraft,
  materialTextFields,
  materialTotals,
  newMaterialDraft,
  parseQuantity,
  withPart,
  type MaterialDraft,
} from './materials.js';

// 售服材料 of one order (legacy 3.4): the planned parts, edited in place like the fees — part
// from the catalogue (number or name, `*` allowed), planned quantity, who pays (三包 / 收费),
// unit price in yuan kept as integer fen; issued / returned / used / owed come from the posted
// documents and are only shown. Ctrl+F finds and replaces in the remarks.

/** Contract names that are named otherwise in the table. */
const labelKeyOf: Record<string, string> = {
  partId: 'materials.part_no',
  part: 'materials.part_no',
  quantity: 'materials.quantity',
  payer: 'materials.payer',
  unitPriceFen: 'materials.unit_price_fen',
  unitPrice: 'materials.unit_price_fen',
  remarks: 'materials.remarks',
};

interface Props extends LinesEditorProps<MaterialLine, MaterialLineInput> {
  client: ApiClient;
  /** 三包: new lines are paid by the company. */
  warranty: boolean;
}

export function MaterialsEditor(props: Props) {
  const { t } = useTranslation();
  const { client, warranty, ...common } = props;

  const columns = useMemo((): LineColumn<MaterialDraft>[] => {
    const shown = (field: keyof MaterialDraft, className = '') =>
      function Shown(line: MaterialDraft, cell: { 'data-testid': string }) {
        const v = line[field];
        return (
          <span className={`line-static ${className}`} data-testid={cell['data-testid']} title={typeof v === 'string' ? v : undefined}>
            {String(v ?? '')}
          </span>
        );
      };
    // Short headers (the full names are in the list module): the window has no room for more.
    const fromDocuments = (field: 'issued' | 'returned' | 'used' | 'owed'): LineColumn<MaterialDraft> => ({
      field,
      label: t(`materialsTab.columns.${field}`),
      title: t(`materials.${field}_qty`),
      width: 50,
      className: 'num from-docs',
      render: (line, cell) => (
        <span className={`line-static num${field === 'owed' && line.owed > 0 ? ' owed' : ''}`} data-testid={cell['data-testid']} data-value={line[field]}>
          {line[field]}
        </span>
      ),
    });
    return [
      {
        field: 'part',
        label: t('materials.part_no'),
        width: 140,
        required: true,
        render: (line, cell, update) => (
          <PartPicker
            client={client}
            text={line.partText}
            testIdPrefix={cell['data-testid']}
            // A part already issued for the order stays the part of its line.
            inputProps={{ ...cell, disabled: cell.disabled || line.issued > 0, title: line.issued > 0 ? t('materialsTab.partFixed') : undefined }}
            onBlur={cell.onBlur}
            onText={(text) => update({ partText: text })}
            onPick={(part) => update(withPart(line, part))}
          />
        ),
      },
      { field: 'partName', label: t('materials.part_name'), width: 104, render: shown('partName') },
      { field: 'spec', label: t('materials.spec'), width: 80, render: shown('spec') },
      { field: 'unit', label: t('materials.unit'), width: 44, render: shown('unit', 'center') },
      {
        field: 'quantity',
        label: t('materials.quantity'),
        width: 76,
        required: true,
        className: 'num',
        render: decimalCell('quantity', '0', (text) => {
          const q = parseQuantity(text);
          return q.ok ? String(q.value) : null;
        }),
      },
      {
        field: 'payer',
        label: t('materials.payer'),
        width: 82,
        required: true,
        render: selectCell('payer', payers, (p) => t(`materialPayer.${p}`)),
      },
      {
        field: 'unitPrice',
        label: t('materialsTab.unitPrice'),
        width: 100,
        required: true,
        className: 'num',
        render: decimalCell(
          'unitPrice',
          '0.00',
          (text) => {
            const a = parseAmount(text);
            return a.ok ? formatYuan(a.value) : null;
          },
          withYuanSign,
        ),
      },
      {
        field: 'amount',
        label: t('materials.amount_fen'),
        width: 90,
        className: 'num',
        render: (line, cell) => {
          const a = draftAmount(line);
          return (
            <span className="line-static num" data-testid={cell['data-testid']} data-fen={a ?? ''}>
              {a === null ? '—' : formatFen(a)}
            </span>
          );
        },
      },
      fromDocuments('issued'),
      fromDocuments('returned'),
      fromDocuments('used'),
      fromDocuments('owed'),
      {
        field: 'remarks',
        label: t('materials.remarks'),
        render: (line, cell, update) => <input {...cell} type="text" value={line.remarks} title={line.remarks} onChange={(e) => update({ remarks: e.target.value })} />,
      },
    ];
  }, [t, client]);

  const newLine = useCallback(() => newMaterialDraft(warranty), [warranty]);
  const describe = useCallback(
    (l: MaterialLine) =>
      [`${l.partNo} ${l.partName}`.trim(), `× ${l.quantity}${l.unit ? ` ${l.unit}` : ''}`, t(`materialPayer.${l.payer}`), formatFen(l.unitPriceFen), l.remarks].filter(Boolean).join(' · '),
    [t],
  );
  const fieldLabel = useCallback((f: string) => t(labelKeyOf[f] ?? `materials.${f}`, { defaultValue: f }), [t]);
  const removeBlocked = useCallback(
    (d: MaterialDraft) => (d.issued > 0 ? t('reasons.MATERIAL_LINE_ISSUED', { partNo: d.partNo }) : null),
    [t],
  );

  return (
    <LinesEditorFrame
      {...common}
      kind="materials"
      toDraft={materialDraft}
      check={checkMaterials}
      columns={columns}
      newLine={newLine}
      compareFields={materialCompareFields}
      describe={describe}
      fieldLabel={fieldLabel}
      findFields={materialTextFields}
      removeBlocked={removeBlocked}
      footer={(drafts, dirty) => {
        const totals = materialTotals(drafts);
        return (
          <div className="lines-totals material-totals" data-testid="material-totals" data-source={dirty ? 'draft' : 'saved'}>
            <span>{t('materialsTab.count', { count: drafts.length })}</span>
            <span>
              {t('materialsTab.totalQuantity')}
              <b data-testid="material-total-quantity">{totals.quantity}</b>
            </span>
            {(['customer', 'company', 'all'] as const).map((k) => (
              <span key={k} className={`fee-total${k === 'all' ? ' fee-total-all' : ''}`}>
                {t(`materialsTab.total.${k}`)}
                <b data-testid={`material-total-${k}`} data-fen={totals[k]}>
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
