// Test (e2e) and bench: how Facelens launches Chromium here (found by scripts/chromium.mjs; no background network).
import { findChromium } from '../../scripts/chromium.mjs';

export const chromiumLaunch = {
  // scripts/test.mjs installs one first when none is found, and passes its path in FACELENS_CHROMIUM.
  executablePath: findChromium() ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};
