# When a shell test may skip for want of data (source it): the rule of tests/shared_data.py.
# require_data DIR [NAME...]: an absent DIR skips the test (one `SKIP:` line, exit 77); a DIR that
# is present but unreadable, or lacks or cannot read a NAME, fails it (exit 1).
require_data() {
  local dir=$1 name
  shift
  if [ ! -e "$dir" ] && [ ! -L "$dir" ]; then
    echo "SKIP: $dir does not exist on this machine (the shared data beside the repository)"
    exit 77
  fi
  if [ ! -d "$dir" ] || [ ! -r "$dir" ] || [ ! -x "$dir" ]; then
    echo "FAIL: the data directory $dir is present but not a readable directory"
    exit 1
  fi
  for name in "$@"; do
    [ -f "$dir/$name" ] || { echo "FAIL: the data directory $dir is present but lacks $name"; exit 1; }
    head -c 1 "$dir/$name" >/dev/null 2>&1 || { echo "FAIL: $dir/$name is present but unreadable"; exit 1; }
  done
}
