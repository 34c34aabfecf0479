"""Decisions Digest: Ombudsman decision statements -> content files -> a static, searchable website.

The pipeline, one module per stage:
  raw_text.py   raw bytes -> clean lines (decoding, size and binary checks, noise removed)
  raw_html.py   a saved decision page -> the same lines a copied page gives
  raw.py        lines -> a Decision record (title, header fields, sections, numbered paragraphs)
  remedy.py     the agreed action -> payments, total, apology, service improvements, actions
  content.py    Decision records <-> content/decisions/<slug>.md
  config.py     content/site.yaml -> SiteConfig
  markdown.py   a decision body -> HTML with stable paragraph and section anchors
  taxonomy.py   records -> entries and the council/category/remedy/outcome indexes
  charts.py     counts -> bar-chart geometry for inline SVG
  assets.py     templates/static -> content-hashed asset files
  render.py     entries -> HTML pages (Jinja2 templates)
  feeds.py      entries -> Atom feeds, sitemap, redirects
  data.py       entries -> decisions.json and decisions.csv
  search.py     entries -> the sharded client-side search index (search_text.py: words and stems)
  workers.py    decision pages, search text parts and readings, rendered across processes (and files read)
  cache.py      what the last build read and wrote, so the next redoes only what changed
  publish.py    rendered files -> the output folder: only changes, moved in once all is rendered
  build.py      the whole build: what is stale, rendered, then committed
  progress.py   the terminal progress bar
  serve.py      preview server: incremental rebuilds on file events, live reload
  cli.py        the `digest` command
"""
