"""Write corrections/dictionary.txt: the words of Tesseract's dictionary for a language.

Tesseract's `.traineddata` holds the word list its LSTM model reads with (a DAWG); its
tools `combine_tessdata` and `dawg2wordlist` (in the tesseract-ocr package) unpack it.
The words, of letters only, three or more, lower case, one a line, back the lexicon's
confusion fixes ('Intemet' -> 'Internet', 'bersertitikat' -> 'bersertifikat'): a word in
neither list is a misread when one confused letter makes it a word of one. The file is
kept in the repository so that results do not change with the Tesseract installed.

    .venv/bin/python scripts/make_dictionary.py ind > corrections/dictionary.txt

English, the other language the pipeline reads, only as words that are not misreads (the
list is long, so kept compressed):

    .venv/bin/python scripts/make_dictionary.py eng corrections/dictionary.txt \
        | gzip -9n > corrections/english.txt.gz
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path


def words(lang: str) -> list[str]:
    listed = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, check=True)
    folder = re.search(r'"([^"]+)"', listed.stdout + listed.stderr)
    if folder is None:
        sys.exit("tesseract --list-langs names no data folder")
    with tempfile.TemporaryDirectory() as tmp:
        dawg, chars, out = (Path(tmp) / f"{lang}.{x}" for x in ("lstm-word-dawg", "lstm-unicharset", "txt"))
        subprocess.run(["combine_tessdata", "-e", str(Path(folder.group(1)) / f"{lang}.traineddata"),
                        str(dawg), str(chars)], capture_output=True, check=True)
        subprocess.run(["dawg2wordlist", str(chars), str(dawg), str(out)], capture_output=True, check=True)
        return sorted({w.lower() for w in out.read_text("utf-8").split() if w.isalpha() and len(w) >= 3})


def main() -> None:
    lang = sys.argv[1] if len(sys.argv) > 1 else "ind"
    version = subprocess.run(["tesseract", "--version"], capture_output=True, text=True).stdout.split("\n")[0]
    if len(sys.argv) > 2:  # the words of a second language: known, never a fix's target
        known = set(Path(sys.argv[2]).read_text("utf-8").split())
        print(f"# ocr-pipeline: the words of five letters or more of Tesseract's '{lang}' word list\n"
              f"# ({version}; tessdata, Apache License 2.0) not in {Path(sys.argv[2]).name}, made by\n"
              "# scripts/make_dictionary.py. A word here is a word as printed ('Avian', 'Occupancy'),\n"
              "# not a misread; no word is corrected to one of these.")
        print("\n".join(w for w in words(lang) if len(w) >= 5 and w not in known))
        return
    print(f"# ocr-pipeline dictionary: the words of Tesseract's '{lang}' word list ({version}; tessdata,\n"
          "# Apache License 2.0), made by scripts/make_dictionary.py. One word a line, lower case.\n"
          "# A word in neither this list nor lexicon.txt is taken for the one word of either that a\n"
          "# letter OCR confuses makes of it. Add words; a word removed is no longer a fix's target.")
    print("\n".join(words(lang)))


if __name__ == "__main__":
    main()
