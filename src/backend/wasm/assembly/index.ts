// The wasm backend's kernels. Memory is imported (shared with JS and with the
// worker threads); all pointers are byte offsets into it. The js backend is
// the spec of every kernel here.
export { gemm, gemmScratchBytes } from './gemm';
export { unary, leakyRelu, hardtanh, affineScalar, affineChannels, powScalar, unaryBackward, leakyReluBackward, hardtanhBackward, elu, eluBackward, binaryFlat, binaryStrided } from './elementwise';
export { sum, sumMiddle, sumMiddleRange, maxArg, permute, softmax } from './reduce';
export { setConv, setConvRows, convRowsSplit, setConvEpilogue, convFusesEpilogue, convScratchBytes, conv2d, conv2dBackwardInput, conv2dBackwardWeight } from './conv';
export { setPool, pool2d, pool2dBackward, adaptiveAvg } from './pool';
export { sgdStep, adamStep } from './optim';
