import type { TFunction } from 'i18next';
import type { QueryResult } from '../../../shared/query.js';
import { errorText } from '../i18n/errors.js';

export type QueryPhase =
  | { phase: 'idle' }
  | { phase: 'loading' }
  | { phase: 'done'; result: QueryResult }
  | { phase: 'failed'; error: unknown };

export interface ResultBar {
  text: string;
  kind: 'info' | 'capped' | 'error' | 'busy';
}

/** The line under every list: busy, failed, "200 of N shown …" when capped, or the count. */
export function resultBar(t: TFunction, lang: string, state: QueryPhase, cappedKey = 'result.capped'): ResultBar {
  const nf = new Intl.NumberFormat(lang);
  switch (state.phase) {
    case 'loading':
      return { text: t('result.loading'), kind: 'busy' };
    case 'failed':
      return { text: t('result.failed', { message: errorText(t, state.error) }), kind: 'error' };
    case 'done': {
      const { result } = state;
      if (result.capped) return { text: t(cappedKey, { shown: nf.format(result.rows.length), total: nf.format(result.total) }), kind: 'capped' };
      if (result.total === 0) return { text: t('result.none'), kind: 'info' };
      return { text: t('result.count', { total: nf.format(result.total) }), kind: 'info' };
    }
    default:
      return { text: '', kind: 'info' };
  }
}
