// How Netlify answers addresses on a built site: its own redirect engine (@netlify/redirects, the rules of
// the site's _redirects and of netlify.toml) and its static file handler (@netlify/static), put together
// as Netlify's local development server (@netlify/dev) puts them: a matching rule first, served by its
// handler (which serves a file that exists at the address before the rule: a rule is not forced), else
// the file. Redirects are followed, each recorded.
//
//   node tests/js/netlify-answers.mjs SITE_FOLDER NETLIFY_TOML < addresses    (one a line)
// prints a JSON list: {url, hops: [[status, location], ...], status, canonical} for each address.
import { readFileSync } from "node:fs";
import { RedirectsHandler } from "@netlify/redirects";
import { StaticHandler } from "@netlify/static";

const [site, config] = process.argv.slice(2);
const ORIGIN = "http://localhost";
const MOST_HOPS = 6;
const redirects = new RedirectsHandler({
  projectDir: site, publicDir: site, configPath: config, configRedirects: [], jwtRoleClaim: "", jwtSecret: "",
});
const statics = new StaticHandler({ directory: site });

async function staticFile(request) {
  const found = await statics.match(request);
  return found ? found.handle : undefined;
}

async function answer(request) {
  const match = await redirects.match(request);
  if (match) {
    const response = await redirects.handle(request, match, staticFile);
    if (response) {
      // A rule that does not redirect serves its target with its own status (200, or 404 for the 404 page),
      // unless a file at the address was served before it.
      const shadowed = !match.redirect && (await staticFile(request)) !== undefined;
      return { response, status: match.redirect || shadowed ? response.status : match.statusCode };
    }
  }
  const file = await staticFile(request);
  return file ? { response: await file(), status: 200 } : { response: null, status: 404 };
}

async function follow(url) {
  const hops = [];
  let address = url;
  for (let hop = 0; hop <= MOST_HOPS; hop += 1) {
    const { response, status } = await answer(new Request(ORIGIN + address));
    const location = response && response.headers.get("location");
    if (status >= 300 && status < 400 && location) {
      const next = new URL(location, ORIGIN + address);
      hops.push([status, next.pathname + next.search]);
      address = next.pathname + next.search;
      continue;
    }
    const body = status === 200 && response ? await response.text() : "";
    const canonical = /<link rel="canonical" href="([^"]*)">/.exec(body);
    return { url, hops, status, canonical: canonical ? canonical[1] : null };
  }
  return { url, hops, status: 0, canonical: null };
}

const addresses = readFileSync(0, "utf8").split("\n").filter(Boolean);
const results = [];
for (const url of addresses) results.push(await follow(url));
process.stdout.write(JSON.stringify(results));
