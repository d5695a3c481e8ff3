import { initial } from './001_initial.js';
import { searchIndex } from './002_search_index.js';
import { userLayouts } from './003_user_layouts.js';
import { serviceWork } from './004_service_work.js';
import { taskTypes } from './005_task_types.js';
import { orderAudit } from './006_order_audit.js';
import { warehouse } from './007_warehouse.js';
import { loginThrottle } from './008_login_throttle.js';
import { foldedSearch } from './009_folded_search.js';
import { changeLog } from './010_change_log.js'; // live updates (change feed)
import { sortKeys } from './011_sort_keys.js';
import { searchChanges } from './012_search_changes.js';
import { freeTextSortKeys } from './013_free_text_sort_keys.js';
import { everyColumnSortKeys } from './014_every_column_sort_keys.js';
import { orderChanges } from './015_order_changes.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Every migration, in order. A database's PRAGMA user_version is the last one applied. */
export const migrations: readonly Migration[] = [initial, searchIndex, userLayouts, serviceWork, taskTypes, orderAudit, warehouse, loginThrottle, foldedSearch, changeLog, sortKeys, searchChanges, freeTextSortKeys, everyColumnSortKeys, orderChanges];
