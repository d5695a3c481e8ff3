import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM } from '../../scripts/ensure-chromium.js';

/**
 * Debian's Chromium as this machine needs it: no sandbox as root, no GPU, and none of the
 * background connections its closed network refuses.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync'],
  });
}
