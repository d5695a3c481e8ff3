import zhCN from '../../../resources/locales/zh-CN/translation.json';
import en from '../../../resources/locales/en/translation.json';
import zhCNWarehouse from '../../../resources/locales/zh-CN/warehouse.json';
import enWarehouse from '../../../resources/locales/en/warehouse.json';
import zhCNMaterialsUi from '../../../resources/locales/zh-CN/materials-ui.json';
import enMaterialsUi from '../../../resources/locales/en/materials-ui.json';
import zhCNStoreUi from '../../../resources/locales/zh-CN/store-ui.json';
import enStoreUi from '../../../resources/locales/en/store-ui.json';
import zhCNLive from '../../../resources/locales/zh-CN/live.json';
import enLive from '../../../resources/locales/en/live.json';

// One namespace per language; the warehouse's texts are kept in files of their own, whose
// top-level keys never overlap (tests/unit/locales.test.ts checks it).
export const localeFiles = {
  'zh-CN': [zhCN, zhCNWarehouse, zhCNMaterialsUi, zhCNStoreUi, zhCNLive],
  en: [en, enWarehouse, enMaterialsUi, enStoreUi, enLive],
} as const;

const merge = (files: readonly object[]) => Object.assign({}, ...files) as Record<string, unknown>;

export const translations = {
  'zh-CN': merge(localeFiles['zh-CN']),
  en: merge(localeFiles.en),
};
