import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Condition, Row } from '../../../shared/query.js';
import { OPEN_OWED_STATUSES, type OwedRecord, type OwedStatus } from '../../../shared/warehouse/schemas.js';
import { mayCall } from '../../../shared/roles.js';
import type { CommandProps } from '../modules/commands.js';
import { errorText } from '../i18n/errors.js';
import { ViewOrderCommand } from '../orders/ViewOrderCommand.js';
import { OwedCloseDialog, OwedDialog } from './OwedDialog.js';
import type { OwedCreateValues, OwedInputValues } from './owed-form.js';
import './owed.css';

// 欠件放行跟踪 (legacy 3.7): the owed list's commands — record an owed part by hand, change its
// promised date / responsible / reason, close it with a reason — and the 逾期 quick condition.
// Enter or a double-click opens the order on its materials tab, where its owed parts are.

type Dialog = { kind: 'create' } | { kind: 'modify'; record: OwedRecord } | { kind: 'close'; record: OwedRecord } | null;

export const overdueCondition: Condition = { field: 'overdue', op: 'eq', value: true };
const isOverdueCondition = (c: Condition) => c.field === 'overdue' && c.op === 'eq' && (c.value === true || c.value === 1);

const isOpen = (row: Row) => OPEN_OWED_STATUSES.includes(String(row.status) as OwedStatus);

export function OwedCommands(props: CommandProps) {
  const { client, role, selected, refresh, query, runQuery } = props;
  const { t } = useTranslation();
  const [dialog, setDialog] = useState<Dialog>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [dialogError, setDialogError] = useState<string | null>(null);
  const [people, setPeople] = useState<string[]>([]);
  const mayWrite = mayCall(role, 'owed.create');
  const single = selected.length === 1 ? selected[0] : null;
  const conditions = query.request.conditions ?? [];
  const overdueOn = conditions.some(isOverdueCondition);

  useEffect(() => {
    if (!mayWrite) return;
    client
      .call('engineers.list', {})
      .then((r) => setPeople(r.engineers.filter((e) => e.active).map((e) => e.name)))
      .catch(() => setPeople([]));
  }, [client, mayWrite]);

  function toggleOverdue() {
    const rest = conditions.filter((c) => !isOverdueCondition(c));
    // Added to what is asked now (AND); with OR conditions the toggle alone decides.
    const join = query.request.join ?? 'and';
    const next = overdueOn ? rest : join === 'and' ? [...rest, overdueCondition] : [overdueCondition];
    runQuery({ ...query.request, conditions: next, join: overdueOn ? join : 'and' }, query.pattern);
  }

  /** The record as stored now (with its row version), through its order's materials. */
  async function open(kind: 'modify' | 'close') {
    if (!single) return;
    setError(null);
    setDialogError(null);
    setBusy(true);
    try {
      const m = await client.call('materials.get', { orderNo: String(single.order_no) });
      const record = m.owed.find((o) => o.id === Number(single.id));
      if (!record) setError(t('owedCommands.gone'));
      else if (!OPEN_OWED_STATUSES.includes(record.status)) setError(t('owedCommands.notOpen', { status: t(`owedStatus.${record.status}`) }));
      else setDialog({ kind, record });
    } catch (err) {
      setError(errorText(t, err));
    } finally {
      setBusy(false);
    }
  }

  async function write(call: () => Promise<unknown>) {
    setBusy(true);
    setDialogError(null);
    try {
      await call();
      setDialog(null);
      refresh();
    } catch (err) {
      setDialogError(errorText(t, err));
    } finally {
      setBusy(false);
    }
  }

  const recordIntro = (r: OwedRecord) => (
    <p className="owed-record" data-testid="owed-record">
      {t('owedCommands.recordLine', { orderNo: r.orderNo, part: `${r.partNo} ${r.partName}`, quantity: r.quantity, supplied: r.supplied })}
    </p>
  );

  return (
    <>
      {mayWrite && (
        <>
          <button
            type="button"
            className="btn btn-small btn-primary"
            data-testid="cmd-owed-new"
            onClick={() => {
              setError(null);
              setDialogError(null);
              setDialog({ kind: 'create' });
            }}
          >
            {t('owedCommands.new')}
          </button>
          <button
            type="button"
            className="btn btn-small"
            data-testid="cmd-owed-modify"
            disabled={!single || !isOpen(single) || busy}
            title={single && !isOpen(single) ? t('owedCommands.onlyOpen') : undefined}
            onClick={() => void open('modify')}
          >
            {t('owedCommands.modify')}
          </button>
          <button
            type="button"
            className="btn btn-small"
            data-testid="cmd-owed-close"
            disabled={!single || !isOpen(single) || busy}
            title={single && !isOpen(single) ? t('owedCommands.onlyOpen') : t('owedCommands.closeTitle')}
            onClick={() => void open('close')}
          >
            {t('owedCommands.close')}
          </button>
        </>
      )}
      <ViewOrderCommand {...props} tab="materials" />
      <button
        type="button"
        className={`btn btn-small owed-overdue-toggle${overdueOn ? ' on' : ''}`}
        data-testid="cmd-owed-overdue"
        aria-pressed={overdueOn}
        title={t('owedCommands.overdueTitle')}
        onClick={toggleOverdue}
      >
        {t('owedCommands.overdue')}
      </button>
      <span className="grid-toolbar-divider" aria-hidden="true" />
      {error && (
        <span className="command-error" role="alert" data-testid="cmd-error">
          {error}
        </span>
      )}

      {dialog?.kind === 'create' && (
        <OwedDialog
          client={client}
          mode="create"
          title={t('owedCommands.newTitle')}
          initial={{ orderNo: single ? String(single.order_no ?? '') : '' }}
          people={people}
          busy={busy}
          error={dialogError}
          submitLabel={t('common.save')}
          onSubmit={(v) => void write(() => client.call('owed.create', v as OwedCreateValues))}
          onCancel={() => setDialog(null)}
        />
      )}
      {dialog?.kind === 'modify' && (
        <OwedDialog
          client={client}
          mode="modify"
          title={t('owedCommands.modifyTitle', { id: dialog.record.id })}
          intro={recordIntro(dialog.record)}
          initial={{ reason: dialog.record.reason, promisedDate: dialog.record.promisedDate, responsible: dialog.record.responsible }}
          people={people}
          busy={busy}
          error={dialogError}
          submitLabel={t('common.save')}
          onSubmit={(v) => void write(() => client.call('owed.update', { ...(v as OwedInputValues), id: dialog.record.id, rowVersion: dialog.record.rowVersion }))}
          onCancel={() => setDialog(null)}
        />
      )}
      {dialog?.kind === 'close' && (
        <OwedCloseDialog
          title={t('owedCommands.closeDialogTitle', { id: dialog.record.id })}
          intro={recordIntro(dialog.record)}
          busy={busy}
          error={dialogError}
          onSubmit={(reason) => void write(() => client.call('owed.close', { id: dialog.record.id, rowVersion: dialog.record.rowVersion, reason }))}
          onCancel={() => setDialog(null)}
        />
      )}
    </>
  );
}
