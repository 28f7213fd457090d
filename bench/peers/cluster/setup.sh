#!/usr/bin/env bash
# Installs what the Python peers of D1-D4 need: a venv at bench/peers/.venv-cluster with
# pinned packages, and Debian's redis-server for celery_peer.py. Safe to run again: each
# step is skipped when already done. Needs python3 >= 3.11; apt-get only if redis-server is
# missing (as root, or through sudo).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$(cd "$here/.." && pwd)/.venv-cluster"
python="${PYTHON:-python3}"

# Versions verified together on Python 3.11 (see README.md).
pins=(
    "asyncpg==0.32.0"
    "pgqueuer==1.6.0"
    "procrastinate==3.10.0"
    "celery[redis]==5.7.0"
    "redis==8.1.0"
)

if [ -x "$venv/bin/python" ]; then
    echo "venv: $venv exists"
else
    echo "venv: creating $venv with $($python --version)"
    "$python" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --upgrade pip
fi

missing=()
for pin in "${pins[@]}"; do
    name="${pin%%==*}"; name="${name%%[*}"; want="${pin##*==}"
    have="$("$venv/bin/python" -m pip show "$name" 2>/dev/null | sed -n 's/^Version: //p')"
    if [ "$have" = "$want" ]; then
        echo "pip: $name $have already installed"
    else
        missing+=("$pin")
    fi
done
if [ "${#missing[@]}" -gt 0 ]; then
    echo "pip: installing ${missing[*]}"
    "$venv/bin/python" -m pip install --quiet "${pins[@]}"
fi

if command -v redis-server >/dev/null 2>&1; then
    echo "apt: $(redis-server --version | cut -d' ' -f1-3) already installed"
else
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "apt: installing redis-server"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq redis-server >/dev/null
    # The package may start a system-wide service; the peer starts its own server instead.
    if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet redis-server 2>/dev/null; then
        $sudo systemctl disable --now redis-server >/dev/null 2>&1 || true
        echo "apt: stopped the redis-server service the package started"
    fi
    echo "apt: $(redis-server --version | cut -d' ' -f1-3) installed"
fi

echo "ready: $venv/bin/python bench/peers/cluster/<peer>.py --url postgres://..."
