#!/bin/sh
# Seeds the fuzz corpora (fuzz/corpus/<target>/, git-ignored) from the shipped
# corpus/ and from generated PDFs and CMaps (tools/gen_pdf_seeds.py).
# Run from anywhere: fuzz/seed.sh
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
c="$root/fuzz/corpus"
mkdir -p "$c/pdf" "$c/cmap" "$c/html" "$c/text" "$c/dates_quantities" "$c/process_bytes" "$c/sheet" "$c/docx" "$c/pptx"
python3 "$root/tools/gen_pdf_seeds.py" "$c/pdf" "$c/cmap"
for f in "$root"/corpus/*; do
    name=$(basename "$f")
    case "$name" in
        README*) continue ;;
        *.html)
            # The html and text targets read their first byte as the HTTP
            # charset selector: 0 = none.
            { printf '\000'; cat "$f"; } > "$c/html/$name" ;;
        *.xlsx)
            # The sheet target's first byte picks the format: 0 = XLSX.
            { printf '\000'; cat "$f"; } > "$c/sheet/$name" ;;
        *.docx) cp "$f" "$c/docx/$name" ;;
        *.pptx) cp "$f" "$c/pptx/$name" ;;
        *.txt)
            { printf '\000'; cat "$f"; } > "$c/text/$name"
            # Dates and quantities work on lines: seed with short pieces.
            split -l 20 -a 3 "$f" "$c/dates_quantities/$name." ;;
    esac
    cp "$f" "$c/process_bytes/$name"
done
cp "$c/pdf/"*.pdf "$c/process_bytes/"
# BIFF5 workbooks and small DOCX/PPTX packages made by a unit test.
(cd "$root" && TORIKUMI_OFFICE_SEEDS="$c" cargo test --release --quiet --lib write_fuzz_seeds >/dev/null)
echo "seeded: $(for t in pdf cmap html text dates_quantities process_bytes sheet docx pptx; do printf '%s=%s ' $t "$(ls "$c/$t" | wc -l)"; done)"
