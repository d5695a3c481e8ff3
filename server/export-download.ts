import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Backend } from '../db/backend.js';
import type { ExportFile } from '../db/services/export.js';
import { ServiceError } from '../shared/errors.js';

/** `attachment` with an ASCII fallback name and the real one in RFC 5987 UTF-8 form. */
export function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/**
 * GET /api/export/<jobId>/file: the finished file of the caller's own export job, once. The job
 * is taken when the answer starts, so the file cannot be fetched again whether or not this
 * download completes, and the file is deleted when the answer ends (sent, or the client gone).
 * HEAD only tells the size and name. Resolves `aborted` when the client went away early.
 */
export async function serveExportFile(
  backend: Backend,
  req: IncomingMessage,
  res: ServerResponse,
  jobId: string,
  token: string | null,
): Promise<'sent' | 'aborted'> {
  if (req.method === 'OPTIONS') {
    res.writeHead(204).end();
    return 'sent';
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET');
    throw new ServiceError('METHOD_NOT_ALLOWED', 'An export file is fetched with GET.');
  }
  const session = backend.auth.authenticate(token);
  const headers = (file: ExportFile) => ({
    'Content-Type': file.contentType,
    'Content-Length': file.size,
    'Content-Disposition': contentDisposition(file.fileName),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  if (req.method === 'HEAD') {
    res.writeHead(200, headers(backend.exports.file(session.user, jobId)));
    res.end();
    return 'sent';
  }
  const file = backend.exports.take(session.user, jobId);
  return new Promise<'sent' | 'aborted'>((resolve, reject) => {
    let settled = false;
    const done = (outcome: 'sent' | 'aborted') => {
      if (settled) return;
      settled = true;
      stream.destroy();
      file.dispose();
      resolve(outcome);
    };
    const stream = createReadStream(file.path);
    stream.on('error', () => {
      if (!res.headersSent && !settled) {
        settled = true;
        file.dispose();
        reject(new ServiceError('NOT_FOUND', 'The export file is gone.'));
        return;
      }
      res.destroy();
      done('aborted');
    });
    stream.once('open', () => {
      res.writeHead(200, headers(file));
      stream.pipe(res);
    });
    res.on('finish', () => done('sent'));
    res.on('close', () => done(res.writableFinished ? 'sent' : 'aborted'));
  });
}
