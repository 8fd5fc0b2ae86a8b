#!/usr/bin/env bash
# Regenerates the Python bindings of the protobuf contracts next to their sources:
# <file>_pb2.py and <file>_pb2.pyi for every proto/govshare/**/<file>.proto, plus
# <file>_pb2_grpc.py for files that declare a service, and an empty __init__.py in every
# package directory, so `import govshare.<domain>.v1.<file>_pb2` works with proto/ on
# sys.path. Output is deterministic: running it twice gives identical files. It never
# touches proto/baseline/ (moving the baseline is deliberate: see proto/README.md).
# The output depends on the grpcio-tools version, so pin it.
#
# Environment:
#   PYTHON          interpreter with grpcio-tools installed (default .venv/bin/python)
#   GEN_PROTO_OUT   output root (default proto); the contract tests point it at a temp
#                   dir to detect stale committed bindings.
# Relative paths in both are taken from the repository root.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
python="${PYTHON:-.venv/bin/python}"
out="${GEN_PROTO_OUT:-proto}"

# Sorted, byte-wise, so the protoc invocation is the same on every machine.
mapfile -t sources < <(cd proto && find govshare -name '*.proto' -type f | LC_ALL=C sort)
if [ "${#sources[@]}" -eq 0 ]; then
  echo "gen_proto.sh: no .proto files under proto/govshare" >&2
  exit 1
fi

mkdir -p "$out"
# Remove stale bindings first, so a deleted or renamed .proto leaves nothing behind.
if [ -d "$out/govshare" ]; then
  find "$out/govshare" -type f \( -name '*_pb2.py' -o -name '*_pb2.pyi' -o -name '*_pb2_grpc.py' \) -delete
fi

"$python" -m grpc_tools.protoc \
  -Iproto \
  --python_out="$out" \
  --pyi_out="$out" \
  --grpc_python_out="$out" \
  "${sources[@]}"

# grpc_tools writes a *_pb2_grpc.py for every file; keep only those of files that
# declare a service (the others hold nothing but a grpcio version check).
for src in "${sources[@]}"; do
  if ! grep -q '^service ' "proto/$src"; then
    rm -f "$out/${src%.proto}_pb2_grpc.py"
  fi
done

# Every directory on the way to a generated module becomes a regular package.
find "$out/govshare" -name __pycache__ -prune -o -type d -print | LC_ALL=C sort |
  while read -r dir; do
    : > "$dir/__init__.py"
  done
