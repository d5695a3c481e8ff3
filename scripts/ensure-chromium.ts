import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// The e2e tests drive Debian's Chromium (Playwright's own browser download cannot work here)
// and need a CJK font, or every Chinese label renders as boxes in the screenshots.
const packages = ['chromium', 'fonts-wqy-microhei'];

function installed(pkg: string): boolean {
  return spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' }).stdout?.includes('install ok installed') ?? false;
}

export function ensureChromium(): void {
  const missing = packages.filter((p) => !installed(p));
  if (missing.length === 0 && existsSync(CHROMIUM)) return;
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !existsSync('/usr/bin/apt-get')) {
    throw new Error(`The e2e tests need ${missing.join(' and ')}: run "sudo apt-get install -y ${missing.join(' ')}" (or set CHROMIUM_PATH).`);
  }
  console.log(`Installing ${missing.join(', ')} from Debian's packages for the e2e tests …`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  const install = spawnSync('apt-get', ['install', '-y', '-qq', ...missing], { stdio: 'inherit', env });
  if (update.status !== 0 || install.status !== 0 || !existsSync(CHROMIUM)) {
    throw new Error(`Installing ${missing.join(' ')} failed; see apt-get's messages above.`);
  }
}
