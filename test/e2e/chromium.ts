// Test (e2e) and bench: how Facelens launches Debian's Chromium here (no download, no background network).
export const chromiumLaunch = {
  executablePath: process.env.FACELENS_CHROMIUM ?? '/usr/bin/chromium',
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
