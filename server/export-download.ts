import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Backend } from '../db/backend.js';
import { ServiceError } from '../shared/errors.js';

/** `attachment` with an ASCII fallback name and the real one in RFC 5987 UTF-8 form. */
export function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/**
 * GET /api/export/<jobId>/file: the finished file of the caller's own export job, once; the job
 * and its file are dropped when the response has been sent.
 */
export async function serveExportFile(backend: Backend, req: IncomingMessage, res: ServerResponse, jobId: string, token: string | null): Promise<void> {
  if (req.method === 'OPTIONS') {
    res.writeHead(204).end();
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET');
    throw new ServiceError('METHOD_NOT_ALLOWED', 'An export file is fetched with GET.');
  }
  const session = backend.auth.authenticate(token);
  const file = backend.exports.file(session.user, jobId);
  res.writeHead(200, {
    'Content-Type': file.contentType,
    'Content-Length': file.size,
    'Content-Disposition': contentDisposition(file.fileName),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  await new Promise<void>((resolve, reject) => {
    const stream = createReadStream(file.path);
    stream.on('error', (err) => {
      res.destroy();
      reject(err);
    });
    res.on('finish', () => {
      backend.exports.release(jobId);
      resolve();
    });
    res.on('close', () => {
      stream.destroy();
      resolve();
    });
    stream.pipe(res);
  });
}
