// Checks `aigc serve` in headless Chromium as a reader uses it (issue 14,
// the contract in SERVE_CONTRACT.md):
//   - every page type loads with status 200, no console error, no page
//     error, and no request to any host but the server;
//   - a parameter form sent with a bad value shows the field's error, and
//     with a good value the result;
//   - clicking a result header sorts the rows by that column, again reverses
//     them (with JavaScript on and off);
//   - a provenance link reaches the report's text with its line highlighted
//     and in view, under its section's name, with the correction beside it;
//   - every download link of a query page gives the bytes `aigc export`
//     writes for the same query and parameters;
//   - nothing is wider than a phone's screen (390×844);
//   - axe-core finds no serious or critical accessibility violation;
// and takes screenshots of every page type at desktop and phone width.
//
// Usage: node serve_check.mjs --aigc PATH/TO/aigc [--screenshots DIR]
//   DIR defaults to $AIGC_SCREENSHOT_DIR, else a temporary directory that is
//   removed. $CHROMIUM names the browser (default: chromium on PATH).
// Exit: 0 passed, 1 failed, 77 skipped (no Chromium, or no puppeteer-core:
//   `npm ci` in tests/browser installs it).
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { arg, checklist, closeBrowser, here, launch, removeDir, requireBrowser, watchConsole, watchdog } from "./common.mjs";

const TIMEOUT_MS = 180_000;
const SERVER_START_MS = 20_000;
const NAV_TIMEOUT_MS = 20_000;

const aigc = arg("--aigc") && path.resolve(arg("--aigc"));  // it runs from a temporary directory
if (!aigc) {
  console.error("usage: node serve_check.mjs --aigc PATH [--screenshots DIR]");
  process.exit(2);
}
const { chromium, puppeteer } = await requireBrowser();
const { failures, fail, check } = checklist();

const work = fs.mkdtempSync(path.join(os.tmpdir(), "aigc-serve-browser-"));
const keep = arg("--screenshots") || process.env.AIGC_SCREENSHOT_DIR;
const shotDir = keep || path.join(work, "screenshots");
fs.mkdirSync(shotDir, { recursive: true });
const db = path.join(work, "aigc.db");
const env = { ...process.env, HOME: work, AIGC_DB: db };
delete env.AIGC_QUERIES;  // the embedded queries
// A workbook records when it was written; with one fixed time for the server
// and for `aigc export`, the same data must give the same bytes.
env.SOURCE_DATE_EPOCH = String(Math.floor(Date.now() / 1000));

let server = null;
let browser = null;
const cancelWatchdog = watchdog(TIMEOUT_MS, () => {
  server?.kill("SIGKILL");
  browser?.process()?.kill("SIGKILL");
});

const runAigc = (...a) => execFileSync(aigc, ["--db", db, ...a], { env, cwd: work, timeout: 30_000 });

// ---------------------------------------------------------------------------
// The server.

let serverLog = "";

/// Starts `aigc serve --port 0` and waits for the line naming its URL.
/// Rejects if the server exits first or says nothing within 20 s.
function startServer() {
  return new Promise((resolve, reject) => {
    server = spawn(aigc, ["--db", db, "serve", "--port", "0"], { env, cwd: work, stdio: ["ignore", "ignore", "pipe"] });
    const timer = setTimeout(() => reject(new Error(`the server printed no URL within ${SERVER_START_MS / 1000} s:\n${serverLog}`)),
                             SERVER_START_MS);
    server.on("error", (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot start ${aigc} serve: ${e.message}`));
    });
    server.on("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${signal || code}) before listening:\n${serverLog}`));
    });
    server.stderr.on("data", (d) => {
      serverLog = (serverLog + d.toString()).slice(-20000);
      const m = serverLog.match(/aigc serve: (http:\/\/(?:127\.0\.0\.1|localhost|\[::1\]):(\d+))\/ /);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
  });
}

/// SIGTERM, and the exit status the contract promises (0); SIGKILL after 5 s.
async function stopServer() {
  if (!server || server.exitCode !== null || server.signalCode !== null) return null;
  const exited = new Promise((resolve) => server.once("exit", (code, signal) => resolve(signal || code)));
  server.kill("SIGTERM");
  const timer = setTimeout(() => server.kill("SIGKILL"), 5000);
  const status = await exited;
  clearTimeout(timer);
  return status;
}

// ---------------------------------------------------------------------------
// A small zip reader, only to say how two workbooks differ when they do.

/// The members of a zip archive: name -> uncompressed bytes.
function unzip(buf) {
  const members = new Map();
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error("not a zip archive");
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  for (let i = 0; i < count; ++i) {
    const method = buf.readUInt16LE(p + 10);
    const size = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28), extraLen = buf.readUInt16LE(p + 30), commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.subarray(p + 46, p + 46 + nameLen).toString("utf8");
    const data = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(data, data + size);
    members.set(name, method === 8 ? zlib.inflateRawSync(raw) : raw);
    p += 46 + nameLen + extraLen + commentLen;
  }
  return members;
}

/// Why two workbooks differ, by member; says so when only timestamps do.
function explainXlsx(got, want) {
  try {
    const a = unzip(got), b = unzip(want);
    const names = new Set([...a.keys(), ...b.keys()]);
    const differ = [...names].filter((n) => !a.has(n) || !b.has(n) || !a.get(n).equals(b.get(n)));
    if (!differ.length) return "every member is equal: only the zip container differs";
    const stamp = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/g;
    const onlyTime = differ.every((n) => a.has(n) && b.has(n) &&
        a.get(n).toString("utf8").replace(stamp, "T") === b.get(n).toString("utf8").replace(stamp, "T"));
    return `members that differ: ${differ.join(", ")}` +
           (onlyTime ? " — ONLY in their timestamps (the workbook records when it was written)" : "");
  } catch (e) {
    return `cannot unzip to compare: ${e.message}`;
  }
}

// ---------------------------------------------------------------------------
// The browser side.

const consoleErrors = [];
const notes = [];  // worth saying, not failures
const foreignRequests = [];
let origin = "";

/// Goes to `url` (relative to the server) and returns the main response.
async function visit(page, url) {
  const href = new URL(url, origin).href;
  // The same page again (maybe with a #fragment) would be only a scroll.
  if (page.url().split("#")[0] === href.split("#")[0]) await page.goto("about:blank");
  const response = await page.goto(href, { waitUntil: "load", timeout: NAV_TIMEOUT_MS });
  if (!response) throw new Error(`${url}: no response`);
  return response;
}

/// Clicks what `selector` names and waits for the page it leads to.
async function follow(page, selector) {
  const [response] = await Promise.all([
    page.waitForNavigation({ waitUntil: "load", timeout: NAV_TIMEOUT_MS }),
    page.click(selector),
  ]);
  return response;
}

/// Chromium logs "Failed to load resource: ... status of 400" for a page
/// that answers 400 on purpose (a bad parameter); that one is expected.
function forgiveStatus(status, url) {
  for (let i = consoleErrors.length - 1; i >= 0; --i)
    if (consoleErrors[i].includes(`the server responded with a status of ${status}`) && consoleErrors[i].includes(url))
      consoleErrors.splice(i, 1);
}

const axeSource = fs.readFileSync(path.join(here, "node_modules", "axe-core", "axe.min.js"), "utf8");

/// axe-core's serious and critical violations on the current page. The
/// script is evaluated through the DevTools protocol, which the page's
/// Content-Security-Policy (script-src 'self') does not govern; a <script>
/// tag would be refused.
async function axeViolations(page) {
  const loaded = await page.evaluate(`${axeSource};\ntypeof window.axe`);
  if (loaded !== "object") throw new Error(`axe-core did not load into ${page.url()} (${loaded})`);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  return result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
}

const describeViolation = (v) =>
  `${v.impact} ${v.id}: ${v.help} (${v.helpUrl})\n` +
  v.nodes.slice(0, 5).map((n) => `      at ${n.target.join(" ")}: ${(n.failureSummary || "").replace(/\s+/g, " ")}`).join("\n") +
  (v.nodes.length > 5 ? `\n      ... and ${v.nodes.length - 5} more` : "");

const desktop = { width: 1280, height: 900, deviceScaleFactor: 1, isMobile: false };
const phone = { width: 390, height: 844, deviceScaleFactor: 2, isMobile: true };

// Every page type, what proves it is that page, and its screenshot's name.
const PAGE_TYPES = [
  { name: "home", url: "/", expect: 'a[href^="/queries/"], a[href^="/tables/"]' },
  { name: "query", url: "/queries/api_prices", expect: "#result td, #sql, nav.downloads a" },
  { name: "chart", url: "/queries/yuyan_vs_humans", expect: "figure.chart svg, #result td" },
  { name: "text", url: "/text/514", expect: "#L514.line.hl, aside.correction" },
  { name: "table", url: "/tables/firm", expect: "#rows td, form#filters" },
  { name: "sql", url: "/sql?q=select%201", expect: "form#sql-form textarea[name=q], #result td" },
];

/// Each page type: loads cleanly (status 200, what proves it is there),
/// passes axe, fits a phone; screenshots at both widths.
async function checkPageTypes(page) {
  for (const t of PAGE_TYPES) {
    await page.setViewport(desktop);
    const response = await visit(page, t.url);
    check(response.status() === 200, `${t.url}: status ${response.status()}, expected 200`);
    for (const sel of t.expect.split(", "))
      check(await page.$(sel) !== null, `${t.url}: nothing matches ${sel}`);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    check(width <= desktop.width, `${t.url}: the page is ${width}px wide at a ${desktop.width}px viewport`);
    await page.screenshot({ path: path.join(shotDir, `serve-${t.name}-desktop.png`), type: "png" });

    const violations = await axeViolations(page);
    for (const v of violations) fail(`${t.url}: axe-core: ${describeViolation(v)}`);

    await page.setViewport(phone);
    await visit(page, t.url);  // as a phone loads it, not a desktop page squeezed
    const fit = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
    // A mobile browser widens its layout viewport (innerWidth) to fit what is too wide,
    // so the screen's width is the limit.
    if (!check(fit.scroll <= Math.min(fit.inner, phone.width),
               `${t.url}: ${fit.scroll}px wide on a ${phone.width}px phone (innerWidth ${fit.inner}px): something does not fit`)) {
      const culprits = await page.evaluate((width) => [...document.querySelectorAll("body *")]
          .filter((e) => e.getBoundingClientRect().right > width + 0.5)
          .filter((e) => e.parentElement.getBoundingClientRect().right <= width + 0.5)  // the outermost
          .slice(0, 5).map((e) => `<${e.tagName.toLowerCase()} ${e.id ? "#" + e.id : ""}${e.className ? "." + e.className : ""}> right=${Math.round(e.getBoundingClientRect().right)}`), phone.width);
      fail(`${t.url}: wider than the phone: ${culprits.join(", ")}`);
    }
    const phoneViolations = await axeViolations(page);
    for (const v of phoneViolations) if (!violations.some((d) => d.id === v.id)) fail(`${t.url} (phone): axe-core: ${describeViolation(v)}`);
    await page.screenshot({ path: path.join(shotDir, `serve-${t.name}-phone.png`), type: "png" });
  }
  await page.setViewport(desktop);
}

/// The parameter form: a bad value (0 for `fx_usd_cny real > 0`) comes back
/// as 400 with the error beside the field; a good one (7.2) gives the
/// result, the same rows `aigc run` gives. A value the form's own widget
/// cannot send (currency=EUR, an enum) is tried through the URL.
async function checkForm(page) {
  const name = "api_prices_normalised";
  const field = "fx_usd_cny";
  await visit(page, `/queries/${name}`);
  if (!check(await page.$(`form#params #param-${field}[name=${field}]`) !== null,
             `/queries/${name}: no input #param-${field} named ${field} in form#params`))
    return;
  const initial = await page.$eval(`#param-${field}`, (e) => e.value);
  check(Number(initial) === 7.1, `/queries/${name}: #param-${field} holds '${initial}', not the default 7.1`);

  const submit = async (value) => {
    await page.$eval(`#param-${field}`, (e) => { e.value = ""; });
    await page.type(`#param-${field}`, value);
    const button = await page.$("form#params [type=submit], form#params button:not([type])");
    check(button !== null, `${page.url()}: form#params has no submit button`);
    // A value the browser itself refuses (type=number, min) is never sent:
    // then send it without the browser's validation, to see the server's answer.
    const browserAccepts = await page.$eval("form#params", (f) => f.checkValidity());
    const [response] = await Promise.all([
      page.waitForNavigation({ waitUntil: "load", timeout: NAV_TIMEOUT_MS }),
      button && browserAccepts ? button.click() : page.$eval("form#params", (f) => f.submit()),
    ]);
    if (!browserAccepts) notes.push(`the browser itself refuses ${field}=${value} in form#params`);
    return response;
  };
  const fieldState = () => page.evaluate((f) => {
    const input = document.getElementById(`param-${f}`);
    const error = document.getElementById(`param-${f}-error`);
    const visible = (e) => !!e && e.getClientRects().length > 0 && getComputedStyle(e).visibility !== "hidden";
    return {
      invalid: input?.getAttribute("aria-invalid"),
      value: input?.value,
      error: error ? { text: error.textContent.trim(), visible: visible(error), cls: error.className, tag: error.tagName } : null,
      rows: [...document.querySelectorAll("#result tr")].filter((tr) => tr.querySelector("td")).length,
    };
  }, field);

  // A bad value.
  let response = await submit("0");
  forgiveStatus(400, `/queries/${name}`);
  check(response.status() === 400, `${response.url()}: status ${response.status()} for ${field}=0, expected 400`);
  check(new URL(response.url()).searchParams.get(field) === "0", `the form did not send ${field}=0: ${response.url()}`);
  let state = await fieldState();
  check(state.invalid === "true", `${response.url()}: #param-${field} has aria-invalid=${state.invalid}, expected "true"`);
  check(state.error !== null && state.error.visible && state.error.text.length > 0 && state.error.cls.includes("field-error"),
        `${response.url()}: no visible p.field-error#param-${field}-error with a message: ${JSON.stringify(state.error)}`);
  check(state.value === "0", `${response.url()}: the field does not keep the value sent (holds '${state.value}')`);
  await page.screenshot({ path: path.join(shotDir, "serve-form-error-desktop.png"), type: "png" });

  // A good value.
  response = await submit("7.2");
  check(response.status() === 200, `${response.url()}: status ${response.status()} for ${field}=7.2, expected 200`);
  state = await fieldState();
  check(state.invalid !== "true", `${response.url()}: #param-${field} still aria-invalid`);
  check(state.error === null || !state.error.visible, `${response.url()}: the field error is still shown`);
  const want = JSON.parse(runAigc("run", name, "--param", `${field}=7.2`, "--format", "json").toString());
  check(state.rows === want.length && want.length > 0,
        `${response.url()}: ${state.rows} result rows, \`aigc run ${name} -p ${field}=7.2\` gives ${want.length}`);
  const cells = await page.$$eval("#result td", (tds) => tds.map((td) => td.textContent.trim()));
  check(cells.includes("0.216"), `${response.url()}: no cell shows GPT-4.0's 0.03 USD at 7.2 CNY/USD (0.216)`);

  // An enum's bad value, through the URL.
  response = await visit(page, `/queries/${name}?currency=EUR`);
  forgiveStatus(400, `/queries/${name}`);
  check(response.status() === 400, `/queries/${name}?currency=EUR: status ${response.status()}, expected 400`);
  const currency = await page.evaluate(() => ({
    invalid: document.getElementById("param-currency")?.getAttribute("aria-invalid"),
    error: document.getElementById("param-currency-error")?.textContent.trim() ?? "",
  }));
  check(currency.invalid === "true" && currency.error.length > 0,
        `/queries/${name}?currency=EUR: no error beside #param-currency: ${JSON.stringify(currency)}`);
}

/// NULL, the empty string, numbers and text look different in a result:
/// td.null says NULL in another style, td.empty is empty, td.num is aligned
/// right. On the SQL page (one row of each) and a saved query with a NULL.
async function checkCells(page) {
  const url = "/sql?q=" + encodeURIComponent("select NULL AS a_null, '' AS an_empty, 1.5 AS a_number, 'text' AS a_text");
  await visit(page, url);
  const cells = await page.$$eval("#result td", (tds) => tds.map((td) => {
    const style = getComputedStyle(td);
    return { cls: td.className, text: td.textContent, look: [style.color, style.fontStyle, style.backgroundColor].join(" "),
             align: style.textAlign };
  }));
  if (!check(cells.length === 4, `${url}: ${cells.length} cells, expected 4`)) return;
  const [nothing, empty, number, word] = cells;
  check(nothing.cls.split(" ").includes("null") && nothing.text.trim() === "NULL",
        `${url}: NULL is not <td class="null">NULL</td>: ${JSON.stringify(nothing)}`);
  check(empty.cls.split(" ").includes("empty") && empty.text === "", `${url}: '' is not <td class="empty"></td>: ${JSON.stringify(empty)}`);
  check(nothing.look !== word.look, `${url}: NULL looks like text (${nothing.look})`);
  check(number.cls.split(" ").includes("num") && number.align === "right",
        `${url}: 1.5 is not a right-aligned td.num: ${JSON.stringify(number)}`);
  await visit(page, "/queries/api_prices_normalised");
  check(await page.$("#result td.null") !== null, "/queries/api_prices_normalised: no td.null for the NULL vendor");
}

/// The header of #result whose link sorts by `column`, and that column's
/// cells (rows are the <tr>s with <td>s: a header row is not one).
async function sortState(page, column) {
  return page.evaluate((col) => {
    const sorts = (a) => new URL(a.href).searchParams.get("_sort") === col;
    const th = [...document.querySelectorAll("#result th")].find((h) => [...h.querySelectorAll("a[href]")].some(sorts));
    if (!th) return null;
    const index = [...th.parentElement.children].indexOf(th);
    const rows = [...document.querySelectorAll("#result tr")].filter((tr) => tr.querySelector("td"));
    return {
      ariaSort: th.getAttribute("aria-sort"),
      href: [...th.querySelectorAll("a[href]")].find(sorts).href,
      cells: rows.map((tr) => tr.children[index]).map((td) => ({ text: td?.textContent.trim() ?? "", cls: td?.className ?? "" })),
    };
  }, column);
}

/// Whether `cells` are in order: numbers numerically (class num), text by
/// code point; NULLs together at one end (SQLite puts them first ascending).
function ordered(cells, descending) {
  const nonNull = cells.filter((c) => !c.cls.split(" ").includes("null"));
  const nulls = cells.length - nonNull.length;
  const nullsAtOneEnd = cells.slice(0, nulls).every((c) => c.cls.includes("null")) ||
                        cells.slice(cells.length - nulls).every((c) => c.cls.includes("null"));
  const numeric = nonNull.length > 0 && nonNull.every((c) => c.cls.split(" ").includes("num"));
  const key = (c) => (numeric ? Number(c.text.replace(/[,\s]/g, "")) : c.text);
  for (let i = 1; i < nonNull.length; ++i) {
    const a = key(nonNull[i - 1]), b = key(nonNull[i]);
    if (descending ? a < b : a > b) return false;
  }
  return nullsAtOneEnd;
}

/// Clicking a header link orders the rows by that column; clicking again
/// reverses them. Run with JavaScript on (app.js may enhance) and off.
async function checkSorting(page, javascript) {
  await page.setJavaScriptEnabled(javascript);
  const how = javascript ? "JavaScript on" : "JavaScript off";
  try {
    for (const [query, column, numeric] of [["api_prices_normalised", "price_max_per_1k_tokens", true],
                                            ["api_prices_normalised", "product", false],
                                            ["api_prices", "price", true]]) {
      const url = `/queries/${query}`;
      await visit(page, url);
      const before = await sortState(page, column);
      if (!check(before !== null, `${url}: no header of #result links to _sort=${column}`)) continue;
      check(before.cells.length > 2, `${url}: only ${before.cells.length} rows to sort`);
      const original = before.cells.map((c) => c.text);
      for (const descending of [false, true]) {
        const want = descending ? "descending" : "ascending";
        const link = await page.evaluateHandle((col) => [...document.querySelectorAll("#result th a[href]")]
            .find((a) => new URL(a.href).searchParams.get("_sort") === col), column);
        // The rows may be sorted by a new page or, with JavaScript, in place:
        // either way the header ends up saying how.
        await Promise.all([
          page.waitForFunction((col, w) => [...document.querySelectorAll("#result th")].some((th) =>
              th.getAttribute("aria-sort") === w &&
              [...th.querySelectorAll("a[href]")].some((a) => new URL(a.href).searchParams.get("_sort") === col)),
              { timeout: NAV_TIMEOUT_MS }, column, want),
          link.click(),
        ]).catch((e) => fail(`${url} (${how}): after clicking the ${column} header ${descending ? "twice" : "once"}, ` +
                             `it has no aria-sort=${want}: ${e.message.split("\n")[0]}`));
        await page.waitForNetworkIdle({ idleTime: 100, timeout: NAV_TIMEOUT_MS }).catch(() => {});
        const after = await sortState(page, column);
        if (!check(after !== null, `${page.url()}: the ${column} header lost its sort link`)) break;
        const texts = after.cells.map((c) => c.text);
        check(texts.length === original.length && [...texts].sort().join("\n") === [...original].sort().join("\n"),
              `${page.url()} (${how}): sorting changed the rows, not only their order`);
        check(!numeric || after.cells.filter((c) => !c.cls.includes("null")).every((c) => c.cls.split(" ").includes("num")),
              `${page.url()}: a ${column} cell is not class num`);
        check(ordered(after.cells, descending),
              `${page.url()} (${how}): ${column} is not ${descending ? "descending" : "ascending"}: ${texts.join(" | ")}`);
        if (!descending)
          check(new URL(after.href).searchParams.get("_desc") === "1",
                `${page.url()}: once sorted by ${column}, its header link does not reverse (_desc=1): ${after.href}`);
      }
    }
  } finally {
    await page.setJavaScriptEnabled(true);
  }
}

/// A provenance link (a.source) reaches /text/LINE with that line
/// highlighted and in view, under the name of its section; a corrected value
/// there is shown beside the verbatim text.
async function checkProvenance(page) {
  const url = "/queries/api_prices_normalised";
  await visit(page, url);
  const links = await page.$$eval("#result a.source", (as) => as.map((a) => ({ href: a.getAttribute("href"), text: a.textContent.trim() })));
  if (!check(links.length > 0, `${url}: no a.source link in #result`)) return;
  const target = links.find((l) => l.text === "514") ?? links[0];
  const line = Number(target.text);
  check(target.href.split("#")[0] === `/text/${line}`, `${url}: a.source ${line} links to ${target.href}, not /text/${line}`);
  if (target.href !== `/text/${line}#L${line}`) notes.push(`a.source ${line} links to ${target.href}; the line's id is L${line}`);
  const response = await follow(page, `#result a.source[href="${target.href}"]`);
  check(response.status() === 200, `${page.url()}: status ${response.status()}`);
  check(new URL(page.url()).pathname === `/text/${line}`, `the provenance link led to ${page.url()}`);
  const seen = await page.evaluate((n) => {
    const el = document.getElementById(`L${n}`);
    if (!el) return null;
    const r = el.getBoundingClientRect();
    return {
      classes: el.className,
      inView: r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight,
      top: r.top,
      // The page's heading, and what stands with it before the text.
      headings: [...document.querySelectorAll("h1, h1 + p, .section-name")].map((h) => h.textContent).join(" / "),
      lines: document.querySelectorAll("span.line").length,
      highlighted: document.querySelectorAll("span.line.hl").length,
      correction: [...document.querySelectorAll("aside.correction")].map((a) => a.textContent).join(" ") || null,
    };
  }, line);
  if (!check(seen !== null, `${page.url()}: no #L${line}`)) return;
  check(seen.classes.split(" ").includes("hl") && seen.highlighted === 1,
        `${page.url()}: #L${line} is class '${seen.classes}'; ${seen.highlighted} lines highlighted (expected it, only it)`);
  check(seen.inView, `${page.url()}: #L${line} is not in view (top ${seen.top}px)`);
  check(seen.lines >= 25 && seen.lines <= 31, `${page.url()}: ${seen.lines} lines shown, expected the line ±15`);
  const sql = (q) => JSON.parse(runAigc("sql", "--format", "json", q).toString());
  const [{ title: section }] = sql(`select title from report_section where start_line <= ${line} order by start_line desc limit 1`);
  check(seen.headings.includes(section), `${page.url()}: the headings (${seen.headings}) do not name section '${section}'`);
  const corrections = sql(`select verbatim, corrected from correction where source_line = ${line}`);
  for (const { verbatim, corrected } of corrections)
    check(seen.correction !== null && seen.correction.includes(verbatim) && seen.correction.includes(corrected),
          `${page.url()}: no aside.correction showing '${verbatim}' beside '${corrected}': ${seen.correction}`);
  await page.screenshot({ path: path.join(shotDir, "serve-provenance-desktop.png"), type: "png" });
}

/// Every download link of a query page fetches the bytes `aigc export`
/// writes for the same query and parameters.
async function checkDownloads(page, url, expectParams) {
  await visit(page, url);
  const query = new URL(url, origin).pathname.split("/").pop();
  const links = await page.$$eval("nav.downloads a[href]", (as) => as.map((a) => a.href));
  const kinds = new Map();
  for (const href of links) {
    const u = new URL(href);
    const ext = path.extname(u.pathname).slice(1);
    const kind = ext === "csv" && u.searchParams.get("_bom") === "1" ? "csv+bom" : ext;
    check(u.origin === origin && u.pathname === `/queries/${query}.${ext}`, `${url}: download link ${href} is not /queries/${query}.EXT`);
    kinds.set(kind, u);
  }
  for (const kind of ["csv", "csv+bom", "json", "jsonl", "md", "xlsx"])
    check(kinds.has(kind), `${url}: no ${kind} download in nav.downloads (links: ${links.join(" ")})`);

  for (const [kind, u] of kinds) {
    const params = [...u.searchParams].filter(([k]) => !k.startsWith("_"));
    for (const [k, v] of Object.entries(expectParams))
      check(u.searchParams.get(k) === v, `${url}: the ${kind} download does not carry ${k}=${v}: ${u.pathname}${u.search}`);
    check(!u.searchParams.has("_sort") && !u.searchParams.has("_desc"), `${url}: the ${kind} download is sorted: ${u.search}`);
    const response = await fetch(u);
    const got = Buffer.from(await response.arrayBuffer());
    if (!check(response.status === 200, `${u.pathname}${u.search}: status ${response.status}`)) continue;
    const file = path.join(work, "export", `${query}-${kind.replace("+", "-")}`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const format = { csv: "csv", "csv+bom": "csv", json: "json", jsonl: "jsonl", md: "markdown" }[kind];
    const exportArgs = ["export", query, ...params.flatMap(([k, v]) => ["--param", `${k}=${v}`]),
                        ...(kind === "xlsx" ? ["--xlsx", file] : ["--format", format, "--output", file]),
                        ...(kind === "csv+bom" ? ["--bom"] : [])];
    runAigc(...exportArgs);
    const want = fs.readFileSync(file);
    if (got.equals(want)) continue;
    let where = 0;
    while (where < got.length && where < want.length && got[where] === want[where]) ++where;
    fail(`${u.pathname}${u.search}: ${got.length} bytes, \`aigc ${exportArgs.join(" ")}\` writes ${want.length}; ` +
         `first difference at byte ${where}` +
         (kind === "xlsx" ? `; ${explainXlsx(got, want)}`
                          : `: served ${JSON.stringify(got.subarray(where, where + 40).toString())}, ` +
                            `exported ${JSON.stringify(want.subarray(where, where + 40).toString())}`));
  }
  return kinds.size;
}

// ---------------------------------------------------------------------------

async function main() {
  runAigc("build");
  origin = await startServer();

  browser = await launch({ puppeteer, chromium, profileDir: path.join(work, "profile") });
  const page = await browser.newPage();
  watchConsole(page, consoleErrors);
  // Nothing but the server is asked for anything; what else is asked for is
  // noted and refused, so it cannot leave the machine.
  await page.setRequestInterception(true);
  page.on("request", (r) => {
    const u = r.url();
    if (u.startsWith(`${origin}/`) || u.startsWith("data:") || u === "about:blank") {
      r.continue();
    } else {
      foreignRequests.push(`${page.url()} asked for ${u}`);
      r.abort("blockedbyclient");
    }
  });
  page.setDefaultTimeout(NAV_TIMEOUT_MS);

  await checkPageTypes(page);
  await checkForm(page);
  await checkCells(page);
  await checkSorting(page, true);
  await checkSorting(page, false);
  await checkProvenance(page);
  const downloads = await checkDownloads(page, "/queries/api_prices", {}) +
      await checkDownloads(page, "/queries/api_prices_normalised?fx_usd_cny=7.2&currency=USD", { fx_usd_cny: "7.2", currency: "USD" }) +
      await checkDownloads(page, "/queries/yuyan_vs_humans?_sort=human&_desc=1", {});

  for (const e of consoleErrors) fail(`console: ${e}`);
  for (const r of foreignRequests) fail(`a request to another host: ${r}`);
  return { downloads };
}

let status = 1;
try {
  const { downloads } = await main();
  await closeBrowser(browser);
  browser = null;
  const exit = await stopServer();
  check(exit === 0, `on SIGTERM the server exited with ${exit}, expected 0`);
  for (const n of notes) console.log(`note: ${n}`);
  if (failures.length) {
    for (const f of failures) console.error(`FAIL: ${f}`);
    console.error(`${failures.length} failed checks`);
  } else {
    console.log(`aigc serve in Chromium: ${PAGE_TYPES.length} page types load cleanly, fit a phone and pass axe-core; ` +
                `the form, sorting and provenance work; ${downloads} downloads equal aigc export's files` +
                (keep ? `; screenshots in ${shotDir}` : ""));
    status = 0;
  }
} catch (e) {
  for (const f of failures) console.error(`FAIL: ${f}`);
  console.error(`FAIL: ${e.stack || e.message}`);
  if (serverLog) console.error(`the server said:\n${serverLog.split("\n").slice(-20).join("\n")}`);
} finally {
  await closeBrowser(browser);
  await stopServer();
  removeDir(work);
  cancelWatchdog();
}
process.exit(status);
