"""Content: records <-> the editable content folder.

  format.py     one decision file: YAML front matter + markdown body, read (with line-exact errors) and written
  folder.py     the folder: every decision file read (only what changed), checked together; new ones saved
  settings.py   content/site.yaml -> SiteConfig
  files.py      files written whole or not at all
"""
