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
// Exit: 0 passed, 1 failed, 77 skipped (no Chromium, or no puppeteer-core:
//   `npm ci` in tests/browser installs it).
//
// It drives Debian's Chromium with npm's puppeteer-core over a pipe
// (common.mjs launches it), so it needs no port.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { arg, checklist, closeBrowser, launch, removeDir, requireBrowser, watchConsole, watchdog } from "./common.mjs";

const TIMEOUT_MS = 60_000;
const EXPECTED_CHARTS = ["api_prices_normalised", "yuyan_vs_humans", "industry_quadrants", "price_spread"];

const aigc = arg("--aigc") && path.resolve(arg("--aigc"));  // it runs from a temporary directory
if (!aigc) {
  console.error("usage: node report_check.mjs --aigc PATH [--screenshots DIR]");
  process.exit(2);
}
const { chromium, puppeteer } = await requireBrowser();
const { failures, fail, check } = checklist();

const work = fs.mkdtempSync(path.join(os.tmpdir(), "aigc-browser-"));
const keep = arg("--screenshots") || process.env.AIGC_SCREENSHOT_DIR;
const shotDir = keep || path.join(work, "screenshots");
fs.mkdirSync(shotDir, { recursive: true });
let browser = null;

const cancelWatchdog = watchdog(TIMEOUT_MS, () => browser?.process()?.kill("SIGKILL"));

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

const pageUrl = pathToFileURL(reportFile).href;
const consoleErrors = [];
const requests = [];

async function main() {
  const expectedRows = preparePage();
  browser = await launch({
    puppeteer, chromium, profileDir: path.join(work, "profile"),
    // The page is a file: even loopback goes to the dead proxy.
    extraArgs: ["--proxy-bypass-list=<-loopback>"],
  });
  const page = await browser.newPage();
  watchConsole(page, consoleErrors);
  page.on("request", (r) => requests.push(r.url()));

  const desktop = { width: 1280, height: 900, deviceScaleFactor: 1, isMobile: false };
  const phone = { width: 390, height: 844, deviceScaleFactor: 2, isMobile: true };
  await page.setViewport(desktop);
  await page.goto(pageUrl, { waitUntil: "load", timeout: 20_000 });

  // What the reader sees: per section, the rows of its table and its chart.
  const sections = await page.evaluate(() => [...document.querySelectorAll("main section.query")].map((s) => ({
      query: s.dataset.query,
      dataRows: Number(s.dataset.rows),
      tables: s.querySelectorAll("table").length,
      rows: s.querySelectorAll("table tbody tr").length,
      nulls: s.querySelectorAll("table tbody .null").length,
      chart: s.querySelector("figure.chart svg") ? s.querySelector("figure.chart").textContent : null,
      chartWidth: s.querySelector("figure.chart svg")?.getBoundingClientRect().width ?? 0,
      title: s.querySelector("h2").textContent,
      provenance: s.querySelector(".provenance")?.textContent ?? "",
    })));
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
  const tocLinks = await page.evaluate(() => [...document.querySelectorAll("nav.toc a")].map((a) =>
      document.getElementById(a.getAttribute("href").slice(1)) !== null));
  check(tocLinks.length === sections.length && tocLinks.every(Boolean), "a contents link does not lead to its section");

  // The Chinese text is drawn with a CJK font, not boxes. Puppeteer has no
  // call for the fonts used, so ask the DevTools protocol directly.
  const cdp = await page.createCDPSession();
  await cdp.send("DOM.enable");
  await cdp.send("CSS.enable");
  const { root } = await cdp.send("DOM.getDocument", { depth: 0 });
  const { nodeId } = await cdp.send("DOM.querySelector", { nodeId: root.nodeId, selector: "section.query h2" });
  const { fonts } = await cdp.send("CSS.getPlatformFontsForNode", { nodeId });
  check(fonts.some((f) => /CJK|Han Sans|PingFang|YaHei/i.test(f.familyName) && f.glyphCount > 0),
        `the Chinese heading is not drawn with a CJK font (install fonts-noto-cjk): ${JSON.stringify(fonts)}`);

  const shoot = (name) => page.screenshot({ path: path.join(shotDir, name), type: "png" });
  const scrollTo = (query) =>
    page.evaluate((q) => document.querySelector(`section[data-query="${q}"]`).scrollIntoView(), query);
  const noOverflow = async (width) => {
    const w = await page.evaluate(() => document.documentElement.scrollWidth);
    check(w <= width, `the page is ${w}px wide at a ${width}px viewport: something does not fit`);
  };

  await page.evaluate(() => window.scrollTo(0, 0));
  await noOverflow(desktop.width);
  await shoot("report-desktop.png");
  await scrollTo("yuyan_vs_humans");
  await shoot("report-desktop-chart.png");

  await page.setViewport(phone);
  await page.evaluate(() => window.scrollTo(0, 0));
  await noOverflow(phone.width);
  await shoot("report-phone.png");
  await scrollTo("api_prices_normalised");
  await shoot("report-phone-chart.png");
  // A table wider than the phone scrolls inside its section, not the page.
  const scrollers = await page.evaluate(() => [...document.querySelectorAll(".table-wrap")]
      .filter((w) => w.scrollWidth > w.clientWidth).length);
  check(scrollers > 0, "no table scrolls sideways at phone width (expected the wide ones to)");

  // It prints.
  await cdp.send("Emulation.clearDeviceMetricsOverride");
  const pdfBytes = Buffer.from(await page.pdf({ printBackground: false, preferCSSPageSize: true }));
  check(pdfBytes.subarray(0, 5).toString() === "%PDF-" && pdfBytes.length > 10_000, "printing produced no PDF");
  if (keep) fs.writeFileSync(path.join(shotDir, "report.pdf"), pdfBytes);

  for (const e of consoleErrors) fail(`console: ${e}`);
  for (const u of requests) check(u === pageUrl, `a network request: ${u}`);

  return { sections: sections.length, rows: sections.reduce((n, sec) => n + sec.rows, 0) };
}

let status = 1;
try {
  const { sections, rows } = await main();
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
  console.error(`FAIL: ${e.stack || e.message}`);
} finally {
  await closeBrowser(browser);
  removeDir(work);
  cancelWatchdog();
}
process.exit(status);
