#!/usr/bin/env bash
# Builds mmsim and its JMH benchmarks, then runs them; arguments go to JMH (e.g. PteBench -f 1 -wi 3 -i 5).
# Not run by ./test: benchmarks measure time, tests never do.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
. "$root/bin/find-jdk.sh"
mmsim_find_jdk
mmsim_find_mvn
(cd "$root" && mvn -q -B -DskipTests package)
(cd "$here" && mvn -q -B package)
exec "$JAVA_HOME/bin/java" -cp "$here/target/mmsim-jmh-0.1.0.jar:$root/target/mmsim-0.1.0.jar:$root/target/lib/*:$here/target/lib/*" \
  org.openjdk.jmh.Main "$@"
