"""Search: the client-side index, written as static JSON files a query loads a few of at a time.

  text.py       folding, words and terms (the browser's search-core.js holds the same rules)
  equivalents.py  domain equivalents (EHCP / EHC plan ...), applied by the browser at query time
  packing.py    numbers packed into strings
  reading.py    one decision -> what it adds to the index, and its text as results show it
  postings.py   the index as data, by decision id, kept between builds and updated in place
  files.py      the index files (their format is documented there)
"""
