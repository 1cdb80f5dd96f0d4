/** nn: layers, containers, init, built-in models. */
export { Module, parameter, type ModuleSpec, type ForwardHook, type RemovableHandle } from './module.js';
export { Conv2d, type Conv2dLayerOptions } from './conv2d.js';
export { ConvTranspose2d, type ConvTranspose2dLayerOptions } from './conv-transpose2d.js';
export { Linear } from './linear.js';
export { MaxPool2d, AvgPool2d, SumPool2d, AdaptiveAvgPool2d } from './pooling.js';
export { ReLU, LeakyReLU, Tanh, Sigmoid, Softmax, LogSoftmax, Hardtanh, ELU } from './activation.js';
export { ConstantPad2d } from './pad2d.js';
export { GraphModule, GRAPH_OPS, type GraphDef, type GraphNode, type GraphOp } from './graph-module.js';
export { Flatten } from './flatten.js';
export { Dropout } from './dropout.js';
export { BatchNorm2d } from './batch-norm2d.js';
export { Sequential } from './sequential.js';
export { Residual, basicBlock } from './residual.js';
export { moduleFromSpec, registerModuleType } from './spec.js';
export { lenet, convnet, classic, buildModel, fromWorkload, MODELS, type ModelName, type ModelOptions, type WorkloadLayer } from './models.js';
export { summarize, formatSummary, type SummaryRow } from './summary.js';
export * as init from './init.js';
export * as F from './functional.js';
