import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SerialInfo } from '../../../shared/warehouse/schemas.js';
import type { Role } from '../../../shared/roles.js';
import type { ApiClient } from '../api/client.js';
import { DialogWindow, FormError, useEscapeKey } from '../dialogs/ConfirmDialog.js';
import { formatDateTime } from '../grid/format.js';
import { errorText } from '../i18n/errors.js';
import { halfWidth } from '../../../shared/money.js';
import { DocumentView } from './DocumentView.js';
import './store.css';

interface Props {
  client: ApiClient;
  role: Role;
  /** A serial to look up at once (from the list's selected row). */
  initial?: string;
  onClose(): void;
}

type State = { phase: 'idle' } | { phase: 'loading' } | { phase: 'done'; serialNo: string; serials: SerialInfo[] } | { phase: 'failed'; message: string };

/**
 * 序列号查询: where a serial is now — in which store, issued for which order, in the customer's
 * device, faulty in the faulty store, written off — and every movement it made, each with its
 * document (which opens). The same serial may exist for several parts: each is shown.
 */
export function SerialFinder({ client, role, initial = '', onClose }: Props) {
  const { t } = useTranslation();
  const [text, setText] = useState(initial);
  const [state, setState] = useState<State>({ phase: 'idle' });
  const [viewing, setViewing] = useState<string | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  useEscapeKey(onClose);

  const find = async (raw: string) => {
    const serialNo = halfWidth(raw);
    if (!serialNo) return;
    setState({ phase: 'loading' });
    try {
      const r = await client.call('serials.find', { serialNo });
      setState({ phase: 'done', serialNo, serials: r.serials });
    } catch (err) {
      setState({ phase: 'failed', message: errorText(t, err) });
    }
  };
  useEffect(() => {
    inputRef.current?.focus();
    if (initial) void find(initial);
  }, []); // eslint-disable-line react-hooks/exhaustive-deps

  const where = (s: SerialInfo) => {
    if (s.state === 'issued' || s.state === 'installed') return s.orderNo ? t('serialFinder.forOrder', { orderNo: s.orderNo }) : '';
    return s.warehouse ?? '';
  };
  const stateText = (state: string | null) => (state ? t(`serialState.${state}`, { defaultValue: state }) : t('serialFinder.new'));

  return (
    <DialogWindow
      backdropClassName="store-backdrop"
      className="store-serial-finder"
      titleId="serial-finder-title"
      testId="serial-finder"
      title={t('serialFinder.title')}
      over={viewing && <DocumentView client={client} role={role} docNo={viewing} onClose={() => setViewing(null)} />}
    >
      <form
        className="store-finder-search"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          void find(text);
        }}
      >
        <label htmlFor="serial-finder-input">{t('serialFinder.serialNo')}</label>
        <input
          ref={inputRef}
          id="serial-finder-input"
          data-testid="serial-finder-input"
          type="search"
          spellCheck={false}
          autoComplete="off"
          maxLength={60}
          placeholder={t('serialFinder.placeholder')}
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <button type="submit" className="btn btn-primary" data-testid="serial-finder-run" disabled={!text.trim() || state.phase === 'loading'}>
          {t('serialFinder.find')}
        </button>
        <span className="note">{t('serialFinder.hint')}</span>
      </form>
      <div className="dialog-body store-finder-body" data-testid="serial-finder-result" data-state={state.phase} data-count={state.phase === 'done' ? state.serials.length : undefined}>
        {state.phase === 'loading' && <div className="muted">{t('common.loading')}</div>}
        {state.phase === 'failed' && <FormError text={state.message} testId="serial-finder-error" />}
        {state.phase === 'done' && !state.serials.length && (
          <div className="form-notice" data-testid="serial-finder-none">
            {t('serialFinder.none', { serialNo: state.serialNo })}
          </div>
        )}
        {state.phase === 'done' &&
          state.serials.map((s) => (
            <section key={`${s.partNo}\n${s.serialNo}`} className="store-finder-serial" data-testid={`serial-${s.partNo}`} data-state={s.state}>
              <div className="store-finder-head">
                <b className="store-finder-no">{s.serialNo}</b>
                <span>
                  {s.partNo} {s.partName}
                </span>
                <span className={`store-state state-${s.state}`} data-testid="serial-state">
                  {stateText(s.state)}
                </span>
                <span className="store-finder-where" data-testid="serial-where">
                  {where(s)}
                </span>
              </div>
              <div className="store-table-wrap">
                <table className="store-table" data-testid="serial-history" data-count={s.history.length}>
                  <thead>
                    <tr>
                      <th>{t('serialFinder.at')}</th>
                      <th>{t('serialFinder.docType')}</th>
                      <th>{t('serialFinder.docNo')}</th>
                      <th>{t('serialFinder.move')}</th>
                      <th>{t('serialFinder.warehouse')}</th>
                      <th>{t('serialFinder.orderNo')}</th>
                      <th>{t('serialFinder.by')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {s.history.map((h, i) => (
                      <tr key={i}>
                        <td>{formatDateTime(h.at)}</td>
                        <td>{t(`documentType.${h.docType}`)}</td>
                        <td>
                          <button type="button" className="store-link" data-testid={`serial-doc-${h.docNo}`} onClick={() => setViewing(h.docNo)}>
                            {h.docNo}
                          </button>
                        </td>
                        <td>
                          <span className="muted">{stateText(h.fromState)}</span> → {stateText(h.toState)}
                        </td>
                        <td>{h.warehouse ?? ''}</td>
                        <td>{h.orderNo ?? ''}</td>
                        <td>{h.by}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </section>
          ))}
        {state.phase === 'idle' && <div className="muted">{t('serialFinder.idle')}</div>}
      </div>
      <div className="dialog-buttons">
        <button type="button" className="btn" data-testid="serial-finder-close" onClick={onClose}>
          {t('store.close')}
        </button>
      </div>
    </DialogWindow>
  );
}
