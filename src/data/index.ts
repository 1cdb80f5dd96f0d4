/** data (platform-free part): datasets, loaders, splits. Node-only loaders are exported from `fovea/node`. */
export { ImageDataset } from './dataset.js';
export { DataLoader, type Batch, type DataLoaderOptions } from './data-loader.js';
export { stratifiedSplit, parseSplit } from './split.js';
export { DataError } from './errors.js';
export { channelStats } from './channel-stats.js';
export * from './transforms/index.js';
