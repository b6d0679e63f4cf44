#!/usr/bin/env node
// Browser tests drive a real Chromium through playwright-core. Playwright's own browser download
// cannot work offline, so we use Debian's chromium: installed here with apt when we run as root and
// it is missing. Otherwise the browser tests skip with a notice (they never fail for its absence).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

const wanted = process.env.VIDEOLOOM_CHROMIUM ?? '/usr/bin/chromium';
if (fs.existsSync(wanted)) {
  console.log(`browser tests: using ${wanted}`);
  process.exit(0);
}
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = fs.existsSync('/usr/bin/apt-get');
if (!isRoot || !hasApt || process.env.VIDEOLOOM_SKIP_BROWSER_INSTALL) {
  console.warn(
    `browser tests: ${wanted} not found and it cannot be installed here (${!hasApt ? 'no apt-get' : !isRoot ? 'not root' : 'VIDEOLOOM_SKIP_BROWSER_INSTALL set'}); ` +
      "they will be skipped. Install Debian's chromium (apt-get install chromium) or set VIDEOLOOM_CHROMIUM.",
  );
  process.exit(0);
}
console.log('browser tests: installing Debian chromium with apt-get (once per machine)...');
try {
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium'], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
} catch (error) {
  console.warn(`browser tests: apt-get could not install chromium (${error.message}); they will be skipped.`);
}
