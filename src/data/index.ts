/** data (platform-free part): datasets, loaders, splits. Node-only loaders are exported from `fovea/node`. */
export { ImageDataset } from './dataset.js';
export { DataLoader, type DataLoaderOptions } from './data-loader.js';
export type { Batch, BatchSource } from './batch-source.js';
export type { LazyImageDataset } from './lazy-image-dataset.js';
export { DataLoaderWorkerError } from './data-loader-worker-error.js';
export { nodeBatchWorkerSpawner, type SpawnBatchWorker, type BatchWorkerHandle, type BatchWorkerEvents, type BatchWorkerInit, type BatchJob, type BatchStop, type BatchReply, type WorkerDatasetSource } from './batch-worker-pool.js';
export { stratifiedSplit, parseSplit } from './split.js';
export { DataError } from './errors.js';
export { channelStats } from './channel-stats.js';
export * from './transforms/index.js';
