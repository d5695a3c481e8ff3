import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Row } from '../../../shared/query.js';
import type { CommandProps } from '../modules/commands.js';
import { OrderDetail, type OrderTab } from './OrderDetail.js';

// 查看派工单 from a list whose rows belong to an order (materials, owed parts): the button, and
// the order window that it, Enter or a double-click on a row opens on the given tab.

type Props = Pick<CommandProps, 'client' | 'role' | 'selected' | 'opened' | 'onOpenedClose' | 'refresh'> & {
  tab: OrderTab;
  /** The row's order number (default: its `order_no`). */
  orderNoOf?(row: Row): string;
};

const byOrderNo = (row: Row) => String(row.order_no ?? '');

export function ViewOrderCommand({ client, role, selected, opened, onOpenedClose, refresh, tab, orderNoOf = byOrderNo }: Props) {
  const { t } = useTranslation();
  const [viewing, setViewing] = useState<string | null>(null);
  // One order among the selected rows (several rows of the same order count as one).
  const orders = [...new Set(selected.map(orderNoOf).filter(Boolean))];
  const single = orders.length === 1 ? orders[0] : null;
  const shown = opened ? orderNoOf(opened) : viewing;
  return (
    <>
      <button
        type="button"
        className="btn btn-small"
        data-testid="cmd-view-order"
        disabled={!single}
        title={t('orderCommands.viewTitle')}
        onClick={() => single && setViewing(single)}
      >
        {t('orderCommands.view')}
      </button>
      {shown && (
        <OrderDetail
          client={client}
          role={role}
          orderNo={shown}
          initialTab={tab}
          onChanged={refresh}
          onClose={() => {
            if (opened) onOpenedClose();
            else setViewing(null);
          }}
        />
      )}
    </>
  );
}

/** The materials list (售服材料管理): a row opens its order on the materials tab. */
export function MaterialsCommands(props: CommandProps) {
  return (
    <>
      <ViewOrderCommand {...props} tab="materials" />
      <span className="grid-toolbar-divider" aria-hidden="true" />
    </>
  );
}
