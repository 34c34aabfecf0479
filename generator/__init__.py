"""Decisions Digest: Ombudsman decision statements -> content files -> a static, searchable website.

The pipeline, one module per stage:
  raw.py       raw decision text -> Decision records
  content.py   Decision records <-> content/decisions/<slug>.md
  markdown.py  a decision body -> HTML with stable paragraph and section anchors
  taxonomy.py  records -> entries and the council/category/remedy/outcome indexes
  render.py    entries -> HTML pages, Atom feed, sitemap (Jinja2 templates)
  search.py    entries -> the client-side search index
  build.py     the whole build, writing only what changed
  serve.py     preview server with live reload
  cli.py       the `digest` command
"""
