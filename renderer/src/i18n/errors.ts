import type { TFunction } from 'i18next';
import { ErrorCodes, ServiceError } from '../../../shared/errors.js';
import { UnavailableError } from '../api/errors.js';
import { i18next } from './index.js';

/** A reason's values, with known enum values (a status, a document type) in the user's language. */
function reasonParams(t: TFunction, params: Record<string, string | number> = {}): Record<string, string | number> {
  const out: Record<string, string | number> = { ...params };
  if (typeof params.status === 'string') {
    for (const key of ['owedStatus', 'dispatchStatus']) {
      if (i18next.exists(`${key}.${params.status}`)) out.status = t(`${key}.${params.status}`);
    }
  }
  if (typeof params.state === 'string' && i18next.exists(`serialState.${params.state}`)) out.state = t(`serialState.${params.state}`);
  return out;
}

/** A failure in the user's language, by error code; never a stack trace. */
export function errorText(t: TFunction, err: unknown): string {
  if (!(err instanceof ServiceError)) {
    const message = err instanceof Error ? err.message : String(err);
    return t('errors.unknown', { message });
  }
  switch (err.code) {
    case 'UNAVAILABLE':
      return err instanceof UnavailableError ? t('errors.UNAVAILABLE', { address: err.address }) : t('errors.UNAVAILABLE_local');
    case 'LOGIN_THROTTLED':
      return err.retryAfterSeconds && err.retryAfterSeconds > 0
        ? t('errors.LOGIN_THROTTLED', { seconds: Math.ceil(err.retryAfterSeconds) })
        : t('errors.LOGIN_THROTTLED_noTime');
    case 'INVALID_PARAMS': {
      const details = err.issues?.length ? err.issues.map((i) => i.message).join('; ') : err.message;
      return t('errors.INVALID_PARAMS', { details });
    }
    case 'CONFLICT':
    case 'REFUSED': {
      // A reason code is translated here; otherwise the server's message says why (who changed
      // what; which rule refused it).
      const reason = err.reason;
      const message =
        reason && i18next.exists(`reasons.${reason.code}`) ? t(`reasons.${reason.code}`, reasonParams(t, reason.params)) : err.message;
      return t(`errors.${err.code}`, { message });
    }
    default:
      return (ErrorCodes as readonly string[]).includes(err.code) ? t(`errors.${err.code}`) : t('errors.unknown', { message: err.message });
  }
}
