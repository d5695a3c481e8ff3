import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { StockDocument } from '../../../shared/warehouse/schemas.js';
import { mayCall, type Role } from '../../../shared/roles.js';
import type { ApiClient } from '../api/client.js';
import { FormError, ModalBackdrop, useEscapeKey } from '../dialogs/ConfirmDialog.js';
import { formatDateTime } from '../grid/format.js';
import { errorText } from '../i18n/errors.js';
import './store.css';

interface Props {
  client: ApiClient;
  role: Role;
  docNo: string;
  onClose(): void;
  /** After a reversal was posted (the list shows the document as reversed). */
  onChanged?(): void;
}

/**
 * One posted stock document, read only (documents.get): its header, its lines, and whether it
 * was reversed (红冲) — a reversal and the document it undoes open each other. Warehouse staff
 * reverse a document here, saying why (stock.reverse); a reversal is never reversed, nor a
 * document twice.
 */
export function DocumentView({ client, role, docNo: first, onClose, onChanged }: Props) {
  const { t, i18n } = useTranslation();
  const [docNo, setDocNo] = useState(first);
  const [doc, setDoc] = useState<StockDocument | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [asking, setAsking] = useState(false);
  const [reversal, setReversal] = useState<string | null>(null);
  const closeRef = useRef<HTMLButtonElement>(null);

  const load = useCallback(
    async (no: string) => {
      try {
        setDoc(await client.call('documents.get', { docNo: no }));
        setError(null);
      } catch (err) {
        setDoc(null);
        setError(errorText(t, err));
      }
    },
    [client, t],
  );
  useEffect(() => {
    void load(docNo);
    // The focus stays in the view when a linked document replaces the one shown.
    closeRef.current?.focus();
  }, [load, docNo]);
  // Esc closes the reason question first, then the view — wherever the focus is, and never the window below.
  useEscapeKey(() => (asking ? setAsking(false) : onClose()), { capture: true });

  const mayReverse = mayCall(role, 'stock.reverse') && doc !== null && doc.type !== 'reversal' && !doc.reversedBy;
  const lines = doc?.lines ?? [];
  const has = (f: 'kind' | 'newSerial' | 'fault' | 'serials') =>
    // The kind of a line means something on a return only (unused / faulty).
    f === 'kind' ? doc?.type === 'return' : lines.some((l) => (f === 'serials' ? l.serials.length > 0 : l[f] !== ''));
  const kindText = (kind: string) => (i18n.exists(`returnKind.${kind}`) ? t(`returnKind.${kind}`) : kind);
  const link = (no: string | null, testId: string) =>
    no ? (
      <button type="button" className="store-link" data-testid={testId} onClick={() => setDocNo(no)}>
        {no}
      </button>
    ) : null;

  const fields: [string, React.ReactNode][] = doc
    ? [
        ['documentView.type', t(`documentType.${doc.type}`)],
        ['documentView.postedAt', formatDateTime(doc.postedAt)],
        ['documentView.postedBy', doc.postedBy],
        ...(doc.orderNo ? ([['documentView.orderNo', doc.orderNo]] as [string, string][]) : []),
        ...(doc.warehouse ? ([['documentView.warehouse', doc.warehouse]] as [string, string][]) : []),
        ...(doc.engineer ? ([['documentView.engineer', doc.engineer]] as [string, string][]) : []),
        ...(doc.reason ? ([['documentView.reason', doc.reason]] as [string, string][]) : []),
        ...(doc.remarks ? ([['documentView.remarks', doc.remarks]] as [string, string][]) : []),
        ...(doc.reverses ? ([['documentView.reverses', link(doc.reverses, 'document-reverses')]] as [string, React.ReactNode][]) : []),
      ]
    : [];

  return (
    <ModalBackdrop className="store-backdrop store-view-backdrop" onEscape={() => (asking ? setAsking(false) : onClose())}>
      <div className="dialog store-document" role="dialog" aria-modal="true" aria-labelledby="document-view-title" data-testid="document-view" data-doc-no={docNo} data-reversed-by={doc?.reversedBy ?? ''}>
        <div className="dialog-title" id="document-view-title">
          <span className="dialog-title-text">
            {doc ? t('documentView.title', { type: t(`documentType.${doc.type}`), docNo }) : docNo}
          </span>
          {doc?.reversedBy && (
            <span className="store-stamp" data-testid="document-reversed">
              {t('documentView.reversedStamp')} {link(doc.reversedBy, 'document-reversed-by')}
            </span>
          )}
        </div>
        <div className="dialog-body store-document-body">
          <FormError text={error} testId="document-error" />
          {reversal && (
            <div className="form-notice" role="status" data-testid="document-reversal-done" data-doc-no={reversal}>
              {t('documentView.reversedNow', { docNo: reversal })}
            </div>
          )}
          {doc && (
            <>
              <dl className="store-fields">
                {fields.map(([key, value]) => (
                  <div key={key}>
                    <dt>{t(key)}</dt>
                    <dd>{value}</dd>
                  </div>
                ))}
              </dl>
              <div className="store-table-wrap">
                <table className="store-table" data-testid="document-lines" data-count={lines.length}>
                  <thead>
                    <tr>
                      <th className="num">#</th>
                      {has('kind') && <th>{t('documentView.kind')}</th>}
                      <th>{t('documentView.partNo')}</th>
                      <th>{t('documentView.partName')}</th>
                      <th>{t('documentView.warehouse')}</th>
                      <th className="num">{t('documentView.quantity')}</th>
                      {has('serials') && <th>{doc.type === 'return' && has('newSerial') ? t('documentView.serialsOrOld') : t('documentView.serials')}</th>}
                      {has('newSerial') && <th>{t('documentView.newSerial')}</th>}
                      {has('fault') && <th>{t('documentView.fault')}</th>}
                    </tr>
                  </thead>
                  <tbody>
                    {lines.map((l) => (
                      <tr key={l.lineNo} data-testid={`document-line-${l.lineNo}`}>
                        <td className="num muted">{l.lineNo}</td>
                        {has('kind') && <td>{kindText(l.kind)}</td>}
                        <td>{l.partNo}</td>
                        <td>{l.partName}</td>
                        <td>{l.warehouse}</td>
                        <td className={`num ${l.quantity < 0 ? 'store-minus' : ''}`}>{l.quantity > 0 && doc.type === 'adjustment' ? `+${l.quantity}` : l.quantity}</td>
                        {has('serials') && <td className="store-serial-list">{l.serials.join(', ')}</td>}
                        {has('newSerial') && <td className="store-serial-list">{l.newSerial}</td>}
                        {has('fault') && <td>{l.fault}</td>}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          )}
          {!doc && !error && <div className="muted">{t('common.loading')}</div>}
        </div>
        <div className="dialog-buttons">
          {mayReverse && (
            <button type="button" className="btn btn-danger btn-left" data-testid="document-reverse" onClick={() => setAsking(true)}>
              {t('documentView.reverse')}
            </button>
          )}
          <button ref={closeRef} type="button" className="btn" data-testid="document-close" onClick={onClose}>
            {t('store.close')}
          </button>
        </div>
      </div>
      {asking && doc && (
        <ReverseDialog
          client={client}
          doc={doc}
          onCancel={() => setAsking(false)}
          onDone={(no) => {
            setAsking(false);
            setReversal(no);
            void load(docNo);
            onChanged?.();
          }}
        />
      )}
    </ModalBackdrop>
  );
}

/** 红冲: why the document is reversed (required), then the reversing document is posted. */
function ReverseDialog({ client, doc, onCancel, onDone }: { client: ApiClient; doc: StockDocument; onCancel(): void; onDone(docNo: string): void }) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ref = useRef<HTMLTextAreaElement>(null);
  useEffect(() => ref.current?.focus(), []);
  const missing = reason.trim() === '';

  const send = async () => {
    setTried(true);
    if (missing || busy) return;
    setBusy(true);
    setError(null);
    try {
      const r = await client.call('stock.reverse', { docNo: doc.docNo, reason: reason.trim() });
      onDone(r.docNo);
    } catch (err) {
      setError(errorText(t, err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <ModalBackdrop onEscape={onCancel}>
      <form
        className="dialog store-reverse-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="reverse-title"
        data-testid="reverse-dialog"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void send();
        }}
      >
        <div className="dialog-title" id="reverse-title">
          {t('documentView.reverseTitle', { docNo: doc.docNo })}
        </div>
        <div className="dialog-body">
          <p className="store-reverse-what">{t(`documentView.reverseWhat.${doc.type}`, { docNo: doc.docNo })}</p>
          <label className="store-stacked">
            <span>
              {t('documentView.reverseReason')}
              <span className="required-mark">*</span>
            </span>
            <textarea
              ref={ref}
              rows={3}
              maxLength={500}
              value={reason}
              data-testid="reverse-reason"
              aria-invalid={tried && missing}
              onChange={(e) => setReason(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
                  e.preventDefault();
                  e.currentTarget.form?.requestSubmit();
                }
              }}
            />
          </label>
          {tried && missing && <div className="field-error">{t('documentView.reverseReasonRequired')}</div>}
          <FormError text={error} testId="reverse-error" />
        </div>
        <div className="dialog-buttons">
          <button type="submit" className="btn btn-danger" data-testid="reverse-confirm" disabled={busy}>
            {busy ? t('store.postingButton') : t('documentView.reverseConfirm')}
          </button>
          <button type="button" className="btn" data-testid="reverse-cancel" onClick={onCancel}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </ModalBackdrop>
  );
}
