#!/usr/bin/env bash
# Checks (mode "dry") or rewrites (mode "fix") every Java source with google-java-format.
# Runs the formatter as its own JVM with the jdk.compiler exports it needs on JDK 17+.
set -euo pipefail
java=$1 jar=$2 mode=${3:-dry}
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files -co --exclude-standard -- '*.java' 2>/dev/null || find . -name '*.java' -not -path '*/target/*')
[ ${#files[@]} -eq 0 ] && exit 0
exports=()
for p in api code file parser tree util; do exports+=(--add-exports "jdk.compiler/com.sun.tools.javac.$p=ALL-UNNAMED"); done
if [ "$mode" = fix ]; then
  "$java" "${exports[@]}" -jar "$jar" --replace "${files[@]}"
else
  if ! out=$("$java" "${exports[@]}" -jar "$jar" --dry-run --set-exit-if-changed "${files[@]}"); then
    echo "These files are not formatted with google-java-format; run: mvn validate -Dformat=fix" >&2
    echo "$out" >&2
    exit 1
  fi
fi
