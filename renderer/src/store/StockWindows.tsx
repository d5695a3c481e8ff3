import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Role } from '../../../shared/roles.js';
import type { Warehouse } from '../../../shared/warehouse/schemas.js';
import type { ApiClient } from '../api/client.js';
import { infoColumn, nameColumn, numberColumn, partColumn, serialsColumn } from './cells.js';
import { checksFailed, DocTotals, DocWindow, HeaderField, RemarksField, useDocLines, WarehouseField } from './DocWindow.js';
import { partIdsOf, partRef, useBalances, useWarehouses } from './store-data.js';
import {
  blankDraft,
  checkAdjustment,
  checkReceipt,
  lineDifference,
  quantitiesByPart,
  serialsOnOtherLines,
  type AdjustDraft,
  type ReceiptDraft,
} from './store-lines.js';

/** Parts named on the list's selected rows, to start a window with: the warehouse and the part numbers. */
export interface StockPreset {
  warehouse: string | null;
  partNos: string[];
}

interface Props {
  client: ApiClient;
  role: Role;
  preset?: StockPreset;
  onPosted(docNo: string): void;
  onClose(): void;
}

const fieldOf = { partId: 'part', quantity: 'quantity', serials: 'serials' };

/** The preset's parts as lines (looked up by number among the active parts). */
async function presetLines<D extends ReceiptDraft>(client: ApiClient, partNos: readonly string[], make: () => D): Promise<D[]> {
  const found = await Promise.all(
    partNos.map(async (no) => (await client.call('parts.options', { search: no, limit: 20 })).parts.find((p) => p.partNo === no) ?? null),
  );
  return found.flatMap((p) => {
    if (!p) return [];
    const part = partRef(p);
    return [{ ...make(), part, partText: part.partNo }];
  });
}

/** The preset's store, or the first main store, once the warehouses are read. */
function useStoreChoice(stores: readonly Warehouse[], preset?: StockPreset) {
  const [warehouseId, setWarehouseId] = useState('');
  useEffect(() => {
    if (warehouseId || !stores.length) return;
    const named = preset?.warehouse ? stores.find((w) => w.name === preset.warehouse) : undefined;
    // A main store is the usual one; the faulty store only when named.
    setWarehouseId(String((named ?? stores.find((w) => w.kind === 'main') ?? stores[0]).id));
  }, [stores, warehouseId, preset?.warehouse]);
  return [warehouseId, setWarehouseId] as const;
}

// ---------------------------------------------------------------- 入库 receipt

/**
 * 入库 (RK…): parts received into a main store. Serial-tracked parts take one serial per unit:
 * typed, scanned (Enter between them) or pasted in the picker, one per line; the picker can
 * make the quantity the number pasted.
 */
export function ReceiptWindow({ client, role, preset, onPosted, onClose }: Props) {
  const { t } = useTranslation();
  const stores = useWarehouses(client);
  const { want, forget, stockIn } = useBalances(client);
  const doc = useDocLines<ReceiptDraft>(() => [blankDraft()]);
  const { lines, patch } = doc;
  const [warehouseId, setWarehouseId] = useStoreChoice(stores.main, preset);
  const [remarks, setRemarks] = useState('');

  useEffect(() => {
    if (preset?.partNos.length) void presetLines(client, preset.partNos, blankDraft).then((l) => l.length && doc.setLines(l), () => undefined);
  }, []); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => want(partIdsOf(lines)), [lines, want]);

  const wid = warehouseId ? Number(warehouseId) : null;
  const stock = stockIn(wid);
  const checked = useMemo(() => checkReceipt(lines, stock), [lines, stock]);
  const note = doc.noteFor(checked.errors);
  const totals = quantitiesByPart(lines);
  const warehouseName = stores.all.find((w) => w.id === wid)?.name ?? '';

  const post = async () => {
    doc.setTried(true);
    if (!wid || !checked.lines) return;
    const sent = checked.lines;
    const docNo = await doc.post(async () => (await client.call('stock.receive', { warehouseId: wid, remarks: remarks.trim(), lines: sent })).docNo, fieldOf, checked.from);
    if (docNo) onPosted(docNo);
  };

  const columns = useMemo(() => {
    const common = { t, patch, note, flagged: doc.flagged };
    return [
      partColumn<ReceiptDraft>({ ...common, client }),
      nameColumn<ReceiptDraft>(t),
      numberColumn<ReceiptDraft, 'quantity'>(common, 'quantity', t('store.col.quantity')),
      infoColumn<ReceiptDraft>({ note }, 'current', t('receiptWindow.current'), (line) => {
        if (!line.part || !wid) return null;
        const s = stock(line.part.id);
        return s ? { text: String(s.quantity), kind: 'muted', title: t('receiptWindow.currentTitle', { warehouse: warehouseName }) } : { text: '…', kind: 'muted' };
      }),
      serialsColumn<ReceiptDraft>(common, {
        onPick: (line) => doc.setPicking(line.key),
        placeholder: () => t('receiptWindow.serialsPlaceholder'),
      }),
    ];
  }, [t, patch, note, doc.flagged, client, stock, wid, warehouseName]);

  const dirty = lines.some((l) => l.partText.trim() || l.quantity.trim() || l.serials.trim()) || remarks.trim() !== '';

  return (
    <DocWindow<ReceiptDraft>
      testId="receipt-window"
      title={t('receiptWindow.title')}
      ready={stores.loaded}
      header={
        <>
          <WarehouseField id="receipt-warehouse" stores={stores.main} value={warehouseId} onChange={setWarehouseId} error={stores.error ?? doc.headerErrors.warehouseId} />
          <RemarksField id="receipt-remarks" placeholder={t('receiptWindow.remarksPlaceholder')} value={remarks} onChange={setRemarks} />
        </>
      }
      columns={columns}
      doc={doc}
      newLine={blankDraft}
      footer={<DocTotals testId="receipt-totals" lines={lines} totals={totals} />}
      refusal={doc.refusal ?? (doc.tried && !doc.posted && checked.lines === null ? checksFailed(t, checked.errors) : null)}
      postedText={(docNo) => t('receiptWindow.posted', { docNo, warehouse: warehouseName })}
      postLabel={t('receiptWindow.post')}
      onPost={() => void post()}
      onNew={() => {
        forget();
        doc.restart([blankDraft()]);
        setRemarks('');
      }}
      dirty={dirty}
      onClose={onClose}
      client={client}
      role={role}
      serialPicker={(line) => ({
        title: t('serialPicker.titleReceipt', { partNo: line.part.partNo, name: line.part.name }),
        candidates: null,
      })}
    />
  );
}

// ---------------------------------------------------------------- 盘点调整 count adjustment

const newAdjustLine = (): AdjustDraft => ({ ...blankDraft(), counted: '' });

/**
 * 盘点调整 (PD…): the counted quantity of each part in one warehouse against the books; the
 * signed difference is what is posted (found +, missing −), with the serials found or missing
 * for serial-tracked parts. The reason is required. The books are read again before posting,
 * and a balance that changed meanwhile stops the post so the count is checked again.
 */
export function AdjustWindow({ client, role, preset, onPosted, onClose }: Props) {
  const { t } = useTranslation();
  const stores = useWarehouses(client);
  const { want, refresh, forget, stockIn } = useBalances(client);
  const doc = useDocLines<AdjustDraft>(() => [newAdjustLine()]);
  const { lines, patch } = doc;
  const [warehouseId, setWarehouseId] = useStoreChoice(stores.active, preset);
  const [reason, setReason] = useState('');
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    if (preset?.partNos.length) void presetLines(client, preset.partNos, newAdjustLine).then((l) => l.length && doc.setLines(l), () => undefined);
  }, []); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => want(partIdsOf(lines)), [lines, want]);

  const wid = warehouseId ? Number(warehouseId) : null;
  const stock = stockIn(wid);
  const checked = useMemo(() => checkAdjustment(lines, stock), [lines, stock]);
  const note = doc.noteFor(checked.errors);
  const warehouseName = stores.all.find((w) => w.id === wid)?.name ?? '';
  const reasonMissing = reason.trim() === '';

  const post = async () => {
    doc.setTried(true);
    setNotice(null);
    if (!wid || reasonMissing || !checked.lines) return;
    // The books as they are now: a count against an old balance would post the wrong difference.
    try {
      const now = stockIn(wid, await refresh(partIdsOf(lines)));
      const changed = lines.filter((l) => l.part && stock(l.part.id)?.quantity !== now(l.part.id)?.quantity);
      if (changed.length) {
        doc.setRefusal(t('adjustWindow.booksChanged', { parts: changed.map((l) => l.part!.partNo).join('、') }));
        return;
      }
    } catch {
      // the server checks what it can
    }
    const sent = checked.lines;
    const docNo = await doc.post(async () => (await client.call('stock.adjust', { warehouseId: wid, reason: reason.trim(), lines: sent })).docNo, fieldOf, checked.from);
    if (docNo) onPosted(docNo);
  };

  const columns = useMemo(() => {
    const common = { t, patch, note, flagged: doc.flagged };
    const signed = (n: number) => (n > 0 ? `+${n}` : String(n));
    return [
      partColumn<AdjustDraft>({ ...common, client }),
      nameColumn<AdjustDraft>(t),
      infoColumn<AdjustDraft>({ note }, 'current', t('adjustWindow.current'), (line) => {
        if (!line.part || !wid) return null;
        const s = stock(line.part.id);
        return s ? { text: String(s.quantity), title: t('adjustWindow.currentTitle', { warehouse: warehouseName }) } : { text: '…', kind: 'muted' };
      }),
      numberColumn<AdjustDraft, 'counted'>(common, 'counted', t('adjustWindow.counted'), 80),
      infoColumn<AdjustDraft>({ note }, 'difference', t('adjustWindow.difference'), (line) => {
        const d = lineDifference(line, stock);
        if (d === null) return null;
        return { text: signed(d), kind: d > 0 ? 'plus' : d < 0 ? 'minus' : 'muted', title: d === 0 ? t('adjustWindow.noDifference') : undefined };
      }),
      serialsColumn<AdjustDraft>(common, {
        label: t('adjustWindow.serials'),
        enabled: (line) => Boolean(line.part?.serialTracked) && (lineDifference(line, stock) ?? 0) !== 0,
        expected: (line) => {
          const d = lineDifference(line, stock);
          return d === null ? null : Math.abs(d);
        },
        onPick: (line) => doc.setPicking(line.key),
        placeholder: (line) => ((lineDifference(line, stock) ?? 0) < 0 ? t('adjustWindow.serialsMissing') : t('adjustWindow.serialsFound')),
      }),
    ];
  }, [t, patch, note, doc.flagged, client, stock, wid, warehouseName]);

  const dirty = lines.some((l) => l.partText.trim() || l.counted.trim() || l.serials.trim()) || reason.trim() !== '';
  const net = lines.reduce((sum, l) => sum + (lineDifference(l, stock) ?? 0), 0);

  let footerNote: ReactNode = null;
  if (checked.unchanged > 0) footerNote = <span className="note">{t('adjustWindow.unchanged', { count: checked.unchanged })}</span>;

  return (
    <DocWindow<AdjustDraft>
      testId="adjust-window"
      title={t('adjustWindow.title')}
      ready={stores.loaded}
      header={
        <>
          <WarehouseField id="adjust-warehouse" stores={stores.active} value={warehouseId} onChange={setWarehouseId} error={stores.error ?? doc.headerErrors.warehouseId} />
          <HeaderField id="adjust-reason" label={t('adjustWindow.reason')} required>
            <input
              id="adjust-reason"
              data-testid="adjust-reason"
              type="text"
              maxLength={500}
              placeholder={t('adjustWindow.reasonPlaceholder')}
              aria-invalid={doc.tried && reasonMissing}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
            />
            {((doc.tried && reasonMissing) || doc.headerErrors.reason) && (
              <div className="field-error" data-testid="adjust-reason-error">
                {doc.headerErrors.reason ?? t('adjustWindow.reasonRequired')}
              </div>
            )}
          </HeaderField>
        </>
      }
      columns={columns}
      doc={doc}
      newLine={newAdjustLine}
      footer={
        <DocTotals testId="adjust-totals" lines={lines}>
          <span>
            {t('adjustWindow.net')}
            <b className={net > 0 ? 'store-plus' : net < 0 ? 'store-minus' : undefined}>{net > 0 ? `+${net}` : net}</b>
          </span>
          {footerNote}
        </DocTotals>
      }
      refusal={doc.refusal ?? (doc.tried && !doc.posted && checked.lines === null && !reasonMissing ? checksFailed(t, checked.errors) : null)}
      notice={notice}
      postedText={(docNo) => t('adjustWindow.posted', { docNo, warehouse: warehouseName })}
      postLabel={t('adjustWindow.post')}
      onPost={() => void post()}
      onNew={() => {
        forget();
        doc.restart([newAdjustLine()]);
        setReason('');
      }}
      dirty={dirty}
      onClose={onClose}
      client={client}
      role={role}
      serialPicker={(line) => {
        const diff = lineDifference(line, stock);
        return {
          title: t(diff !== null && diff < 0 ? 'serialPicker.titleMissing' : 'serialPicker.titleFound', { partNo: line.part.partNo, name: line.part.name }),
          candidates: diff !== null && diff < 0 ? (stock(line.part.id)?.serials ?? null) : null,
          candidatesLabel: t('serialPicker.inStock', { warehouse: warehouseName }),
          taken: serialsOnOtherLines(lines, line.key, line.part.id),
          expected: diff === null ? null : Math.abs(diff),
          quantityEditable: false,
        };
      }}
    />
  );
}
