import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { Row } from '../../../shared/query.js';
import { dispatchStatuses, type DispatchStatus } from '../../../shared/modules/dispatch.js';
import { orderNoSchema } from '../../../shared/dispatch/schemas.js';
import { ServiceError } from '../../../shared/errors.js';
import type { ApiClient } from '../api/client.js';
import { errorText } from '../i18n/errors.js';
import { Suggest } from './Suggest.js';

/** The order a document is for, as the window shows it. */
export interface OrderInfo {
  orderNo: string;
  customer: string;
  status: DispatchStatus;
  engineerId: number | null;
  engineer: string | null;
}

type OrderState = { state: 'none' } | { state: 'loading'; orderNo: string } | { state: 'done'; order: OrderInfo } | { state: 'failed'; orderNo: string; message: string };
export type { OrderState };

const open = dispatchStatuses.filter((s) => s !== 'cancelled');

/** The order number the state is about ('' for none). */
export function orderNoOf(order: OrderState): string {
  return order.state === 'none' ? '' : order.state === 'done' ? order.order.orderNo : order.orderNo;
}

/** Reads one order for a document window: its customer, status and engineer. */
export async function loadOrder(client: ApiClient, orderNo: string, t: TFunction): Promise<OrderState> {
  try {
    const d = await client.call('dispatch.get', { orderNo });
    const o = d.order;
    return { state: 'done', order: { orderNo: o.orderNo, customer: o.customer, status: o.status, engineerId: o.engineerId, engineer: o.engineer } };
  } catch (err) {
    const unknown = err instanceof ServiceError && err.code === 'INVALID_PARAMS' && (err.issues ?? []).some((i) => i.path === 'orderNo');
    return { state: 'failed', orderNo, message: unknown ? t('store.orderNotFound', { orderNo }) : errorText(t, err) };
  }
}

interface Props {
  client: ApiClient;
  value: string;
  onText(text: string): void;
  order: OrderState;
  /** An order number was chosen or typed in full: the window reads it (loadOrder). */
  onOrderNo(orderNo: string): void;
  disabled?: boolean;
  /** The window's own message about the order (required, …). */
  error?: string | null;
  testId?: string;
}

/**
 * 派工单号: typed in full, or found by any part of its number, customer, contract or device
 * (the dispatch list's quick search) among the orders not cancelled; the order's customer,
 * status and engineer are shown next to it.
 */
export function OrderField({ client, value, onText, order, onOrderNo, disabled, error, testId = 'doc-order' }: Props) {
  const { t } = useTranslation();
  const normal = (text: string) => text.trim().toUpperCase();
  return (
    <div className="store-order-field">
      <Suggest<Row>
        id={testId}
        data-testid={testId}
        className="store-order-input"
        disabled={disabled}
        value={value}
        placeholder={t('store.orderPlaceholder')}
        aria-invalid={Boolean(error) || order.state === 'failed'}
        matched={orderNoOf(order) === normal(value)}
        onText={onText}
        load={async (text) => {
          const r = await client.call('dispatch.query', {
            conditions: [...(text.trim() ? [{ field: 'any', op: 'contains' as const, value: text.trim() }] : []), { field: 'status', op: 'in', value: [...open] }],
            join: 'and',
            sort: [{ field: 'created_at', dir: 'desc' }],
            limit: 20,
          });
          return r.rows;
        }}
        itemKey={(r) => String(r.order_no)}
        exact={(text) => {
          // A full order number needs no list: it is read as typed.
          const no = normal(text);
          return orderNoSchema.safeParse(no).success ? ({ order_no: no } as Row) : undefined;
        }}
        renderItem={(r) => (
          <span className="store-option">
            <b>{String(r.order_no)}</b>
            <span>{String(r.customer ?? '')}</span>
            <span className="muted">{r.status ? t(`dispatchStatus.${String(r.status)}`) : ''}</span>
            {r.engineer ? <span className="muted">{String(r.engineer)}</span> : null}
          </span>
        )}
        onPick={(r) => {
          const no = String(r.order_no);
          onText(no);
          onOrderNo(no);
        }}
      />
      <span className="store-order-info" data-testid={`${testId}-info`} data-state={order.state}>
        {order.state === 'loading' && <span className="muted">{t('common.loading')}</span>}
        {order.state === 'done' && (
          <>
            <span>{order.order.customer}</span>
            <span className={`store-status status-${order.order.status}`}>{t(`dispatchStatus.${order.order.status}`)}</span>
            {order.order.engineer && <span className="muted">{t('store.orderEngineer', { name: order.order.engineer })}</span>}
          </>
        )}
      </span>
      {(error || order.state === 'failed') && (
        <div className="field-error" role="alert" data-testid={`${testId}-error`}>
          {order.state === 'failed' ? order.message : error}
        </div>
      )}
    </div>
  );
}
