"""Import: a raw decision statement (text copied or saved from the Ombudsman's site) -> a Decision record.

  text.py        raw bytes -> clean lines (decoding, size and binary checks, noise removed)
  saved_page.py  a saved decision page (.html) -> the same lines a copied page gives
  statement.py   lines -> a Decision: title, header fields, sections, numbered paragraphs (read_raw_file)
  remedy.py      the agreed action -> payments, total, apology, service improvements, actions
"""
