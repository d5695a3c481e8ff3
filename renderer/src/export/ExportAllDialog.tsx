import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiClient } from '../api/client.js';
import type { ExportFormat, SheetSpec } from '../../../shared/export/sheet.js';
import { exportFileName } from '../../../shared/export/sheet.js';
import type { ModuleDef } from '../../../shared/modules/types.js';
import type { QueryRequest } from '../../../shared/query.js';
import { errorText } from '../i18n/errors.js';
import { saveExportJob } from './saveFile.js';

export interface ExportAllDialogProps {
  client: ApiClient;
  /** The module (or its id) whose list is exported. */
  module: ModuleDef | string;
  /** The current query; its row cap does not apply. */
  request: QueryRequest;
  spec: SheetSpec;
  format: ExportFormat;
  onClose(): void;
}

type Phase =
  | { kind: 'starting' }
  | { kind: 'running'; written: number; total: number }
  | { kind: 'done'; total: number }
  | { kind: 'saving'; total: number }
  | { kind: 'failed'; message: string };

const POLL_MS = 300;

/**
 * "Export all N matching rows": starts the job on the backend, shows its progress, cancels it on
 * Cancel (or when closed early), and saves the finished file — then offers to open it.
 */
export function ExportAllDialog({ client, module, request, spec, format, onClose }: ExportAllDialogProps) {
  const { t, i18n } = useTranslation();
  const [phase, setPhase] = useState<Phase>({ kind: 'starting' });
  const job = useRef<{ id: string; finished: boolean } | null>(null);
  const closed = useRef(false);
  const fetched = useRef<{ blob?: Blob }>({});
  const moduleId = typeof module === 'string' ? module : module.id;
  const number = (n: number) => n.toLocaleString(i18n.language);

  const save = useCallback(
    async (total: number) => {
      if (!job.current) return;
      setPhase({ kind: 'saving', total });
      try {
        const outcome = await saveExportJob(client.transport, client.sessionToken, job.current.id, {
          fileName: exportFileName(spec.title, format),
          format,
          cache: fetched.current,
        });
        if (outcome === 'cancelled') setPhase({ kind: 'done', total });
        else {
          job.current.finished = true;
          closed.current = true;
          onClose();
        }
      } catch (err) {
        setPhase({ kind: 'failed', message: errorText(t, err) });
      }
    },
    [client, spec.title, format, onClose, t],
  );

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    let live = true;
    const poll = async () => {
      if (!live || !job.current) return;
      try {
        const p = await client.call('export.progress', { jobId: job.current.id });
        if (!live) return;
        if (p.state === 'running') {
          setPhase({ kind: 'running', written: p.written, total: p.total });
          timer = setTimeout(poll, POLL_MS);
        } else if (p.state === 'done') {
          job.current.finished = true;
          setPhase({ kind: 'done', total: p.total });
          void save(p.total);
        } else {
          job.current.finished = true;
          setPhase({ kind: 'failed', message: p.state === 'cancelled' ? t('export.cancelled') : t('export.failed', { message: p.error ?? '' }) });
        }
      } catch (err) {
        if (live) setPhase({ kind: 'failed', message: errorText(t, err) });
      }
    };
    client
      .call('export.start', { module: moduleId, request, spec, format })
      .then((started) => {
        if (!live) {
          // Closed before the job existed: it is not wanted.
          void client.call('export.cancel', { jobId: started.jobId }).catch(() => {});
          return;
        }
        job.current = { id: started.jobId, finished: false };
        setPhase({ kind: 'running', written: 0, total: started.total });
        timer = setTimeout(poll, 0);
      })
      .catch((err) => live && setPhase({ kind: 'failed', message: errorText(t, err) }));
    return () => {
      live = false;
      if (timer) clearTimeout(timer);
      // Leaving without having saved: the job, or its waiting file, goes now rather than in an hour.
      if (job.current && !closed.current) void client.call('export.cancel', { jobId: job.current.id }).catch(() => {});
    };
    // One job per dialog: the parameters are those it opened with.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const cancel = () => {
    // Not saved: the job (running, or its waiting file) goes on the backend.
    if (job.current && !closed.current) void client.call('export.cancel', { jobId: job.current.id }).catch(() => {});
    closed.current = true;
    onClose();
  };

  const written = phase.kind === 'running' ? phase.written : phase.kind === 'done' || phase.kind === 'saving' ? phase.total : 0;
  const total = phase.kind === 'running' ? phase.total : phase.kind === 'done' || phase.kind === 'saving' ? phase.total : 0;
  const text =
    phase.kind === 'starting'
      ? t('export.starting')
      : phase.kind === 'running'
        ? t('export.progress', { written: number(phase.written), total: number(phase.total) })
        : phase.kind === 'saving'
          ? t('export.saving')
          : phase.kind === 'done'
            ? t('export.done', { total: number(phase.total) })
            : phase.message;
  const finished = phase.kind === 'done' || phase.kind === 'failed';

  return (
    <div className="modal-backdrop">
      <div
        className="dialog export-all-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="export-all-title"
        data-testid="export-all-dialog"
        data-state={phase.kind}
        style={{ minWidth: 380 }}
        onKeyDown={(e) => {
          if (e.key === 'Escape') cancel();
        }}
      >
        <div className="dialog-title" id="export-all-title">
          {t('export.title')}
        </div>
        <div className="dialog-body">
          <p role="status" aria-live="polite" className={phase.kind === 'failed' ? 'form-error' : undefined}>
            {text}
          </p>
          <progress
            data-testid="export-all-progress"
            data-written={written}
            data-total={total}
            max={Math.max(total, 1)}
            value={phase.kind === 'starting' ? undefined : written}
            style={{ width: '100%' }}
          />
        </div>
        <div className="dialog-buttons">
          {phase.kind === 'done' && (
            <button type="button" className="btn btn-primary" onClick={() => void save(phase.total)}>
              {t('export.save')}
            </button>
          )}
          <button type="button" className="btn" data-testid="export-all-cancel" onClick={cancel} autoFocus>
            {finished ? t('export.close') : t('export.cancel')}
          </button>
        </div>
      </div>
    </div>
  );
}
