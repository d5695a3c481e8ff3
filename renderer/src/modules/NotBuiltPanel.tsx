import { useTranslation } from 'react-i18next';
import type { ModuleDef } from '../../../shared/modules/types.js';

/** Modules whose issue has not landed say so plainly; no fake rows. */
export function NotBuiltPanel({ module }: { module: ModuleDef }) {
  const { t } = useTranslation();
  return (
    <div className="not-built" data-testid="not-built" data-module={module.id}>
      <div className="not-built-box">
        <div className="not-built-title">{t('notBuilt.title')}</div>
        <p>{t('notBuilt.body', { module: t(module.labelKey) })}</p>
      </div>
    </div>
  );
}
