import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Engineer } from '../../../shared/dispatch/schemas.js';
import type { Warehouse } from '../../../shared/warehouse/schemas.js';
import type { ResultOf } from '../../../shared/contract.js';
import type { ApiClient } from '../api/client.js';
import { errorText } from '../i18n/errors.js';
import type { PartRef, StockOf } from './store-lines.js';

// What the store's windows read besides their own lines: warehouses, engineers, and each
// part's stock per warehouse (stock.balance), fetched once per part and again before posting.

export type PartBalance = ResultOf<'stock.balance'>;

/** The active warehouses (loaded once per window) and the first failure, in words. */
export function useWarehouses(client: ApiClient) {
  const { t } = useTranslation();
  const [warehouses, setWarehouses] = useState<Warehouse[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [loaded, setLoaded] = useState(false);
  const reload = useCallback(async () => {
    try {
      setWarehouses((await client.call('warehouses.list', {})).warehouses);
      setError(null);
    } catch (err) {
      setError(errorText(t, err));
    } finally {
      setLoaded(true);
    }
  }, [client, t]);
  useEffect(() => {
    void reload();
  }, [reload]);
  const active = warehouses.filter((w) => w.active);
  return {
    all: warehouses,
    /** Stores parts are issued from and returned to (正常库). */
    main: active.filter((w) => w.kind === 'main'),
    /** 坏件库: faulty parts handed in. */
    faulty: active.filter((w) => w.kind === 'faulty'),
    active,
    error,
    loaded,
    reload,
  };
}

export function useEngineers(client: ApiClient) {
  const [engineers, setEngineers] = useState<Engineer[]>([]);
  useEffect(() => {
    let live = true;
    client.call('engineers.list', {}).then(
      (r) => live && setEngineers(r.engineers),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [client]);
  return engineers;
}

/**
 * Each part's balance in every warehouse with its serials, kept per window: `want` loads the
 * parts not known yet; `refresh` reads them again (before posting). A posted document keeps
 * showing the stock it was posted against until `forget` (a new document).
 */
export function useBalances(client: ApiClient) {
  const [balances, setBalances] = useState<ReadonlyMap<number, PartBalance>>(new Map());
  const asked = useRef(new Set<number>());

  const fetchAll = useCallback(
    async (partIds: readonly number[]): Promise<Map<number, PartBalance>> => {
      const got = await Promise.all(partIds.map((partId) => client.call('stock.balance', { partId }).then((b) => [partId, b] as const)));
      const fresh = new Map(got);
      setBalances((prev) => {
        const next = new Map(prev);
        for (const [id, b] of fresh) next.set(id, b);
        return next;
      });
      return fresh;
    },
    [client],
  );

  const want = useCallback(
    (partIds: readonly number[]) => {
      const missing = [...new Set(partIds)].filter((id) => !asked.current.has(id));
      if (!missing.length) return;
      for (const id of missing) asked.current.add(id);
      fetchAll(missing).catch(() => {
        for (const id of missing) asked.current.delete(id);
      });
    },
    [fetchAll],
  );

  const refresh = useCallback((partIds: readonly number[]) => fetchAll([...new Set(partIds)]), [fetchAll]);

  /** Everything read so far is dropped (a new document after a posted one reads the stock again). */
  const forget = useCallback(() => {
    asked.current = new Set();
    setBalances(new Map());
  }, []);

  /** One warehouse's view of the balances (nothing known for a part not loaded or no warehouse chosen). */
  const stockIn = useCallback(
    (warehouseId: number | null, from: ReadonlyMap<number, PartBalance> = balances): StockOf =>
      (partId) => {
        const b = from.get(partId);
        if (!b || warehouseId === null) return null;
        const at = b.balances.find((x) => x.warehouseId === warehouseId);
        return { quantity: at?.quantity ?? 0, serials: at?.serials ?? [] };
      },
    [balances],
  );

  return { balances, want, refresh, forget, stockIn };
}

/** Part ids on the lines, to load their balances. */
export const partIdsOf = (drafts: readonly { part: PartRef | null }[]) => drafts.flatMap((d) => (d.part ? [d.part.id] : []));

/** A part option or plan line as a line's part. */
export function partRef(p: { id?: number; partId?: number; partNo: string; name?: string; partName?: string; spec?: string; unit?: string; serialTracked: boolean }): PartRef {
  return { id: (p.id ?? p.partId)!, partNo: p.partNo, name: p.name ?? p.partName ?? '', spec: p.spec ?? '', unit: p.unit ?? '', serialTracked: p.serialTracked };
}
