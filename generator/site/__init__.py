"""Site: decisions as the site shows them -> pages and files (rendered with the Jinja2 templates).

  entries.py    each decision's address, band and index-page links, newest first
  indexes.py    the index pages' groups: by council, category, remedy band, outcome
  markdown.py   a decision body -> HTML with stable paragraph and section anchors
  templates.py  the Jinja2 environment: filters, list items kept between builds, template digests
  pages.py      pages rendered: a decision's, and every other page planned as a unit
  charts.py     counts -> bar-chart geometry for inline SVG
  feeds.py      Atom feeds; links.py: the sitemap and _redirects; downloads.py: decisions.json and .csv
  assets.py     templates/static -> content-hashed asset files
  units.py      every unit of the site but the decisions' pages and the search index
"""
