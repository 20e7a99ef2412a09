#!/bin/sh
# Whole-process comparison of torikumi with pdftotext, PyMuPDF, pdfminer.six
# (and lxml for HTML) on a benchmark corpus generated from corpus/.
#
#   benches/compare.sh [compare.py options]     e.g. --runs 5, --no-pdfminer,
#                                               --pdf-src DIR, --markdown FILE
#
# Run as root on a fresh Debian/Ubuntu machine it installs what it needs:
# poppler-utils and poppler-data (apt), a Python virtual environment with
# PyMuPDF, pdfminer.six, pypdf and lxml (PyPI), and builds torikumi in release
# mode. Work files go to $TORIKUMI_BENCH_DIR (default /tmp/torikumi-bench);
# the generated corpus is kept there and reused while its inputs are unchanged.
# Takes about 10 minutes on 2 cores, most of it pdfminer.six.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
work=${TORIKUMI_BENCH_DIR:-/tmp/torikumi-bench}
mkdir -p "$work"

need_apt=""
command -v pdftotext >/dev/null 2>&1 || need_apt="$need_apt poppler-utils"
[ -d /usr/share/poppler ] || need_apt="$need_apt poppler-data"
command -v python3 >/dev/null 2>&1 || need_apt="$need_apt python3"
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || need_apt="$need_apt python3-venv"
if [ -n "$need_apt" ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "compare.sh: please install:$need_apt (or run as root)" >&2
        exit 2
    fi
    echo "compare.sh: installing$need_apt" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need_apt >/dev/null
fi

venv="$work/venv"
if ! "$venv/bin/python" -c 'import pymupdf, pdfminer, pypdf, lxml' >/dev/null 2>&1; then
    echo "compare.sh: setting up $venv (PyMuPDF, pdfminer.six, pypdf, lxml)" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check pymupdf pdfminer.six pypdf lxml
fi

if ! command -v cargo >/dev/null 2>&1; then
    echo "compare.sh: cargo is needed (https://rustup.rs)" >&2
    exit 2
fi
echo "compare.sh: building torikumi (--profile dist: release with fat LTO)" >&2
(cd "$repo" && cargo build --profile dist --quiet --bin torikumi)

echo "compare.sh: pdftotext $(pdftotext -v 2>&1 | head -1 | sed 's/.*version //')," \
    "$("$venv/bin/python" -c 'import pymupdf, pdfminer, lxml.etree as e; print("PyMuPDF", pymupdf.VersionBind, "/ pdfminer.six", pdfminer.__version__, "/ lxml", e.__version__)')" >&2
exec "$venv/bin/python" "$here/compare.py" --torikumi "$repo/target/dist/torikumi" --work "$work" "$@"
