"""Search: the client-side index, written as static JSON files a query loads a few of at a time.

  text.py       folding, words and stems (the browser's search-core.js holds the same rules)
  packing.py    numbers packed into strings
  reading.py    one decision -> what it adds to the index, and its text parts
  postings.py   the index as data, by decision id, kept between builds and updated in place
  files.py      the index files (their format is documented there)
"""
