#!/usr/bin/env bash
# Checks deploy/Dockerfile's runtime stage without a container engine (docs/deploy.md).
#
#   sudo deploy/check-image.sh [BASE_DIR]      (root; network to a Debian mirror)
#
# What it does, in order:
#   1. installs debootstrap with apt-get if it is missing;
#   2. debootstraps Debian bookworm, --variant=minbase (what debian:bookworm-slim is made
#      from), into BASE_DIR (default /tmp/sandtable-bookworm-minbase) once: a finished base is
#      kept and reused; the image is a fresh copy of it on every run (BASE_DIR.image), as
#      every `docker build` starts from the same FROM;
#   3. builds the server exactly as the Dockerfile's build stage does (the script refuses to
#      go on if that RUN line changed), with CARGO_TARGET_DIR honoured;
#   4. reads the Dockerfile's runtime stage (after the last FROM) and carries out each
#      instruction in the copy: RUN in a chroot, WORKDIR, COPY (from the build stage or the
#      context), ENV, USER. An instruction it does not know stops it, so the script cannot
#      silently fall behind the Dockerfile;
#   5. checks `ldd` of the binary inside the rootfs finds every shared library, and that
#      .dockerignore excludes neither the workspace the build stage needs nor a context COPY;
#   6. runs ENTRYPOINT + CMD in the chroot as the USER (chroot --userspec with the uid and gid
#      USER names, looked up in the image's /etc/passwd and /etc/group as an engine does), in
#      WORKDIR, with only the image's ENV, PATH and the user's HOME, /proc and a read-only /sys
#      mounted (as an engine provides them):
#        run 1: the default CMD as is (ports moved only if 5000 or 9100 are busy here):
#               /healthz answers, /metrics has sandtable_tick_seconds, the server listens on
#               every EXPOSEd port and protocol, then SIGTERM (what `docker stop` sends) ends it
#               within 10 s with exit 0 and report.json + report.html in /records/drill;
#        run 2: the default CMD + --autostart --speed 14400, with a host folder bind-mounted
#               on /records and given to USER's uid and gid (`docker run -v DIR:/records` as
#               docs/deploy.md says): the 16 h drill ends by itself with exit 0 and
#               report.json + report.html in /records/drill.
# Any failure stops it with a message and a non-zero exit. The network is the host's (a chroot
# has no namespace of its own), which is how EXPOSE is stood in for: the ports are reached on
# 127.0.0.1 directly, no publishing is needed, and each EXPOSEd port must be listened on.
# Idempotent: the base is made once, the image copy, the record folders and the mounts are
# made afresh each run, and the mounts and the server are removed on exit. Not for CI: it
# needs root and the network.
set -euo pipefail

die() { echo "check-image: FAIL: $*" >&2; exit 1; }
say() { echo "check-image: $*"; }

[[ $(id -u) == 0 ]] || die "run as root (debootstrap and chroot need it)"
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DOCKERFILE=$REPO/deploy/Dockerfile
BASE=${1:-/tmp/sandtable-bookworm-minbase}
IMG=$BASE.image
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
TARGET=${CARGO_TARGET_DIR:-$REPO/target}
# Docker's default PATH for a Linux container.
DPATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
started=$(date +%s)

for tool in curl python3 ss; do command -v "$tool" >/dev/null || die "$tool is needed on the host"; done

# 1. debootstrap.
if ! command -v debootstrap >/dev/null; then
    say "installing debootstrap"
    { apt-get update -qq && apt-get install -y -qq debootstrap >/dev/null; } || die "apt-get install debootstrap"
fi

# 2. The base, made once into a temporary folder and renamed when complete, so an interrupted
# debootstrap is never taken for a finished one.
if [[ ! -d $BASE ]]; then
    say "debootstrap bookworm minbase into $BASE (once)"
    rm -rf "$BASE.partial"
    debootstrap --variant=minbase bookworm "$BASE.partial" "$MIRROR" >"$BASE.debootstrap.log" 2>&1 \
        || die "debootstrap failed, see $BASE.debootstrap.log"
    mv "$BASE.partial" "$BASE"
else
    say "reusing the base in $BASE"
fi

# 3. The build stage.
BUILD=(cargo build --release -p server --no-default-features --bin sandtable-server)
grep -qxF "RUN ${BUILD[*]}" "$DOCKERFILE" || die "the Dockerfile's build stage no longer runs '${BUILD[*]}': update this script"
say "building: ${BUILD[*]} (CARGO_TARGET_DIR=$TARGET)"
(cd "$REPO" && CARGO_TARGET_DIR=$TARGET nice -n 10 "${BUILD[@]}") || die "cargo build failed"

# The image: a fresh copy of the base. Mounts from an earlier interrupted run are removed first.
for m in records proc sys; do mountpoint -q "$IMG/$m" 2>/dev/null && umount "$IMG/$m"; done
rm -rf "$IMG"
cp -a "$BASE" "$IMG"
mounted=()
server_pid=
cleanup() {
    if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then kill -KILL "$server_pid" 2>/dev/null || true; fi
    local i
    for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount "${mounted[i]}" 2>/dev/null || umount -l "${mounted[i]}" 2>/dev/null || true; done
}
trap cleanup EXIT

# 5 (first half). .dockerignore: no pattern may exclude what a context COPY copies, nor the workspace's own
# files that the build stage's `COPY . .` needs. Patterns are compared as paths and globs (not
# the full Go matcher, which this file's simple patterns do not need).
ignored_by() {
    local path=$1 p
    [[ -f $REPO/.dockerignore ]] || return 1
    while IFS= read -r p; do
        p=${p%%#*}; p=${p//[[:space:]]/}; p=${p#/}; p=${p%/}
        [[ -z $p || $p == !* ]] && continue
        # shellcheck disable=SC2053 # $p is a glob on purpose.
        if [[ $path == $p || $path == $p/* || $p == $path/* ]]; then echo "$p"; return 0; fi
    done <"$REPO/.dockerignore"
    return 1
}
members=$(sed -n 's/^members *= *\[\(.*\)\]/\1/p' "$REPO/Cargo.toml" | tr ',' '\n' | tr -d '" ')
for path in Cargo.toml Cargo.lock $members; do
    if p=$(ignored_by "$path"); then die ".dockerignore pattern '$p' excludes $path, which the build stage needs"; fi
done

# 4. The runtime stage: every instruction after the last FROM.
last_from=$(grep -n '^FROM ' "$DOCKERFILE" | tail -1 | cut -d: -f1)
from=$(sed -n "${last_from}p" "$DOCKERFILE")
[[ $from == "FROM debian:bookworm-slim" ]] || die "runtime stage is '$from', this script makes debian:bookworm-slim"
workdir=/
user=root
envs=()
exposed=()
entry=()
cmd=()
json_array() { python3 -c 'import json,sys; [print(a) for a in json.loads(sys.argv[1])]' "$1"; }
# image_cmd USER CMD...: sets the array `run_cmd` to CMD run in the image as an engine would:
# as USER (NAME or UID, optionally :GROUP or :GID; names and a user's primary group from the
# image's /etc/passwd and /etc/group), in WORKDIR, with only PATH, the user's HOME and the ENVs.
# It also sets run_uid and run_gid. A background start (`"${run_cmd[@]}" &`) then gives the
# server's own pid (chroot and env exec), not a subshell's, so signals reach the server.
image_cmd() {
    local spec=$1 u g='' entry_line uid gid uhome=/; shift
    u=${spec%%:*}
    [[ $spec == *:* ]] && g=${spec#*:}
    if [[ $u =~ ^[0-9]+$ ]]; then
        uid=$u; gid=${g:-0}
        entry_line=$(awk -F: -v id="$u" '$3 == id' "$IMG/etc/passwd")
        [[ -n $entry_line ]] && IFS=: read -r _ _ _ gid _ uhome _ <<<"$entry_line"
    else
        entry_line=$(grep "^$u:" "$IMG/etc/passwd") || die "USER $u is not in the image's /etc/passwd"
        IFS=: read -r _ _ uid gid _ uhome _ <<<"$entry_line"
    fi
    if [[ -n $g ]]; then
        [[ $g =~ ^[0-9]+$ ]] && gid=$g || gid=$(grep "^$g:" "$IMG/etc/group" | cut -d: -f3)
        [[ -n $gid ]] || die "USER's group $g is not in the image's /etc/group"
    fi
    run_uid=$uid run_gid=$gid
    run_cmd=(chroot --userspec="$uid:$gid" --groups="$gid" "$IMG"
        /usr/bin/env -i -C "$workdir" PATH="$DPATH" HOME="$uhome" "${envs[@]}" "$@")
}
# in_image USER CMD...: runs it (for RUN).
in_image() { image_cmd "$@"; "${run_cmd[@]}"; }
pending=
while IFS= read -r line; do
    [[ $line =~ ^[[:space:]]*(#|$) ]] && continue
    # A line ending in a backslash goes on on the next one, as in the Dockerfile.
    if [[ $line == *\\ ]]; then pending+="${line%\\} "; continue; fi
    line=$pending$line
    pending=
    instr=${line%% *}
    arg=${line#* }
    case $instr in
        RUN) # Shell form, as the engine runs it: /bin/sh -c in WORKDIR, as USER.
            say "RUN $arg"
            in_image "$user" /bin/sh -c "$arg" || die "RUN failed: $arg" ;;
        WORKDIR) # Created (root-owned) if missing, as the engine does.
            [[ $arg == /* ]] || die "relative WORKDIR: $arg"
            workdir=$arg; mkdir -p "$IMG$workdir" ;;
        COPY)
            read -r -a words <<<"$arg"
            if [[ ${words[0]} == --from=build ]]; then
                src=${words[1]}; dst=${words[2]}
                [[ $src == /src/target/* ]] || die "COPY --from=build of something not under /src/target: $src"
                src=$TARGET/${src#/src/target/}
            else
                [[ ${#words[@]} == 2 && ${words[0]} != --* ]] || die "COPY form not handled: $arg"
                src=${words[0]}; dst=${words[1]}
                if p=$(ignored_by "$src"); then die ".dockerignore pattern '$p' excludes $src, which the runtime stage copies"; fi
                src=$REPO/$src
            fi
            [[ $dst == /* ]] || dst=$workdir/$dst
            [[ -e $src ]] || die "COPY source missing: $src"
            say "COPY $src -> $dst"
            if [[ -d $src ]]; then # A folder's contents go into DST, owned by root.
                mkdir -p "$IMG$dst"; cp -r "$src/." "$IMG$dst/"
            else
                mkdir -p "$(dirname "$IMG$dst")"; cp "$src" "$IMG$dst"
            fi
            chown -R 0:0 "$IMG$dst" ;;
        ENV)
            [[ $arg == *=* && $arg != *' '* ]] || die "ENV form not handled: $arg"
            envs+=("$arg") ;;
        USER) user=$arg ;;
        EXPOSE) read -r -a exposed <<<"$arg" ;;
        ENTRYPOINT) mapfile -t entry < <(json_array "$arg") || die "ENTRYPOINT is not a JSON array" ;;
        CMD) mapfile -t cmd < <(json_array "$arg") || die "CMD is not a JSON array" ;;
        *) die "instruction not handled by this script: $line" ;;
    esac
done < <(tail -n +"$((last_from + 1))" "$DOCKERFILE")
[[ ${#entry[@]} -gt 0 && ${#cmd[@]} -gt 0 ]] || die "the runtime stage has no ENTRYPOINT or CMD"
say "ENTRYPOINT ${entry[*]}  CMD ${cmd[*]}  USER $user  WORKDIR $workdir  ENV ${envs[*]}  EXPOSE ${exposed[*]}"

# 5. Shared libraries: ldd inside the image (as root: ldd only reads).
bin=
IFS=: read -r -a path_dirs <<<"$DPATH"
for d in "${path_dirs[@]}"; do [[ -x $IMG$d/${entry[0]} ]] && { bin=$d/${entry[0]}; break; }; done
[[ -n $bin ]] || die "ENTRYPOINT ${entry[0]} is not on the image's PATH"
libs=$(chroot "$IMG" /usr/bin/ldd "$bin" 2>&1) || die "ldd $bin in the image failed: $libs"
if grep -qE 'not found|No such file' <<<"$libs"; then die "shared libraries missing in the image:
$libs"; fi
say "ldd $bin in the image: every library found"
while IFS= read -r l; do echo "    $l"; done <<<"$libs"

# 6. Mounts an engine gives every container.
mount -t proc proc "$IMG/proc" && mounted+=("$IMG/proc")
mount -t sysfs -o ro sysfs "$IMG/sys" && mounted+=("$IMG/sys")

# Ports: the CMD's own when free on this host (TCP and UDP), else a free one for each.
busy() { [[ -n $(ss -Htuln "sport = :$1") ]]; }
free_port() {
    local p=$1
    while busy "$p"; do p=$((20000 + RANDOM % 40000)); done
    echo "$p"
}
port_map=()
args=()
for a in "${cmd[@]}"; do
    if [[ $a =~ ^0\.0\.0\.0:([0-9]+)$ ]]; then
        old=${BASH_REMATCH[1]}
        new=$(free_port "$old")
        port_map+=("$old=$new")
        a=0.0.0.0:$new
    fi
    args+=("$a")
done
mapped() { local pm; for pm in "${port_map[@]}"; do [[ ${pm%=*} == "$1" ]] && { echo "${pm#*=}"; return; }; done; echo "$1"; }
metrics_port=$(mapped 9100)
[[ ${port_map[*]} == *"9100="* ]] || die "the CMD has no --metrics 0.0.0.0:9100 to check /healthz on"
record_dir=
for ((i = 0; i < ${#args[@]}; i++)); do [[ ${args[i]} == --record-dir ]] && record_dir=${args[i + 1]}; done
[[ $record_dir == /* ]] || die "the CMD has no absolute --record-dir"
say "ports (CMD's -> used here): ${port_map[*]}"

# check_record RUN: the record directory holds the review, written by the image's user.
check_record() {
    local f
    for f in report.json report.html; do
        [[ -s $IMG$record_dir/$f ]] || die "$1: no $record_dir/$f; the record holds: $(ls -la "$IMG$record_dir" 2>&1)"
    done
    [[ $(stat -c %u "$IMG$record_dir/report.json") == "$run_uid" ]] || die "$1: the record is not owned by USER $user"
    python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$IMG$record_dir/report.json" || die "$1: report.json is not JSON"
    say "$1: $record_dir holds $(find "$IMG$record_dir" -mindepth 1 -printf '%f\n' | sort | tr '\n' ' ')"
}

# start RUN EXTRA...: starts ENTRYPOINT + CMD (+ EXTRA) in the background, its log in the image's /tmp.
start() {
    local name=$1; shift
    rm -rf "${IMG:?}$record_dir"
    say "$name: ${entry[*]} ${args[*]} $*"
    image_cmd "$user" "${entry[@]}" "${args[@]}" "$@"
    "${run_cmd[@]}" >"$IMG/tmp/$name.log" 2>&1 &
    server_pid=$!
}
# wait_exit RUN SECONDS: waits for the server to end by itself; its exit status must be 0.
wait_exit() {
    local name=$1 limit=$2 waited=0 rc=0
    while kill -0 "$server_pid" 2>/dev/null && ((waited < limit)); do sleep 1; waited=$((waited + 1)); done
    kill -0 "$server_pid" 2>/dev/null && die "$name: still running after ${limit} s; log: $(tail -20 "$IMG/tmp/$name.log")"
    wait "$server_pid" || rc=$?
    server_pid=
    ((rc == 0)) || die "$name: exit status $rc; log: $(tail -20 "$IMG/tmp/$name.log")"
    say "$name: ended with exit 0 after ${waited} s"
}

# Run 1: the default CMD as it is.
start run1
health=
for _ in $(seq 120); do
    kill -0 "$server_pid" 2>/dev/null || die "run1: the server exited early; log: $(tail -20 "$IMG/tmp/run1.log")"
    health=$(curl -fsS "http://127.0.0.1:$metrics_port/healthz" 2>/dev/null) && break
    sleep 0.5
done
[[ -n $health ]] || die "run1: /healthz did not answer within 60 s; log: $(tail -20 "$IMG/tmp/run1.log")"
say "run1: /healthz: $health"
metrics=$(curl -fsS "http://127.0.0.1:$metrics_port/metrics") || die "run1: /metrics did not answer"
grep -q '^sandtable_tick_seconds' <<<"$metrics" || die "run1: /metrics has no sandtable_tick_seconds"
say "run1: /metrics has sandtable_tick_seconds ($(grep -c '^sandtable_' <<<"$metrics") sandtable_ lines)"
# EXPOSE: the server must listen on every exposed port and protocol (moved as the CMD's were).
for e in "${exposed[@]}"; do
    port=$(mapped "${e%/*}"); proto=${e#*/}
    [[ $proto == udp ]] && flag=-Huln || flag=-Htln
    [[ -n $(ss "$flag" "sport = :$port") ]] || die "run1: EXPOSE $e, but nothing listens on $proto port $port"
    say "run1: EXPOSE $e: listening on $proto $port"
done
# `docker stop` sends SIGTERM and kills after 10 s: the record must be written before that.
kill -TERM "$server_pid"
wait_exit run1 10
check_record run1

# Run 2: the default CMD at 14,400x from the start, so the drill ends by itself, with /records
# a host folder mounted over the image's, as `docker run -v $PWD/records:/records` does: the
# folder made and given to the image's user as docs/deploy.md says (`chown 10001:10001`).
image_cmd "$user" true
vol=$IMG.records-volume
rm -rf "$vol"; mkdir -p "$vol"; chown "$run_uid:$run_gid" "$vol"
mount --bind "$vol" "$IMG/records" && mounted+=("$IMG/records")
start run2 --autostart --speed 14400
wait_exit run2 300
check_record run2

cleanup
mounted=()
size_bin=$(stat -c %s "$IMG$bin")
say "OK in $(($(date +%s) - started)) s: binary $size_bin bytes;" \
    "base $(du -sh "$BASE" | cut -f1), image $(du -sh "$IMG" | cut -f1) (rootfs, apt lists included)"
