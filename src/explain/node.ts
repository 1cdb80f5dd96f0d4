/**
 * explain, the Node-only part: writing pages (PNG, SVG, HTML) and training
 * reports to disk, and PNG encoding.
 */
export { writePage } from './write-page-node.js';
export { writeTrainingReport, reportDirFor, writeSnapshots } from './write-training-report-node.js';
export { encodePng, svgToPng } from '../vision/render/encode-png-node.js';
