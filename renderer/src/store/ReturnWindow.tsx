import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Role } from '../../../shared/roles.js';
import { returnKinds, type OrderMaterials, type ReturnKind } from '../../../shared/warehouse/schemas.js';
import type { ApiClient } from '../api/client.js';
import { errorText } from '../i18n/errors.js';
import type { LineColumn } from '../orders/LinesTable.js';
import { infoColumn, nameColumn, numberColumn, partColumn, serialsColumn, WithNote } from './cells.js';
import { checksFailed, DocWindow, OrderNoField, RemarksField, useDocLines } from './DocWindow.js';
import { loadOrder, type OrderState } from './OrderField.js';
import { partRef, useWarehouses } from './store-data.js';
import { blankDraft, checkReturn, serialsOnOtherLines, type ReturnContext, type ReturnDraft } from './store-lines.js';

interface Props {
  client: ApiClient;
  role: Role;
  onPosted(docNo: string): void;
  onClose(): void;
}

/** What this order has out: per part, unused parts still returnable and the serials issued and not back. */
export interface OrderOut {
  returnable: Map<number, number>;
  serials: Map<number, string[]>;
  /** The parts out, for 带入. */
  parts: { partId: number; partNo: string; partName: string; spec: string; unit: string; serialTracked: boolean; out: number }[];
}

/**
 * Reads what an order has out: the plan's issued − returned per part (materials.get), and the
 * serials of its issue documents not reversed, less those its returns took back or put into the
 * customer's device.
 */
export async function loadOrderOut(client: ApiClient, orderNo: string): Promise<OrderOut> {
  const m: OrderMaterials = await client.call('materials.get', { orderNo });
  const returnable = new Map<number, number>();
  const parts: OrderOut['parts'] = [];
  for (const l of m.lines) {
    const out = l.issued - l.returned;
    returnable.set(l.partId, (returnable.get(l.partId) ?? 0) + out);
    if (out > 0) parts.push({ partId: l.partId, partNo: l.partNo, partName: l.partName, spec: l.spec, unit: l.unit, serialTracked: l.serialTracked, out });
  }
  const docs = await Promise.all(
    m.documents.filter((d) => (d.type === 'issue' || d.type === 'return') && !d.reversedBy).map((d) => client.call('documents.get', { docNo: d.docNo })),
  );
  const issued = new Map<number, string[]>();
  const back = new Set<string>();
  for (const d of docs) {
    for (const l of d.lines) {
      if (d.type === 'issue') issued.set(l.partId, [...(issued.get(l.partId) ?? []), ...l.serials]);
      else if (l.kind === 'unused') for (const s of l.serials) back.add(`${l.partId}\n${s}`);
      else if (l.newSerial) back.add(`${l.partId}\n${l.newSerial}`);
    }
  }
  const serials = new Map<number, string[]>();
  for (const [partId, list] of issued) serials.set(partId, list.filter((s) => !back.has(`${partId}\n${s}`)));
  return { returnable, serials, parts };
}

/** Contract field names of return lines → the table's columns. */
const fieldOf = { partId: 'part', quantity: 'quantity', serials: 'serials', warehouseId: 'warehouse', oldSerial: 'oldSerial', newSerial: 'newSerial', fault: 'fault', kind: 'kind' };

/**
 * 售服退料 — "New return" (TL…) for one order: unused parts back to a main store (with the serials
 * that were issued for the order), and faulty old parts handed in to the faulty store (坏件库,
 * chosen for them) with the serial taken out of the customer's device, the replacement put in
 * and what is wrong with it.
 */
export function ReturnWindow({ client, role, onPosted, onClose }: Props) {
  const { t } = useTranslation();
  const stores = useWarehouses(client);
  const [orderText, setOrderText] = useState('');
  const [order, setOrder] = useState<OrderState>({ state: 'none' });
  const [out, setOut] = useState<OrderOut | null>(null);
  const [remarks, setRemarks] = useState('');
  const [notice, setNotice] = useState<string | null>(null);

  const storeFor = useCallback(
    (kind: ReturnKind) => {
      const list = kind === 'faulty' ? stores.faulty : stores.main;
      return list.length ? String(list[0].id) : '';
    },
    [stores.faulty, stores.main],
  );
  const newLine = useCallback(
    (kind: ReturnKind = 'unused'): ReturnDraft => ({ ...blankDraft(), kind, warehouseId: storeFor(kind), oldSerial: '', newSerial: '', fault: '' }),
    [storeFor],
  );
  const doc = useDocLines<ReturnDraft>(() => [newLine()]);
  const { lines, patch } = doc;

  // Lines drawn before the warehouses were read get their store now.
  useEffect(() => {
    if (!stores.loaded) return;
    for (const l of lines) if (!l.warehouseId && storeFor(l.kind)) patch(l.key, { warehouseId: storeFor(l.kind) });
  }, [stores.loaded, storeFor]); // eslint-disable-line react-hooks/exhaustive-deps

  const orderNo = order.state === 'done' ? order.order.orderNo : null;

  const readOrder = async (no: string) => {
    setOrder({ state: 'loading', orderNo: no });
    setOut(null);
    const o = await loadOrder(client, no, t);
    setOrder(o);
    if (o.state === 'done') {
      try {
        setOut(await loadOrderOut(client, no));
      } catch (err) {
        setNotice(t('returnWindow.outUnknown', { message: errorText(t, err) }));
      }
    }
  };

  const ctx: ReturnContext = useMemo(
    () => ({
      returnable: (partId) => (out ? (out.returnable.get(partId) ?? 0) : null),
      issuedSerials: (partId) => (out ? (out.serials.get(partId) ?? []) : null),
    }),
    [out],
  );
  const checked = useMemo(() => checkReturn(lines, ctx), [lines, ctx]);
  const note = doc.noteFor(checked.errors);

  const takeOut = () => {
    if (!out) return;
    const have = lines.filter((l) => l.part);
    const fresh = out.parts
      .filter((p) => !have.some((l) => l.kind === 'unused' && l.part!.id === p.partId))
      .map((p): ReturnDraft => {
        const part = partRef({ partId: p.partId, partNo: p.partNo, partName: p.partName, spec: p.spec, unit: p.unit, serialTracked: p.serialTracked });
        return { ...newLine('unused'), part, partText: part.partNo, quantity: String(p.out) };
      });
    doc.setLines([...have, ...fresh]);
    setNotice(fresh.length ? t('returnWindow.outTaken', { count: fresh.length }) : t('returnWindow.nothingOut', { orderNo }));
  };

  const post = async () => {
    doc.setTried(true);
    setNotice(null);
    if (!orderNo || !checked.lines) return;
    const sent = checked.lines;
    const docNo = await doc.post(async () => (await client.call('returns.post', { orderNo, remarks: remarks.trim(), lines: sent })).docNo, fieldOf, checked.from);
    if (docNo) {
      onPosted(docNo);
      void loadOrderOut(client, orderNo).then(setOut, () => undefined);
    }
  };

  const columns = useMemo((): LineColumn<ReturnDraft>[] => {
    const common = { t, patch, note, flagged: doc.flagged };
    const unused = (l: ReturnDraft) => l.kind === 'unused';
    const faultyInput = (field: 'oldSerial' | 'newSerial' | 'fault', placeholder: string, width?: number): LineColumn<ReturnDraft> => ({
      field,
      label: t(`returnWindow.col.${field}`),
      width,
      render: (line, cell, _u, i) => (
        <WithNote i={i} field={field} note={note(i, field)}>
          <input
            {...cell}
            type="text"
            list={field === 'newSerial' && line.part ? `return-issued-${line.key}` : undefined}
            disabled={cell.disabled || unused(line) || (field !== 'fault' && line.part !== null && !line.part.serialTracked)}
            aria-invalid={cell['aria-invalid'] || Boolean(note(i, field))}
            className={doc.flagged.has(line.key) && field !== 'fault' ? 'store-flagged' : undefined}
            value={unused(line) ? '' : line[field]}
            placeholder={unused(line) ? '' : placeholder}
            title={line[field]}
            onChange={(e) => patch(line.key, { [field]: e.target.value })}
          />
          {field === 'newSerial' && line.part && (
            <datalist id={`return-issued-${line.key}`}>
              {(out?.serials.get(line.part.id) ?? []).map((s) => (
                <option key={s} value={s} />
              ))}
            </datalist>
          )}
        </WithNote>
      ),
    });
    return [
      {
        field: 'kind',
        label: t('returnWindow.col.kind'),
        width: 92,
        required: true,
        render: (line, cell) => (
          <select
            {...cell}
            className={`store-kind kind-${line.kind}`}
            value={line.kind}
            onChange={(e) => {
              const kind = e.target.value as ReturnKind;
              patch(line.key, { kind, warehouseId: storeFor(kind), serials: '', oldSerial: '', newSerial: '', fault: '' });
            }}
          >
            {returnKinds.map((k) => (
              <option key={k} value={k}>
                {t(`returnKind.${k}`)}
              </option>
            ))}
          </select>
        ),
      },
      partColumn<ReturnDraft>({ ...common, client, width: 140 }),
      nameColumn<ReturnDraft>(t, 160),
      numberColumn<ReturnDraft, 'quantity'>(common, 'quantity', t('store.col.quantity'), 64),
      {
        field: 'warehouse',
        label: t('returnWindow.col.warehouse'),
        width: 92,
        required: true,
        render: (line, cell, _u, i) => (
          <WithNote i={i} field="warehouse" note={note(i, 'warehouse')}>
            <select {...cell} value={line.warehouseId} onChange={(e) => patch(line.key, { warehouseId: e.target.value })}>
              {!(line.kind === 'faulty' ? stores.faulty : stores.main).length && <option value="">{t(line.kind === 'faulty' ? 'returnWindow.noFaultyStore' : 'store.noMainStore')}</option>}
              {(line.kind === 'faulty' ? stores.faulty : stores.main).map((w) => (
                <option key={w.id} value={String(w.id)}>
                  {w.name}
                </option>
              ))}
            </select>
          </WithNote>
        ),
      },
      infoColumn<ReturnDraft>({ note }, 'available', t('returnWindow.col.returnable'), (line) => {
        if (!line.part || !unused(line)) return null;
        const left = ctx.returnable(line.part.id);
        if (left === null) return { text: orderNo ? '…' : '—', kind: 'muted' };
        return { text: String(left), kind: checked.errors[`${lines.indexOf(line)}.available`] ? 'bad' : 'ok', title: t('returnWindow.returnableTitle') };
      }, 56),
      serialsColumn<ReturnDraft>(common, {
        label: t('returnWindow.col.serials'),
        width: 180,
        enabled: (line) => unused(line) && Boolean(line.part?.serialTracked),
        onPick: (line) => doc.setPicking(line.key),
      }),
      faultyInput('oldSerial', t('returnWindow.oldSerialPlaceholder'), 120),
      faultyInput('newSerial', t('returnWindow.newSerialPlaceholder'), 120),
      faultyInput('fault', t('returnWindow.faultPlaceholder')),
    ];
  }, [t, patch, note, doc.flagged, client, stores.faulty, stores.main, storeFor, ctx, checked, lines, orderNo, out]);

  const dirty = lines.some((l) => l.partText.trim() || l.quantity.trim() || l.serials.trim() || l.fault.trim() || l.oldSerial.trim()) || remarks.trim() !== '';
  const counts = { unused: lines.filter((l) => l.part && l.kind === 'unused').length, faulty: lines.filter((l) => l.part && l.kind === 'faulty').length };

  return (
    <DocWindow<ReturnDraft>
      testId="return-window"
      title={t('returnWindow.title')}
      ready={stores.loaded}
      header={
        <>
          <OrderNoField
            client={client}
            text={orderText}
            setText={setOrderText}
            order={order}
            onOrderGone={() => {
              setOrder({ state: 'none' });
              setOut(null);
            }}
            onOrderNo={(no) => void readOrder(no)}
            error={doc.headerErrors.orderNo ?? (doc.tried && order.state === 'none' ? t('store.orderRequired') : null)}
          />
          <RemarksField id="return-remarks" wide value={remarks} onChange={setRemarks} />
        </>
      }
      tools={
        <>
          <button type="button" className="btn btn-small" data-testid="return-take-out" disabled={!out || doc.posted !== null} title={t('returnWindow.takeOutTitle')} onClick={takeOut}>
            {t('returnWindow.takeOut')}
          </button>
          <button
            type="button"
            className="btn btn-small"
            data-testid="return-add-faulty"
            disabled={doc.posted !== null}
            title={t('returnWindow.addFaultyTitle')}
            onClick={() => doc.setLines([...lines.filter((l) => l.part || l.partText.trim()), newLine('faulty')])}
          >
            {t('returnWindow.addFaulty')}
          </button>
          <span className="note">{t('returnWindow.toolsHint')}</span>
        </>
      }
      columns={columns}
      doc={doc}
      newLine={() => newLine(lines[lines.length - 1]?.kind ?? 'unused')}
      footer={
        <div className="lines-totals" data-testid="return-totals">
          <span>{t('returnWindow.countUnused', { count: counts.unused })}</span>
          <span>{t('returnWindow.countFaulty', { count: counts.faulty })}</span>
        </div>
      }
      refusal={doc.refusal ?? (doc.tried && !doc.posted && checked.lines === null && orderNo ? checksFailed(t, checked.errors) : null)}
      notice={notice}
      postedText={(docNo) => t('returnWindow.posted', { docNo })}
      postLabel={t('returnWindow.post')}
      onPost={() => void post()}
      onNew={() => {
        doc.restart([newLine()]);
        setNotice(null);
        setRemarks('');
      }}
      dirty={dirty}
      onClose={onClose}
      client={client}
      role={role}
      serialPicker={(line) => ({
        title: t('serialPicker.title', { partNo: line.part.partNo, name: line.part.name }),
        candidates: out ? (out.serials.get(line.part.id) ?? []) : null,
        candidatesLabel: t('serialPicker.issuedFor', { orderNo: orderNo ?? '' }),
        taken: serialsOnOtherLines(
          lines.filter((l) => l.kind === 'unused'),
          line.key,
          line.part.id,
        ),
      })}
    />
  );
}
