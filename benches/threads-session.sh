#!/bin/sh
# One measuring session for benches/results/threads.md: each bench starts only once the 1-minute
# load is below 1.2 (benches/quiet.ts; after QUIET_TIMEOUT seconds it runs anyway and says so),
# and every log line carries the load. Logs go to $OUT (default /tmp/threads-session).
#   sh benches/threads-session.sh [decode|matvec|train|browser ...]   (default: all four)
# train: glassgpt (`glassgpt train`, the CLI) and PyTorch (benches/reference/train_baby.py on
# OpenBLAS-OpenMP) at 1 and 2 threads, alternating, twice: 200 steps each, warm-up excluded.
set -u
cd "$(dirname "$0")/.."
OUT=${OUT:-/tmp/threads-session}; mkdir -p "$OUT"
QUIET_TIMEOUT=${QUIET_TIMEOUT:-600}
BLAS=$(dpkg -L libopenblas0-openmp 2>/dev/null | grep '/libblas.so.3$' | xargs -r dirname)
TEXT=$OUT/brown.txt
quiet() { npx tsx benches/quiet.ts --below 1.2 --timeout "$QUIET_TIMEOUT" 2>/dev/null; }
stamp() { echo "## $1 $(date -u +%FT%TZ) load $(cut -d' ' -f1-3 /proc/loadavg) $(lscpu | sed -n 's/^Model name: *//p')"; }

run_decode() { quiet; stamp decode; npx tsx benches/threads.ts --only decode --rounds 9; stamp end; }
run_matvec() { quiet; stamp matvec-cold; npx tsx benches/matvec-split.ts --only cold; quiet; stamp matvec-stream; npx tsx benches/matvec-split.ts --only stream --rounds 7; quiet; stamp matvec-hot; npx tsx benches/matvec-split.ts --only hot; stamp end; }
run_browser() { quiet; stamp browser; npx tsx benches/browser-threads.ts --rounds 7; stamp end; }
run_train() {
  [ -n "$BLAS" ] || { echo "libopenblas0-openmp is not installed: apt-get install libopenblas0-openmp"; return 1; }
  [ -f "$TEXT" ] || npx tsx -e "import { brownText } from './ts/data/brown.ts'; require('node:fs').writeFileSync('$TEXT', brownText())"
  for rep in 1 2; do
    for t in 1 2; do
      quiet; stamp "glassgpt-train threads=$t rep=$rep"
      node bin/glassgpt.js train --data "$TEXT" --preset baby --steps 200 --eval-iters 20 --threads "$t" --json --out "$OUT/run-$t" --force | tail -1
      quiet; stamp "pytorch-train threads=$t rep=$rep"
      OMP_NUM_THREADS=$t LD_LIBRARY_PATH=$BLAS /usr/bin/python3 benches/reference/train_baby.py --text "$TEXT" --iters 200 --eval-iters 20 --threads "$t" | tail -1
    done
  done
  stamp end
}
for what in ${@:-decode matvec train browser}; do "run_$what" 2>&1 | tee "$OUT/$what.log"; done
