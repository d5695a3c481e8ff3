import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RegionNode } from '../../../shared/dispatch/schemas.js';
import type { Role } from '../../../shared/roles.js';
import type { ApiClient } from '../api/client.js';
import { errorText } from '../i18n/errors.js';
import { infoColumn, nameColumn, numberColumn, partColumn, partNamed, serialsColumn } from './cells.js';
import { checksFailed, DocTotals, DocWindow, HeaderField, OrderNoField, RemarksField, useDocLines, WarehouseField } from './DocWindow.js';
import { loadOrder, type OrderState } from './OrderField.js';
import { engineerOptions, engineerPicker } from '../text/engineer-options.js';
import { PinyinSelect } from '../text/PinyinSelect.js';
import { partIdsOf, partRef, useBalances, useEngineers, useWarehouses } from './store-data.js';
import { blankDraft, checkIssue, quantitiesByPart, serialsOnOtherLines, type IssueDraft } from './store-lines.js';

interface Props {
  client: ApiClient;
  role: Role;
  onPosted(docNo: string): void;
  onClose(): void;
}

const newIssueLine = (): IssueDraft => ({ ...blankDraft(), owedId: null });

/** Contract field names of issue lines → the table's columns. */
const fieldOf = { partId: 'part', quantity: 'quantity', serials: 'serials', owedId: 'owed' };

/**
 * 售服材料领用 — "New issue" (LY…): parts issued to the engineer for one order from a main store
 * (never the faulty store). Lines come from the order's plan and open owed parts (从计划带入) or
 * are added by hand; each shows what is available in the chosen store and is marked when the
 * document asks for more; serial-tracked lines take exactly their quantity of serials, picked
 * from those in stock there or typed.
 */
export function IssueWindow({ client, role, onPosted, onClose }: Props) {
  const { t } = useTranslation();
  const stores = useWarehouses(client);
  const engineers = useEngineers(client);
  const { want, refresh, forget, stockIn } = useBalances(client);
  const doc = useDocLines<IssueDraft>(() => [newIssueLine()]);
  const { lines, patch } = doc;
  const [orderText, setOrderText] = useState('');
  const [order, setOrder] = useState<OrderState>({ state: 'none' });
  const [warehouseId, setWarehouseId] = useState('');
  const [engineerId, setEngineerId] = useState('');
  const [engineerChosen, setEngineerChosen] = useState(false);
  const [regions, setRegions] = useState<RegionNode[]>([]);
  const [orderRegionId, setOrderRegionId] = useState<number | null>(null);
  const [remarks, setRemarks] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const [planning, setPlanning] = useState(false);

  // The first main store is the usual one.
  useEffect(() => {
    if (!warehouseId && stores.main.length) setWarehouseId(String(stores.main[0].id));
  }, [stores.main, warehouseId]);

  useEffect(() => want(partIdsOf(lines)), [lines, want]);

  // Only to put the engineers of the order's region first in the engineer picker.
  useEffect(() => {
    let live = true;
    client.call('regions.tree', {}).then(
      (r) => live && setRegions(r.nodes),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [client]);

  const wid = warehouseId ? Number(warehouseId) : null;
  const stock = stockIn(wid);
  const checked = useMemo(() => checkIssue(lines, stock), [lines, stock]);
  const note = doc.noteFor(checked.errors);
  const totals = quantitiesByPart(lines);
  const warehouseName = stores.all.find((w) => w.id === wid)?.name ?? '';
  const people = useMemo(() => engineerPicker(engineers, regions, order.state === 'done' ? orderRegionId : null, t), [engineers, regions, order.state, orderRegionId, t]);

  const readOrder = async (orderNo: string) => {
    setOrder({ state: 'loading', orderNo });
    // The order as OrderField shows it names no region: read beside it, for the engineer picker.
    const [o, regionId] = await Promise.all([
      loadOrder(client, orderNo, t),
      client.call('dispatch.get', { orderNo }).then(
        (d) => d.order.regionId,
        () => null,
      ),
    ]);
    setOrder(o);
    setOrderRegionId(regionId);
    // The order's engineer takes the parts unless the keeper chose another.
    if (o.state === 'done' && !engineerChosen) setEngineerId(o.order.engineerId ? String(o.order.engineerId) : '');
  };

  const orderNo = order.state === 'done' ? order.order.orderNo : null;

  const fromPlan = async () => {
    if (!orderNo) {
      doc.setTried(true);
      return;
    }
    setPlanning(true);
    setNotice(null);
    doc.setRefusal(null);
    try {
      const plan = (await client.call('issues.fromPlan', { orderNo })).lines;
      if (!plan.length) {
        setNotice(t('issueWindow.planEmpty', { orderNo }));
        return;
      }
      // The plan names a part by number and name; the catalogue adds its specification and unit
      // (parts of one name differ by them), as a part picked by hand shows them.
      const catalogue = new Map(
        (await Promise.all([...new Set(plan.map((p) => p.partNo))].map((no) => partNamed(client, no).catch(() => null)))).flatMap((p) => (p ? [[p.id, p] as const] : [])),
      );
      const have = lines.filter((l) => l.part);
      const fresh = plan
        .filter((p) => !have.some((l) => l.part!.id === p.partId && l.owedId === p.owedId))
        .map((p): IssueDraft => {
          const part = partRef({ ...p, ...catalogue.get(p.partId) });
          return { ...newIssueLine(), part, partText: part.partNo, quantity: String(p.quantity), owedId: p.owedId };
        });
      doc.setLines([...have, ...fresh]);
      setNotice(fresh.length ? t('issueWindow.planTaken', { count: fresh.length }) : t('issueWindow.planAlready'));
    } catch (err) {
      doc.setRefusal(errorText(t, err));
    } finally {
      setPlanning(false);
    }
  };

  const post = async () => {
    doc.setTried(true);
    setNotice(null);
    if (!orderNo || !wid) return;
    // The stock as it is now: another desk may have issued from it meanwhile.
    let now = stock;
    try {
      now = stockIn(wid, await refresh(partIdsOf(lines)));
    } catch {
      // the server checks anyway
    }
    const result = checkIssue(lines, now);
    if (!result.lines) return;
    const docNo = await doc.post(
      async () =>
        (
          await client.call('issues.post', {
            orderNo,
            warehouseId: wid,
            engineerId: engineerId ? Number(engineerId) : null,
            remarks: remarks.trim(),
            lines: result.lines!,
          })
        ).docNo,
      fieldOf,
      result.from,
    );
    if (docNo) onPosted(docNo);
  };

  const columns = useMemo(
    () => {
      const common = { t, patch, note, flagged: doc.flagged };
      return [
        partColumn<IssueDraft>({ ...common, client }),
        nameColumn<IssueDraft>(t),
        numberColumn<IssueDraft, 'quantity'>(common, 'quantity', t('store.col.quantity')),
        infoColumn<IssueDraft>({ note }, 'available', t('issueWindow.available'), (line) => {
          if (!line.part || !wid) return null;
          const s = stock(line.part.id);
          if (!s) return { text: '…', kind: 'muted' };
          const over = (totals.get(line.part.id) ?? 0) > s.quantity;
          return { text: String(s.quantity), kind: over ? 'bad' : 'ok', title: t('issueWindow.availableTitle', { warehouse: warehouseName }) };
        }),
        serialsColumn<IssueDraft>(common, { onPick: (line) => doc.setPicking(line.key) }),
        infoColumn<IssueDraft>({ note }, 'owed', t('issueWindow.owed'), (line) =>
          line.owedId ? { text: t('issueWindow.owedNo', { id: line.owedId }), kind: 'plus', title: t('issueWindow.owedTitle') } : null,
          90,
        ),
      ];
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [t, patch, note, doc.flagged, client, stock, wid, warehouseName, lines],
  );

  const dirty = lines.some((l) => l.partText.trim() || l.quantity.trim() || l.serials.trim()) || remarks.trim() !== '';
  const headerError = (field: string) => doc.headerErrors[field] ?? null;

  /** Our checks stopped the post: each part asked beyond its stock named (as the server would), then the other marks. */
  const checksRefusal = () => {
    const short = new Map<number, string>();
    lines.forEach((l, i) => {
      const p = checked.errors[`${i}.available`];
      if (p?.code === 'overStock' && l.part && !short.has(l.part.id)) {
        short.set(l.part.id, t('reasons.INSUFFICIENT_STOCK', { warehouse: warehouseName, partNo: l.part.partNo, available: p.params?.available, requested: p.params?.requested }));
      }
    });
    if (!short.size) return checksFailed(t, checked.errors);
    const other = Object.values(checked.errors).some((p) => p.code !== 'overStock');
    return [...short.values(), ...(other ? [t('store.fixMarked')] : [])].join(' ');
  };

  return (
    <DocWindow<IssueDraft>
      testId="issue-window"
      title={t('issueWindow.title')}
      ready={stores.loaded}
      header={
        <>
          <OrderNoField
            client={client}
            text={orderText}
            setText={setOrderText}
            order={order}
            onOrderGone={() => setOrder({ state: 'none' })}
            onOrderNo={(no) => void readOrder(no)}
            error={
              headerError('orderNo') ??
              (order.state === 'done' && order.order.status === 'cancelled'
                ? t('reasons.ORDER_CANCELLED', { orderNo: order.order.orderNo })
                : doc.tried && order.state === 'none'
                  ? t('store.orderRequired')
                  : null)
            }
          />
          <WarehouseField
            id="issue-warehouse"
            stores={stores.main}
            value={warehouseId}
            onChange={setWarehouseId}
            error={stores.error ?? headerError('warehouseId')}
            emptyLabel={stores.loaded ? t('store.noMainStore') : t('common.loading')}
          />
          <HeaderField id="issue-engineer" label={t('store.engineer')}>
            <PinyinSelect
              id="issue-engineer"
              data-testid="issue-engineer"
              options={engineerOptions(people, engineerId)}
              value={engineerId}
              emptyLabel={t('store.noEngineer')}
              sectionLabels={people.sectionLabels}
              onChange={(v) => {
                setEngineerId(v);
                setEngineerChosen(true);
              }}
            />
            {headerError('engineerId') && <div className="field-error">{headerError('engineerId')}</div>}
          </HeaderField>
          <RemarksField id="issue-remarks" wide value={remarks} onChange={setRemarks} />
        </>
      }
      tools={
        <button
          type="button"
          className="btn btn-small"
          data-testid="issue-from-plan"
          disabled={!orderNo || planning || doc.posted !== null}
          title={orderNo ? t('issueWindow.fromPlanTitle', { orderNo }) : t('issueWindow.fromPlanNeedsOrder')}
          onClick={() => void fromPlan()}
        >
          {planning ? t('common.loading') : t('issueWindow.fromPlan')}
        </button>
      }
      columns={columns}
      doc={doc}
      newLine={newIssueLine}
      footer={
        <DocTotals testId="issue-totals" lines={lines} totals={totals}>
          {!doc.posted && Object.values(checked.errors).some((p) => p.code === 'overStock') && (
            <span className="store-bad" data-testid="issue-over-stock">
              {t('issueWindow.overStockSummary', { warehouse: warehouseName })}
            </span>
          )}
        </DocTotals>
      }
      refusal={doc.refusal ?? (doc.tried && !doc.posted && checked.lines === null && orderNo && wid ? checksRefusal() : null)}
      notice={notice}
      postedText={(docNo) => t('issueWindow.posted', { docNo })}
      postLabel={t('issueWindow.post')}
      onPost={() => void post()}
      onNew={() => {
        forget();
        doc.restart([newIssueLine()]);
        setNotice(null);
        setRemarks('');
      }}
      dirty={dirty}
      onClose={onClose}
      client={client}
      role={role}
      serialPicker={(line) => ({
        title: t('serialPicker.title', { partNo: line.part.partNo, name: line.part.name }),
        candidates: stock(line.part.id)?.serials ?? null,
        candidatesLabel: t('serialPicker.inStock', { warehouse: warehouseName }),
        taken: serialsOnOtherLines(lines, line.key, line.part.id),
      })}
    />
  );
}
