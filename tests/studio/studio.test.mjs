// toe studio in a real browser (Debian's Chromium, driven by playwright-core): a researcher
// opens the studio on a copy of examples/, loads data/provinces.csv, picks the outcome and
// seven conditions under TOE, chooses percentile anchors, adds NCA and fsQCA by clicking —
// the script written is the expected one (after `toe fmt`), its `toe run` JSON is the
// page's; a threshold edited in the script changes the table; a typo shows a diagnostic; a
// .docx downloads. Needs TOE_BIN (the toe binary) and TOE_ROOT (the repository).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";

const BIN = process.env.TOE_BIN;
const ROOT = process.env.TOE_ROOT;
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const SHOTS = process.env.TOE_SCREENSHOTS || "";

const EXPECTED = `data provinces = csv("data/provinces.csv", id = province)
conditions toe {
  technology { HUM = it_employment  WEB = website_reduction }
  organization { FIS = fiscal_revenue_pc  ORG = bigdata_org_index }
  environment { DEM = broadband_ratio  POL = policy_count  ECO = gdp_pc }
}
outcome SG = online_service_index
calibrate {
  *  direct(e = p25, c = p50, i = p75)
}

nca nec: SG needs HUM, WEB, FIS, ORG, DEM, POL, ECO {
  ceilings = [cr_fdh, ce_fdh]
  permutations = 1000
  seed = 2025
  necessary when d >= 0.1 and p <= 0.05
  bottlenecks = steps(10)
}

fsqca high: SG given HUM, WEB, FIS, ORG, DEM, POL, ECO {
  cases >= 1
  consistency >= 0.8
  pri >= 0.7
  expect HUM, WEB, FIS, ORG, DEM, POL, ECO
}
`;

const SETS = [
  ["online_service_index", "SG", "outcome", null],
  ["it_employment", "HUM", "condition", "technology"],
  ["website_reduction", "WEB", "condition", "technology"],
  ["fiscal_revenue_pc", "FIS", "condition", "organization"],
  ["bigdata_org_index", "ORG", "condition", "organization"],
  ["broadband_ratio", "DEM", "condition", "environment"],
  ["policy_count", "POL", "condition", "environment"],
  ["gdp_pc", "ECO", "condition", "environment"],
];

function formatted(dir, text) {
  const f = path.join(dir, "fmt-check.toe");
  fs.writeFileSync(f, text);
  execFileSync(BIN, ["fmt", f]);
  const out = fs.readFileSync(f, "utf8");
  fs.unlinkSync(f);
  return out;
}

function withoutScript(doc) {
  const d = JSON.parse(JSON.stringify(doc));
  delete d.script;
  return d;
}

test("toe studio in Chromium", { skip: !BIN || !ROOT || !fs.existsSync(CHROMIUM) }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "toe-studio-"));
  fs.cpSync(path.join(ROOT, "examples"), dir, { recursive: true });
  const study = path.join(dir, "study.toe");
  const server = spawn(BIN, ["studio", study, "--no-browser"], { cwd: dir });
  const url = await new Promise((resolve, reject) => {
    let out = "";
    server.stdout.on("data", (b) => {
      out += b;
      const m = out.match(/toe studio: (http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+)/);
      if (m) resolve(m[1]);
    });
    server.on("exit", (c) => reject(new Error(`toe studio exited (${c}): ${out}`)));
    setTimeout(() => reject(new Error("toe studio printed no address")), 20000);
  });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  const page = await context.newPage();
  const script = () => page.$eval("#script", (e) => e.value);
  const scriptHas = (s) => page.waitForFunction((s) => document.querySelector("#script").value.includes(s), s, { timeout: 30000 });
  try {
    await page.goto(url);

    await t.test("clicks write the study", async () => {
      await page.selectOption("#file", "data/provinces.csv");
      await page.waitForSelector('#columns tr[data-column="gdp_pc"]');
      await page.selectOption("#id-column", "province");
      await page.click("#write-data");
      await scriptHas('data provinces = csv("data/provinces.csv", id = province)');
      await page.selectOption("#framework", "toe");
      for (const [column, name, role, dimension] of SETS) {
        const row = `#columns tr[data-column="${column}"]`;
        await page.selectOption(`${row} .role`, role);
        await page.fill(`${row} .set`, name);
        if (dimension) await page.selectOption(`${row} .dimension`, dimension);
      }
      if (SHOTS) await page.screenshot({ path: path.join(SHOTS, "studio-choosing-1280x800.png") });
      await page.click("#write-sets");
      await scriptHas("outcome SG = online_service_index");
      await page.waitForSelector('#calibration tr[data-set="*"]');
      await page.click("#anchors-quartiles");
      await page.click("#write-calibration");
      await scriptHas("direct(e = p25, c = p50, i = p75)");
      await page.fill("#nca-perm", "1000");
      await page.click("#add-nca");
      await scriptHas("nca nec: SG needs HUM, WEB, FIS, ORG, DEM, POL, ECO");
      await page.click("#add-fsqca");
      await scriptHas("fsqca high: SG given");
      assert.equal(formatted(dir, await script()), formatted(dir, EXPECTED));
    });

    await t.test("the page's numbers are toe run's", async () => {
      await page.waitForFunction(
        () => /ran in/.test(document.querySelector("#status").textContent) && window.toeStudio.lastJson && window.toeStudio.lastJson.analyses.length === 2,
        null,
        { timeout: 120000 },
      );
      const pageJson = await page.evaluate(() => window.toeStudio.lastJson);
      await page.click("#save");
      await page.waitForFunction(() => /saved/.test(document.querySelector("#status").textContent));
      const out = execFileSync(BIN, ["run", study, "--json", "-"], { cwd: dir, encoding: "utf8" });
      const cli = JSON.parse(out.slice(out.indexOf("\n{\n") + 1));
      assert.deepEqual(withoutScript(pageJson), withoutScript(cli));
      // the report in the page shows the effect sizes of the JSON (3 decimals)
      const report = page.frameLocator("#results");
      const text = await report.locator("body").innerText();
      const nca = cli.analyses.find((a) => a.kind === "nca");
      for (const r of nca.results.filter((r) => r.ceiling === "cr_fdh")) {
        assert.ok(text.includes(r.effect_size.toFixed(3)), `effect size of ${r.condition}: ${r.effect_size}`);
      }
      if (SHOTS) await page.screenshot({ path: path.join(SHOTS, "studio-1280x800.png") });
    });

    await t.test("a threshold edited in the script changes the table", async () => {
      const before = await page.evaluate(() => JSON.stringify(window.toeStudio.lastJson.analyses[1].truth_table.map((r) => r.out)));
      const edited = (await script()).replace("consistency >= 0.8", "consistency >= 0.99");
      await page.fill("#script", edited);
      await page.waitForFunction(
        () => window.toeStudio.lastJson && window.toeStudio.lastJson.analyses[1].thresholds.consistency === 0.99,
        null,
        { timeout: 120000 },
      );
      const after = await page.evaluate(() => JSON.stringify(window.toeStudio.lastJson.analyses[1].truth_table.map((r) => r.out)));
      assert.notEqual(after, before);
      await page.waitForFunction(() => document.querySelector("#results").srcdoc.includes("0.99"));
    });

    await t.test("a typo shows a diagnostic", async () => {
      await page.fill("#script", (await script()).replace("outcome SG", "outcom SG"));
      await page.waitForSelector("#diagnostics li.error", { timeout: 30000 });
      const d = await page.$eval("#diagnostics li.error", (e) => e.textContent);
      assert.match(d, /toe::parse::syntax/);
      await page.fill("#script", (await script()).replace("outcom SG", "outcome SG"));
      await page.waitForFunction(() => !document.querySelector("#diagnostics li.error"));
    });

    await t.test("the report downloads as Word", async () => {
      const [download] = await Promise.all([page.waitForEvent("download", { timeout: 120000 }), page.selectOption("#download", "docx")]);
      const file = path.join(dir, "downloaded.docx");
      await download.saveAs(file);
      const bytes = fs.readFileSync(file);
      assert.equal(bytes.subarray(0, 2).toString(), "PK");
      assert.ok(bytes.length > 10000);
    });
  } finally {
    await browser.close();
    server.kill();
  }
});
