"""Import: a raw decision statement (text copied or saved from the Ombudsman's site) -> a Decision record.

  text.py        raw bytes -> clean lines (decoding, size and binary checks, noise removed)
  saved_page.py  a saved decision page (.html) -> the same lines a copied page gives
  statement.py   lines -> a Decision: title, header fields, sections, numbered paragraphs (read_raw_file)
  remedy.py      the agreed action and summary -> payments (agreed, recommended, paid, offered), waived sums,
                 total, apology, service improvements, actions
  categories.py  the Ombudsman's categories and subcategories; the wording that settles an unprinted one
"""
