#!/usr/bin/env bash
# `make test-arm64`: the README's install and a subset of the tests on the Raspberry Pi's architecture
# (Debian bookworm arm64, what Raspberry Pi OS 64-bit is), under qemu-user with the Pi 4's CPU model, on an
# x86 machine (docs/appliance.md, "A check on the Pi's architecture"). Root on the host (debootstrap, chroot,
# mounts). Not part of `make test`: it takes tens of minutes.
#
#   1. host tools: debootstrap, qemu-user-static, binfmt-support (apt-get, when missing)
#   2. binfmt_misc: qemu-aarch64 registered (mounted/enabled here only if needed, put back on exit)
#   3. the arm64 root, cached in build/arm64-root: debootstrap --foreign, then its second stage under qemu
#      (rebuilt only when missing: `rm -rf build/arm64-root` to start over)
#   4. the checkout copied to /opt/ambient-edge inside (tracked and untracked files, not .gitignored ones;
#      the root keeps its own .venv between runs), the model cache bound read-only
#   5-7. inside, as a Pi owner would: `make install` (the runtime), `make install-dev` (the test tools), then
#      pytest on ARM64_TESTS with pytest-timeout's limit multiplied by ARM64_TIMEOUT_SCALE
# Each step's output goes to build/logs/arm64-<step>.log (scripts/step.sh prints one line per step); the last
# line is the result: "test-arm64: PASSED ..." or "test-arm64: FAILED at <step> ...".
#
# Settings (environment): ARM64_ROOT (build/arm64-root), ARM64_MIRROR (http://deb.debian.org/debian),
# ARM64_QEMU_CPU (cortex-a72: Pi 4; cortex-a53 for Pi 3 / Zero 2 W, cortex-a76 for Pi 5), ARM64_CPUINFO
# (scripts/pi4-cpuinfo.txt), ARM64_TIMEOUT_SCALE (20), ARM64_TESTS (the subset below), EDGE_MODEL_DIR.
set -uo pipefail
cd "$(dirname "$0")/.."
CHECKOUT=$PWD
ROOT=$(realpath -m "${ARM64_ROOT:-$CHECKOUT/build/arm64-root}")
MIRROR=${ARM64_MIRROR:-http://deb.debian.org/debian}
SUITE=bookworm
CPU=${ARM64_QEMU_CPU:-cortex-a72}
CPUINFO=$(realpath -m "${ARM64_CPUINFO:-$CHECKOUT/scripts/pi4-cpuinfo.txt}")
SCALE=${ARM64_TIMEOUT_SCALE:-20}
MODELS=$(realpath -m "${EDGE_MODEL_DIR:-$CHECKOUT/models/cache}")
# config and boards, the models verify, NLU parse on the real int8 model, wake on the demo WAV (and the
# Makefile's install plan), one spoken turn replayed end to end (Whisper, NLU, MQTT to a real Mosquitto)
TESTS=${ARM64_TESTS:-tests/test_core_config.py tests/test_appliance_boards.py tests/test_core_models.py \
tests/test_nlu_cli.py tests/test_lean_install.py \
tests/test_core_end_to_end.py::test_spoken_command_turns_the_simulated_light_on}
LOGS=$CHECKOUT/build/logs
STEP=$CHECKOUT/scripts/step.sh
DEST=/opt/ambient-edge
DEBS=python3,python3-venv,make,ca-certificates,procps
N=7
START=$SECONDS

result() { echo "test-arm64: $*"; }
fail() { result "FAILED at $1 after $((SECONDS - START)) s (log: $2)"; exit 1; }

if [ "$(id -u)" -ne 0 ]; then echo "test-arm64: needs root (debootstrap, chroot, mounts): sudo make test-arm64" >&2; exit 2; fi
[ -f "$CPUINFO" ] || { echo "test-arm64: no cpuinfo file at $CPUINFO (ARM64_CPUINFO)" >&2; exit 2; }
[ -d "$MODELS" ] || { echo "test-arm64: no model cache at $MODELS: run 'make models' first (or set EDGE_MODEL_DIR)" >&2; exit 2; }
HOST_ARCH=$(uname -m)

# A command inside the root, in a private mount namespace of its own: /proc (with the Pi's cpuinfo over
# /proc/cpuinfo: onnxruntime reads the host's x86 one under qemu and crashes), /sys, /dev, the model cache
# and the host's local package folders read-only. The mounts end with the namespace's last process, however
# the run ends. Usage (from the steps below): scripts/test-arm64.sh --in-root 'COMMAND'
if [ "${1:-}" = --in-root ]; then
  inner_env=(HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8
    DEBIAN_FRONTEND=noninteractive QEMU_CPU="$CPU" EDGE_MODEL_DIR=$DEST/models/cache HF_HUB_OFFLINE=1
    PYTHONDONTWRITEBYTECODE=1 SSL_CERT_FILE=/etc/ssl/certs/host-ca-certificates.crt
    PIP_CERT=/etc/ssl/certs/host-ca-certificates.crt REQUESTS_CA_BUNDLE=/etc/ssl/certs/host-ca-certificates.crt)
  while IFS= read -r kv; do inner_env+=("$kv"); done < <(env | grep -E '^(PIP_[A-Z_]+|https?_proxy|HTTPS?_PROXY|no_proxy|NO_PROXY)=' \
    | grep -vE '^PIP_CERT=')
  export ROOT CPUINFO MODELS DEST
  exec unshare --mount --propagation private -- bash -c '
    set -e
    mount -t proc proc "$ROOT/proc"
    mount --bind "$CPUINFO" "$ROOT/proc/cpuinfo"
    mount --rbind /sys "$ROOT/sys"
    mount --rbind /dev "$ROOT/dev"
    ro() { [ ! -L "$ROOT$2" ] || rm "$ROOT$2"; mkdir -p "$ROOT$2"; mount --bind "$1" "$ROOT$2"; mount -o remount,bind,ro "$ROOT$2"; }
    ro "$MODELS" "$DEST/models/cache"
    for d in /opt/wheels /opt/pypi /opt/pypi-more; do [ -d "$d" ] && ro "$d" "$d"; done
    cmd=$1; shift
    exec chroot "$ROOT" /usr/bin/env -i "$@" /bin/bash -c "cd $DEST && $cmd"
  ' in-root "$2" "${inner_env[@]}"
fi

# 1. host tools
need=""
command -v debootstrap >/dev/null || need="$need debootstrap"
if [ "$HOST_ARCH" != aarch64 ]; then
  [ -x /usr/bin/qemu-aarch64-static ] || need="$need qemu-user-static"
  command -v update-binfmts >/dev/null || need="$need binfmt-support"
fi
if [ -n "$need" ]; then
  $STEP 1/$N "host tools (missing:$need)" "$LOGS/arm64-1-host-tools.log" \
    bash -c "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y $need" \
    || fail "host tools" "$LOGS/arm64-1-host-tools.log"
else
  echo "[1/$N] host tools ... present"
fi

# 2. binfmt_misc (what makes the kernel hand aarch64 binaries to qemu); whatever is changed is put back on exit
MOUNTED_BINFMT=0 ENABLED_BINFMT=0
cleanup() {
  # processes still running inside the root were started by this run (a test's broker, a simulator)
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/root" 2>/dev/null)" = "$ROOT" ] && kill -TERM "${p#/proc/}" 2>/dev/null
  done
  [ "$ENABLED_BINFMT" = 1 ] && update-binfmts --disable qemu-aarch64 >/dev/null 2>&1
  [ "$MOUNTED_BINFMT" = 1 ] && umount /proc/sys/fs/binfmt_misc 2>/dev/null
  return 0
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP
if [ "$HOST_ARCH" != aarch64 ]; then
  if [ ! -e /proc/sys/fs/binfmt_misc/register ]; then
    mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc || fail "binfmt_misc" "(mount -t binfmt_misc failed)"
    MOUNTED_BINFMT=1
  fi
  if ! grep -qx enabled /proc/sys/fs/binfmt_misc/qemu-aarch64 2>/dev/null; then
    update-binfmts --enable qemu-aarch64 || fail "binfmt_misc" "(update-binfmts --enable qemu-aarch64 failed)"
    ENABLED_BINFMT=1
  fi
  # the F flag: the kernel opens qemu at registration, so it works inside the chroot without a copy there
  grep -q '^flags:.*F' /proc/sys/fs/binfmt_misc/qemu-aarch64 \
    || fail "binfmt_misc" "(qemu-aarch64 is registered without the F flag; reinstall qemu-user-static)"
  echo "[2/$N] binfmt_misc: qemu-aarch64 enabled ($([ $ENABLED_BINFMT = 1 ] && echo 'by this run; disabled again on exit' || echo 'already'))"
else
  echo "[2/$N] binfmt_misc ... not needed on an aarch64 host"
fi

# 3. the arm64 root (cached)
if [ -x "$ROOT/usr/bin/python3" ] && [ -f "$ROOT/.ambient-edge-root" ]; then
  echo "[3/$N] Debian $SUITE arm64 root ... cached in ${ROOT#"$CHECKOUT"/} ($(cat "$ROOT/.ambient-edge-root"))"
else
  rm -rf "$ROOT.partial"
  mkdir -p "$(dirname "$ROOT")"
  $STEP 3/$N "Debian $SUITE arm64 root, first stage (debootstrap --foreign from $MIRROR)" "$LOGS/arm64-3-debootstrap.log" \
    debootstrap --foreign --arch=arm64 --variant=minbase --include="$DEBS" "$SUITE" "$ROOT.partial" "$MIRROR" \
    || fail "debootstrap (first stage)" "$LOGS/arm64-3-debootstrap.log"
  $STEP 3/$N "Debian $SUITE arm64 root, second stage (under qemu-aarch64)" "$LOGS/arm64-3-second-stage.log" \
    chroot "$ROOT.partial" /debootstrap/debootstrap --second-stage \
    || fail "debootstrap (second stage)" "$LOGS/arm64-3-second-stage.log"
  echo "$SUITE arm64 from $MIRROR, built $(date -u +%Y-%m-%dT%H:%MZ)" >"$ROOT.partial/.ambient-edge-root"
  rm -rf "$ROOT" && mv "$ROOT.partial" "$ROOT"
fi

# 4. the checkout, copied in (the root's own .venv and build/ stay, so a rerun installs only what changed)
copy_in() {
  set -e
  mkdir -p "$ROOT$DEST"
  find "$ROOT$DEST" -mindepth 1 -maxdepth 1 ! -name .venv ! -name build -exec rm -rf {} +
  # models/cache is mounted instead (a worktree's symlink there is not matched by .gitignore's "models/cache/")
  git -C "$CHECKOUT" ls-files -z --cached --others --exclude-standard | grep -zv '^models/cache' \
    | tar -C "$CHECKOUT" --null --ignore-failed-read -T - -cf - 2>/dev/null | tar -C "$ROOT$DEST" -xf -
  mkdir -p "$ROOT$DEST/models/cache"
  # what pip on the host reads (index settings, constraints, CA certificates), and name resolution
  for f in /etc/pip.conf /etc/xdg/pip/pip.conf /etc/xdg/pip/constraints.txt /root/.config/pip/pip.conf; do
    [ -f "$f" ] && install -D -m 0644 "$f" "$ROOT$f"
  done
  install -D -m 0644 /etc/ssl/certs/ca-certificates.crt "$ROOT/etc/ssl/certs/host-ca-certificates.crt"
  cp -L /etc/resolv.conf "$ROOT/etc/resolv.conf"
  # services that packages install (mosquitto) are not started inside a chroot
  printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d" && chmod +x "$ROOT/usr/sbin/policy-rc.d"
}
export -f copy_in
export ROOT DEST CHECKOUT
$STEP 4/$N "checkout copied to $DEST in the root" "$LOGS/arm64-4-copy.log" bash -c copy_in \
  || fail "copying the checkout" "$LOGS/arm64-4-copy.log"

# 5-7. inside the root, as the README says
inside() { "$CHECKOUT/scripts/test-arm64.sh" --in-root "$1"; }
export -f inside
T0=$SECONDS
$STEP 5/$N "make install (inside, under qemu $CPU)" "$LOGS/arm64-5-install.log" bash -c 'inside "make install"' \
  || fail "make install" "$LOGS/arm64-5-install.log"
$STEP 6/$N "make install-dev (the test tools)" "$LOGS/arm64-6-install-dev.log" bash -c 'inside "make install-dev"' \
  || fail "make install-dev" "$LOGS/arm64-6-install-dev.log"
INSTALL_S=$((SECONDS - T0))
TIMEOUT=$((300 * SCALE))
T1=$SECONDS
$STEP 7/$N "pytest (timeouts x$SCALE: $TIMEOUT s a test)" "$LOGS/arm64-7-pytest.log" \
  bash -c "inside '.venv/bin/python -m pytest -q -p no:cacheprovider --timeout=$TIMEOUT $TESTS'"
status=$?
summary=$(grep -E '^(=+ )?[0-9]+ (passed|failed|error)' "$LOGS/arm64-7-pytest.log" | tail -n 1 | sed -E 's/^=+ //; s/ =+$//')
where="bookworm arm64 under qemu $CPU; install $INSTALL_S s, tests $((SECONDS - T1)) s, total $((SECONDS - START)) s"
if [ "$status" -eq 0 ]; then
  result "PASSED: ${summary:-pytest passed} ($where)"
else
  result "FAILED: ${summary:-pytest exit $status} ($where; log: $LOGS/arm64-7-pytest.log)"
  exit 1
fi
