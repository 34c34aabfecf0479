// Runs queries through the search page's own engine (search-core.js, search-engine.js) over a built
// site's index files, as the page does when a query comes from the address or the Search button:
//   node tests/js/relevance.js SITE_FOLDER QUERIES_JSON  ->  {"query": ["24 001 566", ...], ...} on stdout
// (each query's results in rank order). benchmarks/relevance.py scores them against the judgments.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const S = require(path.join(__dirname, "..", "..", "templates", "static", "search-core.js"));
const E = require(path.join(__dirname, "..", "..", "templates", "static", "search-engine.js"));

function loader(site) {
  return (file) => {
    const full = path.join(site, "search", file);
    return Promise.resolve(fs.existsSync(full) ? JSON.parse(fs.readFileSync(full, "utf8")) : null);
  };
}

async function main() {
  const [site, queriesFile] = process.argv.slice(2);
  const load = loader(site);
  const engine = E.create(load);
  const index = E.prepare(await load("index.json"), await load("docs.json"));
  const out = {};
  for (const query of JSON.parse(fs.readFileSync(queriesFile, "utf8"))) {
    const items = await engine.resolve(index, S.parseQuery(query, true));
    const found = E.match(index, items);
    const results = E.filterAndCount(index, found.matched, {}).results;
    out[query] = E.sortResults(index, results, found, items.length ? "relevance" : "newest").map((d) => index.reference[d]);
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch((error) => { console.error(error); process.exit(1); });
