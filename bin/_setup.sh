# Sourced by bin/demo and bin/test: the virtual environment and the Debian packages they need.
# Everything here is idempotent: an equipped machine does no network work at all.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

find_python() {
    local candidate
    for candidate in "${PYTHON:-}" python3.11 python3; do
        [ -n "$candidate" ] || continue
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

# Install Debian packages that are missing; `apt-get update` runs only when something is installed.
apt_ensure() {
    local missing=() pkg
    for pkg in "$@"; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    [ "$(id -u)" -eq 0 ] || die "missing Debian packages (${missing[*]}): install them as root"
    say "Installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_venv() {
    if [ ! -x "$PY" ] || ! "$PY" -c 'import sys' 2>/dev/null; then
        local base
        base="$(find_python)" || die "Python 3.11 not found (set PYTHON=/path/to/python3.11)"
        say "Creating $VENV with $base"
        rm -rf "$VENV"
        if ! "$base" -m venv "$VENV" 2>/dev/null; then
            # Debian's own python3 ships venv support in a separate package.
            apt_ensure python3-venv
            rm -rf "$VENV"
            "$base" -m venv "$VENV"
        fi
    fi
    # Reinstall only when the lock file changed since the last successful install.
    local stamp="$VENV/.requirements.lock.sha256" want
    want="$(sha256sum "$ROOT/requirements.lock" | cut -d' ' -f1)"
    if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
        say "Installing Python packages from requirements.lock"
        "$PY" -m pip install --disable-pip-version-check -q -r "$ROOT/requirements.lock"
        echo "$want" >"$stamp"
    fi
}

manage() { "$PY" "$ROOT/manage.py" "$@"; }
