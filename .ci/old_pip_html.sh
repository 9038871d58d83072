#!/usr/bin/env bash
# A plain `pip install -e .` made with the oldest pip warwire supports (the 23.x that
# Python 3.11's venv ships, never upgraded) must read .html articles through the CLI.
# trafilatura's HTML path needs lxml's html_clean, which that pip does not pull through
# justext's extra; warwire declares lxml_html_clean itself, and this proves it is enough.
set -euo pipefail
cd "$(dirname "$0")/.."
export HF_HUB_OFFLINE=1
VENV=${OLD_PIP_VENV:-.ci/old-pip-venv}
if [ ! -x "$VENV/bin/warwire" ]; then
    python3 -m venv "$VENV"
    # the CPU build of torch first, as the README says (a bare torch pulls the CUDA build)
    "$VENV/bin/pip" install -qq "torch==2.13.0+cpu" 2>/dev/null \
        || "$VENV/bin/pip" install -qq "torch==2.13.0" 2>/dev/null \
        || "$VENV/bin/pip" install -qq "torch==2.13.0+cpu" --index-url https://download.pytorch.org/whl/cpu
    "$VENV/bin/pip" install -qq -e .
fi
echo "old-pip check with $("$VENV/bin/pip" --version | cut -d' ' -f1-2)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$VENV/bin/warwire" train --config train/tfidf.toml --output "$work/tfidf" >/dev/null
cat > "$work/page.html" <<'HTML'
<html><head><title>Depot fire</title></head><body><nav>Home | World | Sport</nav>
<article><h1>Drone strike sets fuel depot ablaze</h1>
<p>A drone struck a fuel depot on the edge of the city on Monday night, the regional governor said in a statement.</p>
<p>Two workers were wounded and taken to hospital, officials added.</p></article>
<footer>Copyright 2026</footer></body></html>
HTML
"$VENV/bin/warwire" predict "$work/tfidf" "$work/page.html" --output "$work/rows.jsonl"
rows=$(wc -l < "$work/rows.jsonl")
[ "$rows" -ge 2 ] || { echo "old-pip check: expected rows from page.html, got $rows" >&2; exit 1; }
echo "old-pip check: .html through the CLI gave $rows rows"
