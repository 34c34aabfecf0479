"""Decisions Digest: Ombudsman decision statements -> content files -> a static, searchable website.

Two pipelines, a folder for each stage (data flows one way: no stage imports a later one):

  import  raw statement -> content file
    importer/     text.py, saved_page.py (bytes or a saved page -> clean lines), statement.py (lines -> a
                  Decision: structure, printed fields, body), remedy.py (the agreed action -> the remedy)
    content/      format.py (one content file, read and written), folder.py (the folder), files.py
    importing.py  the import as a run: many statements on a process pool, written as they are read, with a
                  record of what was imported (a re-run skips it)

  build   content files -> site/
    content/      folder.py (every decision file, read again only when it changed), settings.py (site.yaml),
                  collections.py (collections/<slug>.yaml)
    site/         entries, indexes, markdown, pages, templates, charts, feeds, links, downloads, assets,
                  related (each decision's related decisions), collections (their pages), units
    search/       text (words and terms), packing, reading (one decision), postings (the index as data),
                  files (the index files)
    incremental/  state (kept per output folder), memory (the preview's), inputs, guards, plan, decisions,
                  workers (the process pool), output (staging and the commit)
    build.py      the build as a story: inputs -> decisions -> plan -> render -> index -> commit -> state

  model.py, errors.py, digest.py   the records, errors and digest every stage shares
  serve.py        the preview server: incremental rebuilds on file events, live reload
  cli.py          the `digest` command (import, build, serve, check)

ARCHITECTURE.md tells the same story at more length, with the incremental model and where to add things.
"""
