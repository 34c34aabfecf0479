"""The incremental build: what the last build made, and what this one must redo.

  state.py      the saved state of one output folder (record, sources, search index), per output folder
  memory.py     what a preview keeps between its builds
  inputs.py     settings, templates, assets and content stamps; did anything change?
  guards.py     output folder checks, the build lock, one-line failures
  plan.py       units: fresh, kept or rendered again
  decisions.py  decision pages and the search index brought up to date
  workers.py    the process pool that renders decisions (and reads content files)
  output.py     staged files put into the output folder at once, only what changed
"""
