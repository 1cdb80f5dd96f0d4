#!/bin/sh
# Copies the ONNX project's own backend node tests for the CNN operators (2-D, float) into
# test/fixtures/onnx-node/ (about 400 KB): each case is a folder with model.onnx and
# test_data_set_0/{input_*,output_*}.pb. Source: Debian's libonnx-testdata (ONNX 1.12):
#     apt-get install libonnx-testdata && sh scripts/gen-onnx-node-fixtures.sh
# src/io/onnx/onnx-node-tests.test.ts runs every case: the output must match, or the import must be
# refused with the message its table expects.
set -eu
SRC=${ONNX_NODE_TESTS:-/usr/share/libonnx-testdata/data/node}
OUT=$(dirname "$0")/../test/fixtures/onnx-node
[ -d "$SRC" ] || { echo "$SRC not found: apt-get install libonnx-testdata" >&2; exit 1; }
rm -rf "$OUT" && mkdir -p "$OUT"
ls "$SRC" | grep -v expanded \
  | grep -E '^test_(averagepool_2d_|maxpool_2d_|globalaveragepool|globalmaxpool|batchnorm_|basic_conv_|conv_with_|convtranspose|flatten_|gemm_|hardsigmoid|hardswish|reduce_mean_|reduce_max_|reduce_sum_|layer_normalization_4d|layer_normalization_default|relu$|leakyrelu|elu|sigmoid|tanh|clip|softmax_|logsoftmax_|reshape_|squeeze|unsqueeze|slice|split_|constant_pad|edge_pad|reflect_pad|concat_|transpose_|dropout_default|matmul_|prelu|instancenorm|lrn)' \
  | grep -vE 'uint8|int8|_1d|_3d|reduce_sum_square|matmulinteger|convinteger' \
  | while read -r t; do cp -r "$SRC/$t" "$OUT/$t"; done
echo "$(ls "$OUT" | wc -l) cases in $OUT"
