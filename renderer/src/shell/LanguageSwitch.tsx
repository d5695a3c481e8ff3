import { useTranslation } from 'react-i18next';
import { currentLanguage, languages, setLanguage, type Language } from '../i18n/index.js';

/** 中文 / English; the choice is kept on this machine. */
export function LanguageSwitch({ className }: { className?: string }) {
  const { t, i18n } = useTranslation();
  const lang = (languages as readonly string[]).includes(i18n.language) ? (i18n.language as Language) : currentLanguage();
  return (
    <label className={`language-switch ${className ?? ''}`}>
      <span className="language-switch-label">{t('language.label')}</span>
      <select
        data-testid="language-select"
        aria-label={`${t('language.label')} / Language`}
        value={lang}
        onChange={(e) => void setLanguage(e.target.value as Language)}
      >
        {languages.map((l) => (
          <option key={l} value={l}>
            {t(`language.${l}`)}
          </option>
        ))}
      </select>
    </label>
  );
}
