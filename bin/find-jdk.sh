# Sourced by ./mmsim and ./test: sets JAVA_HOME to a JDK >= 25 or exits with one clear line.
# Search order: $JAVA_HOME, the java on PATH, then /usr/lib/jvm/*.
mmsim_java_major() {
  # prints the feature version of the java binary $1, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n1
}
mmsim_find_jdk() {
  local cand
  local -a cands=()
  [ -n "${JAVA_HOME:-}" ] && cands+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    cands+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  for cand in /usr/lib/jvm/*; do cands+=("$cand"); done
  for cand in "${cands[@]}"; do
    if [ -x "$cand/bin/java" ] && [ -x "$cand/bin/javac" ]; then
      local v; v=$(mmsim_java_major "$cand/bin/java")
      if [ -n "$v" ] && [ "$v" -ge 25 ] 2>/dev/null; then
        export JAVA_HOME="$cand"; return 0
      fi
    fi
  done
  echo "mmsim: no JDK >= 25 found (looked at JAVA_HOME, PATH and /usr/lib/jvm); install one, e.g. Temurin 25 (apt package temurin-25-jdk), and set JAVA_HOME" >&2
  exit 3
}
mmsim_find_mvn() {
  if ! command -v mvn >/dev/null 2>&1; then
    echo "mmsim: Apache Maven (mvn) is needed to build mmsim; install it (apt-get install maven)" >&2
    exit 3
  fi
  # Quieten JDK 25's warnings about Maven's own use of sun.misc.Unsafe.
  export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
}
