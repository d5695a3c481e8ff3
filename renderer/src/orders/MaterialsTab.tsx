import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { ApiClient } from '../api/client.js';
import type { MaterialLine, MaterialLineInput, OrderMaterials } from '../../../shared/warehouse/schemas.js';
import { OPEN_OWED_STATUSES } from '../../../shared/warehouse/schemas.js';
import { formatDateTime } from '../grid/format.js';
import type { LinesEditorProps } from './line-cells.js';
import { today } from './lines.js';
import { MaterialsEditor } from './MaterialsEditor.js';

// The order window's materials tab: the plan (MaterialsEditor) and, below it, what the
// warehouse's documents say about the order — its owed parts, the swaps in the customer's
// device (old serial → new serial) and the stock documents themselves.

interface Props extends Omit<LinesEditorProps<MaterialLine, MaterialLineInput>, 'lines'> {
  client: ApiClient;
  materials: OrderMaterials | null;
  /** Why the materials could not be read (the plan is then not offered for editing). */
  loadError: string | null;
  warranty: boolean;
}

const sections = ['owed', 'swaps', 'documents'] as const;
type Section = (typeof sections)[number];

export function MaterialsTab({ client, materials, loadError, warranty, ...editor }: Props) {
  const { t } = useTranslation();
  const [section, setSection] = useState<Section>('owed');
  if (!materials) {
    return (
      <div className="materials-tab" data-testid="materials-tab">
        {loadError ? <div className="form-error" role="alert">{loadError}</div> : <div className="order-loading">{t('common.loading')}</div>}
      </div>
    );
  }
  const counts: Record<Section, number> = { owed: materials.owed.length, swaps: materials.swaps.length, documents: materials.documents.length };
  return (
    <div className="materials-tab" data-testid="materials-tab">
      <MaterialsEditor {...editor} client={client} lines={materials.lines} warranty={warranty} />
      <div className="materials-extra">
        <div className="materials-extra-tabs" role="tablist">
          {sections.map((s) => (
            <button
              key={s}
              type="button"
              role="tab"
              aria-selected={section === s}
              className={`materials-extra-tab ${section === s ? 'active' : ''}`}
              data-testid={`materials-section-${s}`}
              onClick={() => setSection(s)}
            >
              {t(`materialsTab.sections.${s}`)}
              <span className="tab-count">{counts[s]}</span>
            </button>
          ))}
        </div>
        <div className="materials-extra-body" role="tabpanel">
          {section === 'owed' && <OwedTable t={t} rows={materials.owed} />}
          {section === 'swaps' && <SwapsTable t={t} rows={materials.swaps} />}
          {section === 'documents' && <DocumentsTable t={t} rows={materials.documents} />}
        </div>
      </div>
    </div>
  );
}

function Empty({ text }: { text: string }) {
  return <div className="materials-extra-empty">{text}</div>;
}

function OwedTable({ t, rows }: { t: TFunction; rows: OrderMaterials['owed'] }) {
  if (rows.length === 0) return <Empty text={t('materialsTab.noOwed')} />;
  const day = today();
  return (
    <table className="mini-table" data-testid="materials-owed">
      <thead>
        <tr>
          <th style={{ width: 130 }}>{t('owed.part_no')}</th>
          <th style={{ width: 120 }}>{t('owed.part_name')}</th>
          <th className="num" style={{ width: 64 }}>{t('owed.quantity')}</th>
          <th className="num" style={{ width: 64 }}>{t('owed.supplied')}</th>
          <th style={{ width: 80 }}>{t('owed.status')}</th>
          <th style={{ width: 140 }}>{t('owed.promised_date')}</th>
          <th style={{ width: 80 }}>{t('owed.responsible')}</th>
          <th>{t('owed.reason')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((o) => {
          const overdue = OPEN_OWED_STATUSES.includes(o.status) && o.promisedDate < day;
          return (
            <tr key={o.id} data-testid="materials-owed-row" data-status={o.status} data-overdue={overdue} className={overdue ? 'row-danger' : ''}>
              <td>{o.partNo}</td>
              <td>{o.partName}</td>
              <td className="num">{o.quantity}</td>
              <td className="num">{o.supplied}</td>
              <td>{t(`owedStatus.${o.status}`)}</td>
              <td>
                {o.promisedDate}
                {overdue && <span className="overdue-tag">{t('materialsTab.overdue')}</span>}
              </td>
              <td>{o.responsible}</td>
              <td title={o.closeReason ? `${t('owed.close_reason')}：${o.closeReason}` : o.reason}>
                {o.reason}
                {o.closeReason && <span className="muted">（{t('owed.close_reason')}：{o.closeReason}）</span>}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function SwapsTable({ t, rows }: { t: TFunction; rows: OrderMaterials['swaps'] }) {
  if (rows.length === 0) return <Empty text={t('materialsTab.noSwaps')} />;
  return (
    <table className="mini-table" data-testid="materials-swaps">
      <thead>
        <tr>
          <th style={{ width: 130 }}>{t('materialsTab.swap.at')}</th>
          <th style={{ width: 180 }}>{t('materialsTab.swap.part')}</th>
          <th style={{ width: 260 }}>{t('materialsTab.swap.serials')}</th>
          <th>{t('stockdoc.fault')}</th>
          <th style={{ width: 150 }}>{t('stockdoc.doc_no')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((s, i) => (
          <tr key={`${s.docNo}-${i}`} data-testid="materials-swap-row" data-reversed={s.reversed} className={s.reversed ? 'reversed' : ''}>
            <td>{formatDateTime(s.at)}</td>
            <td>
              {s.partNo} {s.partName}
            </td>
            <td>
              <span className="serial old" data-testid="swap-old">
                {s.oldSerial || '—'}
              </span>
              <span className="arrow">→</span>
              <span className="serial new" data-testid="swap-new">
                {s.newSerial || '—'}
              </span>
            </td>
            <td>{s.fault}</td>
            <td>
              {s.docNo}
              {s.reversed && <span className="muted">（{t('materialsTab.reversed')}）</span>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function DocumentsTable({ t, rows }: { t: TFunction; rows: OrderMaterials['documents'] }) {
  if (rows.length === 0) return <Empty text={t('materialsTab.noDocuments')} />;
  return (
    <table className="mini-table" data-testid="materials-documents">
      <thead>
        <tr>
          <th style={{ width: 150 }}>{t('stockdoc.doc_no')}</th>
          <th style={{ width: 90 }}>{t('materialsTab.docType')}</th>
          <th style={{ width: 140 }}>{t('stockdoc.posted_at')}</th>
          <th style={{ width: 100 }}>{t('stockdoc.posted_by')}</th>
          <th>{t('stockdoc.reversed_by')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((d) => (
          <tr key={d.docNo} data-testid="materials-document-row" data-doc-no={d.docNo} data-type={d.type} className={d.reversedBy ? 'reversed' : ''}>
            <td>{d.docNo}</td>
            <td>{t(`documentType.${d.type}`)}</td>
            <td>{formatDateTime(d.at)}</td>
            <td>{d.by}</td>
            <td>{d.reversedBy ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
