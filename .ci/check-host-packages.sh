#!/usr/bin/env bash
# Run first by `make test`, in seconds: every row of host-packages.tsv is well formed and every
# command the Java sources run on the host (named first in a HostCommand call or a ProcessBuilder)
# has a row, so a command added without its Debian package fails here with its name instead of
# passing on a machine that happens to have it and failing on a fresh one.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/host-packages.sh

failed=0
while IFS= read -r line; do
  [[ -z $line || $line == \#* ]] && continue
  if [[ $(awk -F'\t' '{print NF}' <<<"$line") != 3 ]]; then
    echo ".ci/host-packages.tsv: not three tab-separated columns (tier, package, commands): $line" >&2
    failed=1
  fi
done <.ci/host-packages.tsv

provided=" $(host_package_rows base kube tools node image bench flux | cut -f3 | tr '\n\t' '  ') "
while read -r file command; do
  if [[ $provided != *" $command "* ]]; then
    echo "$file runs $command, which no row of .ci/host-packages.tsv provides: add it with its Debian package" >&2
    failed=1
  fi
done < <(find src -name '*.java' -print0 | xargs -0 perl -0777 -ne \
  'while (/(?:HostCommand\.\w+\(\s*|new ProcessBuilder\(\s*)(?:List\.of\(\s*)?"([^"]+)"/g) { print "$ARGV $1\n" }' |
  sort -u)

if ((failed)); then
  exit 1
fi
echo "every host command the tests run comes from a package in .ci/host-packages.tsv"
