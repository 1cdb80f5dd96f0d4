/**
 * fovea: convolutional neural networks for image classification in
 * TypeScript. Public API (the web app and the CLI use only these exports).
 */
export * from './tensor/index.js';
export * from './nn/index.js';
export * from './optim/index.js';
export { registerBackend, setBackend, listBackends } from './backend/registry.js';
export { createJsBackend } from './backend/js/index.js';
export { KERNEL_NAMES, type Backend, type KernelName, type KernelTable } from './backend/kernels.js';
export * from './data/index.js';
export * from './train/index.js';
export { encodeModel, decodeModel, MODEL_FORMAT, type ModelMeta } from './io/model-file.js';
export { encodeSafetensors, decodeSafetensors } from './io/safetensors.js';
export { ModelFileError } from './io/io-error.js';
export { loadModelBytes, sniffModelFormat, checkClassifier, MODEL_SOURCES, type LoadedModel, type ModelFormat, type SniffedFormat } from './io/load-any-model.js';
export { loadModelFiles, type NamedBytes } from './io/load-model-files.js';
export { exportOnnx, EXPORTABLE_MODULES, type ExportOnnxOptions } from './io/onnx/export-onnx.js';
export { exportPyTorch, PYTORCH_EXPORTABLE_MODULES, type ExportPyTorchOptions, type PyTorchExport } from './io/pytorch/export-pytorch.js';
export { loadOnnx, SUPPORTED_ONNX_OPS, type LoadOnnxOptions, type LoadedOnnx } from './io/onnx/load-onnx.js';
export { OnnxError } from './io/onnx/onnx-error.js';
export { ONNX_METADATA_KEYS, ONNX_METADATA_VERSION, modelMetaFromOnnx, onnxMetadataProps, type OnnxMetadataOptions, type OnnxModelMeta } from './io/onnx/onnx-metadata.js';
export { loadTfjs, SUPPORTED_TFJS_LAYERS, type LoadTfjsOptions, type LoadedTfjs } from './io/tfjs/load-tfjs.js';
export { SUPPORTED_TFJS_GRAPH_OPS } from './io/tfjs/tfjs-graph-model.js';
export { TfjsError } from './io/tfjs/tfjs-error.js';
export { parseTfjsMetadata, normalizationFromMetadata, type TfjsMetadata } from './io/tfjs/tfjs-metadata.js';
export * from './vision/index.js';
export * from './explain/index.js';
export * from './vision/render/index.js';
export { configureBackend, getBackend, kernelProvider, type BackendChoice } from './backend/configure.js';
export { createWasmBackend, wasmSimdSupported, wasmRelaxedSimdSupported, type WasmBackend, type WasmBackendOptions } from './backend/wasm/wasm-backend.js';
export { runBench, benchBatch, type BenchMode, type BenchOptions } from './bench/run-bench.js';
export { measureCalls, benchLine, budgetsOf, DEFAULT_BUDGETS, QUICK_BUDGETS, type Budgets, type BenchStats } from './bench/measure.js';
export { checkWorkloadFile, forwardFlops, type Workload, type WorkloadFile } from './bench/workload-spec.js';
