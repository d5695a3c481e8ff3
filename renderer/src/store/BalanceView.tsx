import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiClient } from '../api/client.js';
import { FormError, ModalBackdrop } from '../dialogs/ConfirmDialog.js';
import { errorText } from '../i18n/errors.js';
import type { PartBalance } from './store-data.js';
import type { WarehouseKind } from '../../../shared/warehouse/schemas.js';
import './store.css';

/** A part's id from its number (the store's lists show numbers): among the active parts. */
export async function partIdOf(client: ApiClient, partNo: string): Promise<number | null> {
  const r = await client.call('parts.options', { search: partNo, limit: 50 });
  return r.parts.find((p) => p.partNo === partNo)?.id ?? null;
}

interface Props {
  client: ApiClient;
  partNo: string;
  /** The warehouse of the row it was opened from: shown first. */
  warehouse?: string | null;
  /** Commands for the part in a warehouse (入库, 盘点调整), for those who may post them. */
  actions?: { label: string; testId: string; kinds: readonly WarehouseKind[]; run(warehouse: string): void }[];
  onSerial(serialNo: string): void;
  onClose(): void;
}

/**
 * 库存明细: one part's stock in every warehouse (stock.balance), with the serials in each —
 * what Enter opens on a row of the stock balances list. A serial opens the serial finder.
 */
export function BalanceView({ client, partNo, warehouse, actions = [], onSerial, onClose }: Props) {
  const { t } = useTranslation();
  const [balance, setBalance] = useState<PartBalance | null>(null);
  const [error, setError] = useState<string | null>(null);
  const closeRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    let live = true;
    (async () => {
      try {
        const id = await partIdOf(client, partNo);
        if (id === null) throw new Error(t('balanceView.notActive', { partNo }));
        const b = await client.call('stock.balance', { partId: id });
        if (live) setBalance(b);
      } catch (err) {
        if (live) setError(err instanceof Error && !('code' in err) ? err.message : errorText(t, err));
      }
    })();
    closeRef.current?.focus();
    return () => {
      live = false;
    };
  }, [client, partNo, t]);

  const rows = balance ? [...balance.balances].sort((a, b) => Number(b.warehouse === warehouse) - Number(a.warehouse === warehouse)) : [];
  const total = rows.filter((r) => r.kind === 'main').reduce((s, r) => s + r.quantity, 0);

  return (
    <ModalBackdrop className="store-backdrop" onEscape={onClose}>
      <div className="dialog store-balance" role="dialog" aria-modal="true" aria-labelledby="balance-title" data-testid="balance-view">
        <div className="dialog-title" id="balance-title">
          {t('balanceView.title', { partNo, name: balance?.name ?? '' })}
        </div>
        <div className="dialog-body">
          <FormError text={error} testId="balance-error" />
          {!balance && !error && <div className="muted">{t('common.loading')}</div>}
          {balance && (
            <>
              <p className="note">
                {t('balanceView.total', { count: total })}
                {balance.serialTracked ? ` · ${t('balanceView.tracked')}` : ''}
              </p>
              <div className="store-table-wrap">
                <table className="store-table">
                  <thead>
                    <tr>
                      <th>{t('balanceView.warehouse')}</th>
                      <th>{t('balanceView.kind')}</th>
                      <th className="num">{t('balanceView.quantity')}</th>
                      {balance.serialTracked && <th>{t('balanceView.serials')}</th>}
                      {actions.length > 0 && <th />}
                    </tr>
                  </thead>
                  <tbody>
                    {rows.map((r) => (
                      <tr key={r.warehouseId} data-testid={`balance-row-${r.warehouseId}`} className={r.warehouse === warehouse ? 'store-current' : undefined}>
                        <td>{r.warehouse}</td>
                        <td className={r.kind === 'faulty' ? 'store-faulty' : undefined}>{t(`warehouseKind.${r.kind}`)}</td>
                        <td className="num">{r.quantity}</td>
                        {balance.serialTracked && (
                          <td>
                            <div className="store-chips">
                              {r.serials.map((s) => (
                                <button key={s} type="button" className="store-chip" data-testid={`balance-serial-${s}`} title={t('balanceView.serialTitle')} onClick={() => onSerial(s)}>
                                  {s}
                                </button>
                              ))}
                            </div>
                          </td>
                        )}
                        {actions.length > 0 && (
                          <td className="store-row-actions">
                            {actions.filter((a) => a.kinds.includes(r.kind)).map((a) => (
                              <button key={a.testId} type="button" className="btn btn-small" data-testid={`${a.testId}-${r.warehouseId}`} onClick={() => a.run(r.warehouse)}>
                                {a.label}
                              </button>
                            ))}
                          </td>
                        )}
                      </tr>
                    ))}
                    {!rows.length && (
                      <tr>
                        <td colSpan={5} className="muted">
                          {t('balanceView.none')}
                        </td>
                      </tr>
                    )}
                  </tbody>
                </table>
              </div>
            </>
          )}
        </div>
        <div className="dialog-buttons">
          <button ref={closeRef} type="button" className="btn" data-testid="balance-close" onClick={onClose}>
            {t('store.close')}
          </button>
        </div>
      </div>
    </ModalBackdrop>
  );
}
