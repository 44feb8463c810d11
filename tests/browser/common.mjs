// What the browser checks share: finding Chromium and puppeteer-core (or
// skipping, exit 77, when either is missing), launching the browser the same
// way every time, collecting failed checks, and a watchdog that fails a
// check which hangs instead of letting it hang.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const SKIP = 77;
export const here = path.dirname(fileURLToPath(import.meta.url));

/// The value after `--name` on the command line, or undefined.
export function arg(name) {
  const args = process.argv.slice(2);
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/// $CHROMIUM if set, else the first of chromium, chromium-browser,
/// google-chrome on PATH; null when there is none.
export function findChromium() {
  const candidates = process.env.CHROMIUM ? [process.env.CHROMIUM] : ["chromium", "chromium-browser", "google-chrome"];
  for (const c of candidates) {
    if (c.includes("/")) {
      if (fs.existsSync(c)) return c;
      continue;
    }
    for (const dir of (process.env.PATH || "").split(":")) {
      const p = path.join(dir, c);
      try {
        fs.accessSync(p, fs.constants.X_OK);
        return p;
      } catch {}
    }
  }
  return null;
}

/// puppeteer-core and Chromium, or exit 77 (skipped) saying what to install.
/// puppeteer-core never downloads a browser; we drive the system's Chromium.
export async function requireBrowser() {
  const chromium = findChromium();
  if (!chromium) {
    console.log("SKIP: chromium is not installed (Debian: apt-get install chromium fonts-noto-cjk)");
    process.exit(SKIP);
  }
  let puppeteer;
  try {
    puppeteer = (await import("puppeteer-core")).default;
  } catch (e) {
    console.log(`SKIP: puppeteer-core is not installed (run: npm ci --prefix ${here}): ${e.message.split("\n")[0]}`);
    process.exit(SKIP);
  }
  return { chromium, puppeteer };
}

/// Launches headless Chromium with a fresh profile in `profileDir`, over a
/// pipe (no debugging port). Every request to a host other than loopback goes
/// to a dead proxy: without network flags Chromium on a machine without
/// Internet access retries its background services for a long time.
export async function launch({ puppeteer, chromium, profileDir, extraArgs = [] }) {
  fs.mkdirSync(profileDir, { recursive: true });
  const browser = await puppeteer.launch({
    executablePath: chromium,
    ignoreDefaultArgs: true,  // exactly the flags below, nothing implied
    pipe: true,
    timeout: 30_000,
    protocolTimeout: 30_000,
    args: [
      "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      `--user-data-dir=${profileDir}`,
      "--hide-scrollbars", "--mute-audio", "--disable-extensions", "--no-default-browser-check",
      "--proxy-server=127.0.0.1:9",
      ...extraArgs,
      "about:blank",
    ],
  });
  return browser;
}

/// Closes the browser (asking first, killing after 5 s). Never throws.
export async function closeBrowser(browser) {
  if (!browser) return;
  const proc = browser.process();
  const timer = setTimeout(() => proc?.kill("SIGKILL"), 5000);
  try {
    await browser.close();
  } catch {}
  if (proc && proc.exitCode === null && proc.signalCode === null) await new Promise((r) => proc.once("exit", r));
  clearTimeout(timer);
}

/// Removes a directory; a leftover temporary directory fails nothing.
export function removeDir(dir) {
  try {
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  } catch (e) {
    console.error(`warning: cannot remove ${dir}: ${e.message}`);
  }
}

/// The list of failed checks; `check(ok, msg)` records msg when !ok and
/// returns ok, so a caller can skip what depends on it.
export function checklist() {
  const failures = [];
  const fail = (msg) => failures.push(msg);
  const check = (ok, msg) => {
    if (!ok) fail(msg);
    return ok;
  };
  return { failures, fail, check };
}

/// Console messages and page errors of `page` that a clean page has none of,
/// appended to `into` (with the page's URL at the time).
export function watchConsole(page, into) {
  page.on("console", (m) => {
    if (["error", "assert", "warn", "warning"].includes(m.type())) {
      const loc = m.location()?.url ? ` (${m.location().url})` : "";
      into.push(`${page.url()}: console.${m.type()}: ${m.text()}${loc}`);
    }
  });
  page.on("pageerror", (e) => into.push(`${page.url()}: page error: ${e.message ?? e}`));
}

/// Fails the whole check after `ms`, killing what `onTimeout` names first.
export function watchdog(ms, onTimeout) {
  const timer = setTimeout(() => {
    console.error(`FAIL: the check did not finish within ${ms / 1000} s`);
    try {
      onTimeout();
    } catch {}
    process.exit(1);
  }, ms);
  return () => clearTimeout(timer);
}
