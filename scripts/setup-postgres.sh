#!/usr/bin/env bash
# Makes sure PostgreSQL runs on $PGHOST:$PGPORT and offers the pgvector extension.
# Idempotent: every step is skipped when its result is already there.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

pg_ready() { pg_isready -q -h "$PGHOST" -p "$PGPORT" 2>/dev/null; }

install_postgres() {
  log "installing PostgreSQL from Debian packages"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  local version conf
  version=$(ls /etc/postgresql | sort -V | tail -n1)
  conf="/etc/postgresql/$version/main"
  # Local development only: trust loopback connections, as the rest of the machine does.
  as_root sed -i -E 's/^(host\s+all\s+all\s+(127\.0\.0\.1\/32|::1\/128)\s+)\S+/\1trust/' "$conf/pg_hba.conf"
  as_root sed -i -E 's/^(local\s+all\s+(postgres|all)\s+)\S+/\1trust/' "$conf/pg_hba.conf"
}

start_postgres() {
  local version
  version=$(ls /etc/postgresql | sort -V | tail -n1)
  log "starting PostgreSQL $version"
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 30); do pg_ready && return 0; sleep 1; done
  die "PostgreSQL did not start on $PGHOST:$PGPORT"
}

vector_available() {
  [ "$(psql -d postgres -Atc "SELECT 1 FROM pg_available_extensions WHERE name = 'vector'")" = "1" ]
}

# Builds pgvector from Debian's trixie source package against the local server
# (bookworm does not package it). The temporary source list uses the machine's own mirror.
install_pgvector() {
  local major workdir mirror list
  major=$(psql -d postgres -Atc "SHOW server_version_num" | cut -c1-2)
  log "building pgvector for PostgreSQL $major"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "postgresql-server-dev-$major" dpkg-dev make gcc >/dev/null
  mirror=$(grep -hoE '^URIs:\s*\S+' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -v security | head -n1 || true)
  [ -n "$mirror" ] || mirror=$(grep -hoE '^deb\s+\S+' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | awk '{print $2}' | grep -v security | head -n1 || true)
  [ -n "$mirror" ] || die "could not find the machine's Debian mirror in /etc/apt/sources.list.d"
  list=/etc/apt/sources.list.d/flowcoach-pgvector-src.list
  echo "deb-src [trusted=yes] $mirror trixie main" | as_root tee "$list" >/dev/null
  workdir=$(mktemp -d)
  trap 'as_root rm -f "$list"; rm -rf "$workdir"' RETURN
  as_root apt-get update -qq -o Dir::Etc::sourcelist="$list" -o Dir::Etc::sourceparts=- -o APT::Get::List-Cleanup=0
  (cd "$workdir" && apt-get source --download-only pgvector >/dev/null)
  as_root rm -f "$list"
  as_root apt-get update -qq || true
  tar -xzf "$workdir"/pgvector_*.orig.tar.gz -C "$workdir"
  local src
  src=$(find "$workdir" -maxdepth 1 -type d -name 'pgvector*' | head -n1)
  make -s -C "$src" OPTFLAGS="" >/dev/null
  as_root make -s -C "$src" OPTFLAGS="" install >/dev/null
}

command -v psql >/dev/null || install_postgres
pg_ready || start_postgres
vector_available || install_pgvector
vector_available || die "pgvector is still not available after installing it"
log "PostgreSQL $(psql -d postgres -Atc 'SHOW server_version') with pgvector ready on $PGHOST:$PGPORT"
