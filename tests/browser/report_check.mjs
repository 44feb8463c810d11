// Renders `aigc report --html` in headless Chromium and checks it as a reader
// would see it: the page loads with no console error and no network request,
// the Chinese text is drawn with a CJK font, every section's table has as
// many rows as its query returns (counted independently, by
// `aigc export --all`), the charts are there and name their query, nothing is
// wider than a phone's screen, and the page prints. Takes screenshots at
// desktop (1280×900) and phone (390×844) width.
//
// Usage: node report_check.mjs --aigc PATH/TO/aigc [--screenshots DIR]
//   DIR defaults to $AIGC_SCREENSHOT_DIR, else a temporary directory that is
//   removed. $CHROMIUM names the browser (default: chromium on PATH).
// Exit: 0 passed, 1 failed, 77 skipped (no Chromium).
//
// It talks to Chromium over the DevTools protocol on a pipe
// (--remote-debugging-pipe: JSON messages separated by NUL on fds 3 and 4),
// so it needs no WebSocket, no npm package and no port.
import { spawn, execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";

const TIMEOUT_MS = 60_000;
const EXPECTED_CHARTS = ["api_prices_normalised", "yuyan_vs_humans", "industry_quadrants", "price_spread"];

const args = process.argv.slice(2);
const arg = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const aigc = arg("--aigc");
if (!aigc) {
  console.error("usage: node report_check.mjs --aigc PATH [--screenshots DIR]");
  process.exit(2);
}

function findChromium() {
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

const chromium = findChromium();
if (!chromium) {
  console.log("SKIP: chromium is not installed (Debian: apt-get install chromium fonts-noto-cjk)");
  process.exit(77);
}

const failures = [];
const fail = (msg) => failures.push(msg);
const check = (ok, msg) => {
  if (!ok) fail(msg);
  return ok;
};

const work = fs.mkdtempSync(path.join(os.tmpdir(), "aigc-browser-"));
const shotDir = arg("--screenshots") || process.env.AIGC_SCREENSHOT_DIR || path.join(work, "screenshots");
fs.mkdirSync(shotDir, { recursive: true });
let browser = null;

/// Ends the browser (asking first, then killing it) and waits until it has
/// exited, so that it writes no more into its profile; then removes the work
/// directory. Never throws: a leftover temporary directory fails nothing.
async function cleanup() {
  if (browser && browser.exitCode === null && browser.signalCode === null) {
    const exited = new Promise((resolve) => browser.once("exit", resolve));
    send("Browser.close").catch(() => {});
    const timer = setTimeout(() => browser.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  }
  try {
    fs.rmSync(work, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  } catch (e) {
    console.error(`warning: cannot remove ${work}: ${e.message}`);
  }
}

const watchdog = setTimeout(() => {
  console.error(`FAIL: the check did not finish within ${TIMEOUT_MS / 1000} s`);
  if (browser) browser.kill("SIGKILL");
  process.exit(1);
}, TIMEOUT_MS);

function runAigc(...a) {
  const env = { ...process.env };
  delete env.AIGC_DB;
  delete env.AIGC_QUERIES;  // the embedded queries
  return execFileSync(aigc, ["--db", path.join(work, "warehouse.db"), ...a], { env, timeout: 30_000 }).toString();
}

// ---------------------------------------------------------------------------
// The page, the independent row counts, and what can be checked on the file.

const reportFile = path.join(work, "report.html");

/// Writes the report and exports every query for its row counts; checks
/// that the file is self-contained. Returns the rows each query returns.
function preparePage() {
  runAigc("report", "--html", reportFile);
  runAigc("export", "--all", "--dir", path.join(work, "export"), "--format", "csv");
  const manifest = JSON.parse(fs.readFileSync(path.join(work, "export", "manifest.json"), "utf8"));
  const html = fs.readFileSync(reportFile, "utf8");

  // Self-contained: nothing that could be fetched, no script.
  check(/<meta http-equiv="Content-Security-Policy" content="default-src 'none';/.test(html),
        "the page has no Content-Security-Policy forbidding loads");
  check(!/<script/i.test(html), "the page has a <script>");
  for (const m of html.matchAll(/\s(src|srcset|href|action|poster|formaction|xlink:href)\s*=\s*"([^"]*)"/gi))
    check(m[1].toLowerCase() === "href" && m[2].startsWith("#"), `an attribute loads or links outside the page: ${m[0]}`);
  for (const m of html.matchAll(/https?:\/\/[^\s"'<)]+/g))
    check(m[0] === "http://www.w3.org/2000/svg", `a URL in the page: ${m[0]}`);
  check(/<meta charset="utf-8">/.test(html), "no UTF-8 charset declaration");
  return new Map(manifest.queries.map((q) => [q.name, q.rows]));
}

// ---------------------------------------------------------------------------
// A DevTools-protocol client over the pipe.

let browserLog = "";
let toBrowser = null;
let nextId = 1;
const pending = new Map();
const listeners = [];

function startBrowser() {
  browser = spawn(chromium, [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", `--user-data-dir=${path.join(work, "profile")}`,
    "--remote-debugging-pipe", "--hide-scrollbars", "--mute-audio", "--disable-extensions",
    "--no-default-browser-check",
    // Belt and braces: a request that got past the page's policy would go to a dead proxy.
    "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
    "about:blank",
  ], { stdio: ["ignore", "ignore", "pipe", "pipe", "pipe"] });
  browser.stderr.on("data", (d) => (browserLog = (browserLog + d.toString()).slice(-20000)));
  browser.on("error", (e) => {
    console.error(`FAIL: cannot start ${chromium}: ${e.message}`);
    process.exit(1);
  });
  browser.on("exit", (code, signal) => {
    for (const { reject, method } of pending.values())
      reject(new Error(`${method}: chromium exited (${signal || code}) before answering`));
    pending.clear();
  });
  toBrowser = browser.stdio[3];
  let buffer = Buffer.alloc(0);
  browser.stdio[4].on("data", (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (let end; (end = buffer.indexOf(0)) >= 0; ) {
      const msg = JSON.parse(buffer.subarray(0, end).toString("utf8"));
      buffer = buffer.subarray(end + 1);
      if (msg.id && pending.has(msg.id)) {
        const { resolve, reject, method } = pending.get(msg.id);
        pending.delete(msg.id);
        if (msg.error) reject(new Error(`${method}: ${msg.error.message}`));
        else resolve(msg.result);
      } else if (msg.method) {
        for (const l of listeners) l(msg);
      }
    }
  });
}

function send(method, params = {}, sessionId = undefined) {
  const id = nextId++;
  const msg = { id, method, params };
  if (sessionId) msg.sessionId = sessionId;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject, method });
    toBrowser.write(JSON.stringify(msg) + "\0");
  });
}

function waitFor(method, sessionId, ms = 20_000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${method} within ${ms / 1000} s`)), ms);
    listeners.push(function once(msg) {
      if (msg.method !== method || msg.sessionId !== sessionId) return;
      clearTimeout(timer);
      listeners.splice(listeners.indexOf(once), 1);
      resolve(msg.params);
    });
  });
}

// ---------------------------------------------------------------------------

const pageUrl = pathToFileURL(reportFile).href;
const consoleErrors = [];
const requests = [];

async function main() {
  const expectedRows = preparePage();
  startBrowser();
  const { targetId } = await send("Target.createTarget", { url: "about:blank" });
  const { sessionId: s } = await send("Target.attachToTarget", { targetId, flatten: true });
  const page = (method, params) => send(method, params, s);

  listeners.push((msg) => {
    if (msg.sessionId !== s) return;
    const p = msg.params;
    if (msg.method === "Runtime.consoleAPICalled" && ["error", "assert", "warning"].includes(p.type))
      consoleErrors.push(`console.${p.type}: ${p.args.map((a) => a.value ?? a.description).join(" ")}`);
    if (msg.method === "Runtime.exceptionThrown") consoleErrors.push(`exception: ${p.exceptionDetails.text}`);
    if (msg.method === "Log.entryAdded" && ["error", "warning"].includes(p.entry.level))
      consoleErrors.push(`${p.entry.source} ${p.entry.level}: ${p.entry.text} ${p.entry.url || ""}`);
    if (msg.method === "Network.requestWillBeSent") requests.push(p.request.url);
  });
  await page("Runtime.enable");
  await page("Log.enable");
  await page("Network.enable");
  await page("Page.enable");

  const desktop = { width: 1280, height: 900, deviceScaleFactor: 1, mobile: false };
  const phone = { width: 390, height: 844, deviceScaleFactor: 2, mobile: true };
  await page("Emulation.setDeviceMetricsOverride", desktop);
  const loaded = waitFor("Page.loadEventFired", s);
  await page("Page.navigate", { url: pageUrl });
  await loaded;

  // What the reader sees: per section, the rows of its table and its chart.
  const evaluate = async (expr) => {
    const r = await page("Runtime.evaluate", { expression: expr, returnByValue: true });
    if (r.exceptionDetails) throw new Error(`evaluate: ${r.exceptionDetails.text}`);
    return r.result.value;
  };
  const sections = await evaluate(`[...document.querySelectorAll("main section.query")].map((s) => ({
      query: s.dataset.query,
      dataRows: Number(s.dataset.rows),
      tables: s.querySelectorAll("table").length,
      rows: s.querySelectorAll("table tbody tr").length,
      nulls: s.querySelectorAll("table tbody .null").length,
      chart: s.querySelector("figure.chart svg") ? s.querySelector("figure.chart").textContent : null,
      chartWidth: s.querySelector("figure.chart svg")?.getBoundingClientRect().width ?? 0,
      title: s.querySelector("h2").textContent,
      provenance: s.querySelector(".provenance")?.textContent ?? "",
    }))`);
  check(sections.length === expectedRows.size,
        `${sections.length} sections on the page, ${expectedRows.size} saved queries exported`);
  const seen = new Set();
  for (const sec of sections) {
    seen.add(sec.query);
    if (!check(expectedRows.has(sec.query), `section ${sec.query} is not a saved query`)) continue;
    const want = expectedRows.get(sec.query);
    check(sec.tables === 1, `section ${sec.query} has ${sec.tables} tables`);
    check(sec.rows === want, `section ${sec.query}: ${sec.rows} table rows on the page, the query returns ${want}`);
    check(sec.dataRows === want, `section ${sec.query}: data-rows says ${sec.dataRows}, the query returns ${want}`);
    check(sec.provenance.includes("Provenance"), `section ${sec.query} has no provenance`);
    if (EXPECTED_CHARTS.includes(sec.query)) {
      check(sec.chart !== null, `section ${sec.query} has no chart`);
      check(sec.chart === null || sec.chart.includes(`saved query ${sec.query}`),
            `the chart of ${sec.query} does not say which query it shows`);
      check(sec.chartWidth > 300, `the chart of ${sec.query} is ${sec.chartWidth}px wide`);
    }
  }
  for (const name of expectedRows.keys()) check(seen.has(name), `no section for saved query ${name}`);
  check(sections.some((sec) => sec.nulls > 0), "no NULL is marked anywhere");
  const tocLinks = await evaluate(`[...document.querySelectorAll("nav.toc a")].map((a) =>
      document.getElementById(a.getAttribute("href").slice(1)) !== null)`);
  check(tocLinks.length === sections.length && tocLinks.every(Boolean), "a contents link does not lead to its section");

  // The Chinese text is drawn with a CJK font, not boxes.
  await page("DOM.enable");
  await page("CSS.enable");
  const { root } = await page("DOM.getDocument", { depth: 0 });
  const { nodeId } = await page("DOM.querySelector", { nodeId: root.nodeId, selector: "section.query h2" });
  const { fonts } = await page("CSS.getPlatformFontsForNode", { nodeId });
  check(fonts.some((f) => /CJK|Han Sans|PingFang|YaHei/i.test(f.familyName) && f.glyphCount > 0),
        `the Chinese heading is not drawn with a CJK font (install fonts-noto-cjk): ${JSON.stringify(fonts)}`);

  const shoot = async (name) => {
    const { data } = await page("Page.captureScreenshot", { format: "png" });
    fs.writeFileSync(path.join(shotDir, name), Buffer.from(data, "base64"));
  };
  const scrollTo = (query) =>
    evaluate(`document.querySelector('section[data-query="${query}"]').scrollIntoView(); window.scrollY`);
  const noOverflow = async (width) => {
    const w = await evaluate("document.documentElement.scrollWidth");
    check(w <= width, `the page is ${w}px wide at a ${width}px viewport: something does not fit`);
  };

  await evaluate("window.scrollTo(0, 0)");
  await noOverflow(desktop.width);
  await shoot("report-desktop.png");
  await scrollTo("yuyan_vs_humans");
  await shoot("report-desktop-chart.png");

  await page("Emulation.setDeviceMetricsOverride", phone);
  await evaluate("window.scrollTo(0, 0)");
  await noOverflow(phone.width);
  await shoot("report-phone.png");
  await scrollTo("api_prices_normalised");
  await shoot("report-phone-chart.png");
  // A table wider than the phone scrolls inside its section, not the page.
  const scrollers = await evaluate(`[...document.querySelectorAll(".table-wrap")]
      .filter((w) => w.scrollWidth > w.clientWidth).length`);
  check(scrollers > 0, "no table scrolls sideways at phone width (expected the wide ones to)");

  // It prints.
  await page("Emulation.clearDeviceMetricsOverride");
  const { data: pdf } = await page("Page.printToPDF", { printBackground: false, preferCSSPageSize: true });
  const pdfBytes = Buffer.from(pdf, "base64");
  check(pdfBytes.subarray(0, 5).toString() === "%PDF-" && pdfBytes.length > 10_000, "printing produced no PDF");
  if (process.env.AIGC_SCREENSHOT_DIR || arg("--screenshots")) fs.writeFileSync(path.join(shotDir, "report.pdf"), pdfBytes);

  for (const e of consoleErrors) fail(`console: ${e}`);
  for (const u of requests) check(u === pageUrl, `a network request: ${u}`);

  return { sections: sections.length, rows: sections.reduce((n, sec) => n + sec.rows, 0) };
}

let status = 1;
try {
  const { sections, rows } = await main();
  const keep = process.env.AIGC_SCREENSHOT_DIR || arg("--screenshots");
  if (failures.length) {
    for (const f of failures) console.error(`FAIL: ${f}`);
    console.error(`${failures.length} failed checks`);
    if (keep) {
      fs.copyFileSync(reportFile, path.join(shotDir, "report.html"));
      console.error(`the page is kept in ${shotDir}/report.html`);
    }
  } else {
    console.log(`report in Chromium: ${sections} sections, ${rows} table rows as the queries return, ` +
                `no console error, no network request` + (keep ? `; screenshots in ${shotDir}` : ""));
    status = 0;
  }
} catch (e) {
  console.error(`FAIL: ${e.message}`);
  console.error(browserLog.split("\n").filter((l) => !/dbus/.test(l)).slice(-20).join("\n"));
}
await cleanup();
clearTimeout(watchdog);
process.exit(status);
