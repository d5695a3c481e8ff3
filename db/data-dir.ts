import { homedir } from 'node:os';
import { join } from 'node:path';

export const APP_FOLDER = 'pim-aftersales';
export const LOCAL_DB_NAME = 'pim-aftersales.db';

/**
 * The per-user data folder, the same one Electron's userData points to (main sets it), so the
 * desktop window and the browser fallback of `npm start` open the same local database.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.PIM_DATA_DIR) return env.PIM_DATA_DIR;
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_FOLDER);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_FOLDER);
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), APP_FOLDER);
}
