import type { TFunction } from 'i18next';
import { ErrorCodes, ServiceError } from '../../../shared/errors.js';
import { UnavailableError } from '../api/errors.js';

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
    case 'REFUSED':
      // The server's message says why (who changed what; which rule refused it).
      return t(`errors.${err.code}`, { message: err.message });
    default:
      return (ErrorCodes as readonly string[]).includes(err.code) ? t(`errors.${err.code}`) : t('errors.unknown', { message: err.message });
  }
}
