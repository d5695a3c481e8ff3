import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Row } from '../../../shared/query.js';
import { ServiceError } from '../../../shared/errors.js';
import type { CommandProps } from '../modules/commands.js';
import { errorText } from '../i18n/errors.js';
import { mayCall } from '../../../shared/roles.js';
import { DispatchEditor } from './DispatchEditor.js';
import { OrderDetail } from '../orders/OrderDetail.js';

type Dialog =
  | { kind: 'create' }
  | { kind: 'modify'; orderNo: string }
  | { kind: 'view'; orderNo: string }
  | { kind: 'confirmDelete'; orderNos: string[] }
  | { kind: 'deleteRefused'; orderNos: string[]; message: string }
  | null;

const orderNoOf = (row: Row) => String(row.order_no);

/**
 * The dispatch list's commands (legacy 3.1): new, modify, delete after confirmation (refused
 * for orders with lines — they may be cancelled instead), and view, which Enter also opens.
 */
export function DispatchCommands({ client, role, selected, opened, onOpenedClose, refresh }: CommandProps) {
  const { t } = useTranslation();
  const [dialog, setDialog] = useState<Dialog>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const single = selected.length === 1 ? orderNoOf(selected[0]) : null;
  // Warehouse staff read orders; writing them is for clerks, managers and administrators.
  // Each command is offered only to the roles the service lets call it.
  const mayCreate = mayCall(role, 'dispatch.create');
  const mayModify = mayCall(role, 'dispatch.update');
  const mayDelete = mayCall(role, 'dispatch.delete');
  const viewing = opened ? orderNoOf(opened) : dialog?.kind === 'view' ? dialog.orderNo : null;

  const remove = async (orderNos: string[]) => {
    setBusy(true);
    setError(null);
    try {
      await client.call('dispatch.delete', { orderNos });
      setDialog(null);
      refresh();
    } catch (err) {
      if (err instanceof ServiceError && err.code === 'REFUSED') setDialog({ kind: 'deleteRefused', orderNos, message: errorText(t, err) });
      else {
        setDialog(null);
        setError(errorText(t, err));
      }
    } finally {
      setBusy(false);
    }
  };

  // Orders with lines stay for history: those are cancelled (each at the version it has now);
  // orders without lines were not the problem and are left alone, and any order that cannot be
  // cancelled any more is named rather than skipped silently.
  const cancelInstead = async (orderNos: string[]) => {
    setBusy(true);
    setError(null);
    const skipped: string[] = [];
    try {
      for (const orderNo of orderNos) {
        const detail = await client.call('dispatch.get', { orderNo });
        if (detail.contents.length === 0 && detail.fees.length === 0) continue;
        if (!detail.nextStatuses.includes('cancelled')) {
          skipped.push(orderNo);
          continue;
        }
        await client.call('dispatch.setStatus', {
          orderNo,
          rowVersion: detail.order.rowVersion,
          status: 'cancelled',
          reason: t('commands.cancelledInsteadOfDeleted'),
        });
      }
      setDialog(null);
      if (skipped.length) setError(t('commands.notCancellable', { list: skipped.join('、') }));
      refresh();
    } catch (err) {
      setDialog(null);
      setError(errorText(t, err));
      refresh();
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      {mayCreate && (
        <button type="button" className="btn btn-small btn-primary" data-testid="cmd-new" onClick={() => setDialog({ kind: 'create' })}>
          {t('commands.new')}
        </button>
      )}
      {mayModify && (
        <button type="button" className="btn btn-small" data-testid="cmd-modify" disabled={!single} onClick={() => single && setDialog({ kind: 'modify', orderNo: single })}>
          {t('commands.modify')}
        </button>
      )}
      <button type="button" className="btn btn-small" data-testid="cmd-view" disabled={!single} onClick={() => single && setDialog({ kind: 'view', orderNo: single })}>
        {t('commands.view')}
      </button>
      {mayDelete && (
        <button
          type="button"
          className="btn btn-small"
          data-testid="cmd-delete"
          disabled={selected.length === 0}
          onClick={() => setDialog({ kind: 'confirmDelete', orderNos: selected.map(orderNoOf) })}
        >
          {t('commands.delete')}
        </button>
      )}
      <span className="grid-toolbar-divider" aria-hidden="true" />
      {error && (
        <span className="command-error" role="alert" data-testid="cmd-error">
          {error}
        </span>
      )}

      {(dialog?.kind === 'create' || dialog?.kind === 'modify') && (
        <DispatchEditor
          client={client}
          mode={dialog.kind === 'create' ? 'create' : { orderNo: dialog.orderNo }}
          onSaved={() => refresh()}
          onClose={() => setDialog(null)}
        />
      )}
      {viewing && (
        <OrderDetail
          client={client}
          role={role}
          orderNo={viewing}
          onChanged={refresh}
          onClose={() => {
            if (opened) onOpenedClose();
            else setDialog(null);
          }}
        />
      )}
      {(dialog?.kind === 'confirmDelete' || dialog?.kind === 'deleteRefused') && (
        <div className="modal-backdrop">
          <div className="dialog confirm-dialog" role="alertdialog" aria-modal="true" data-testid="delete-dialog">
            <div className="dialog-title">{t('commands.deleteTitle')}</div>
            <div className="dialog-body">
              {dialog.kind === 'confirmDelete' ? (
                <p>{t('commands.deleteConfirm', { count: dialog.orderNos.length, list: dialog.orderNos.slice(0, 5).join('、') })}</p>
              ) : (
                <>
                  <p className="form-error" data-testid="delete-refused">
                    {dialog.message}
                  </p>
                  <p>{t('commands.cancelInsteadHint')}</p>
                </>
              )}
            </div>
            <div className="dialog-buttons">
              {dialog.kind === 'confirmDelete' ? (
                <button type="button" className="btn btn-primary" data-testid="delete-confirm" disabled={busy} onClick={() => void remove(dialog.orderNos)}>
                  {t('commands.delete')}
                </button>
              ) : (
                <button type="button" className="btn btn-primary" data-testid="delete-cancel-orders" disabled={busy} onClick={() => void cancelInstead(dialog.orderNos)}>
                  {t('commands.cancelInstead')}
                </button>
              )}
              <button type="button" className="btn" data-testid="delete-dismiss" autoFocus onClick={() => setDialog(null)}>
                {t('common.cancel')}
              </button>
            </div>
          </div>
        </div>
      )}
    </>
  );
}
