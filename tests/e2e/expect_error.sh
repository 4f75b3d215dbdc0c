# Sourced by the bad-input scripts: `expect CODE PATTERN -- command...` runs the command and counts
# a failure unless it exits with CODE and prints exactly one stderr line that matches PATTERN and
# is not an internal error. Needs $dir (scratch) and $failures set by the caller.
expect() {
  local want=$1 pattern=$2; shift 3
  "$@" >"$dir/out" 2>"$dir/err"
  local code=$?
  local lines; lines=$(wc -l <"$dir/err")
  if [ "$code" != "$want" ] || [ "$lines" != 1 ] || ! grep -q -- "$pattern" "$dir/err" ||
     grep -q "internal error" "$dir/err"; then
    echo "FAIL: '$*' exited $code (want $want), stderr ($lines lines):"; cat "$dir/err"
    failures=$((failures + 1))
  else
    echo "ok: $(cat "$dir/err")"
  fi
}
