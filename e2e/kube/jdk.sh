# Sourced by .ci/run and e2e/starling-local: pick_jdk prints the home of a JDK 21 or newer ($JAVA_HOME first, then
# Temurin 25, then any other Temurin or OpenJDK 21+ under /usr/lib/jvm) and fails when there is none.

java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }

pick_jdk() {
  local candidates=() home v
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  candidates+=(/usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-*-jdk-* /usr/lib/jvm/java-2[1-9]-openjdk-* /usr/lib/jvm/*)
  for home in "${candidates[@]}"; do
    if [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ]; then
      v=$(java_major "$home")
      if [ -n "$v" ] && [ "$v" -ge 21 ] 2>/dev/null; then echo "$home"; return 0; fi
    fi
  done
  return 1
}
