/**
 * Picture output, platform-free: colour maps, maps and grids of feature maps
 * and filters, a bitmap font, legend strips, and SVG charts (class
 * probabilities, training curves, confusion matrices). PNG encoding is
 * Node-only, in encode-png-node.ts.
 */
export { gray, viridis, blueWhiteRed, jet, colorAt, colorIndex, COLOR_MAPS, type ColorMap, type Rgb } from './colormap.js';
export { renderMap, autoRange, resolveRange, normalizeValue, type RenderMapOptions, type ValueRange } from './render-map.js';
export { Canvas, upscale, toRgba, WHITE, INK } from './canvas.js';
export { drawText, textWidth, glyph, GLYPH_WIDTH, GLYPH_HEIGHT } from './bitmap-font.js';
export { gridLayout, composeGrid, TITLE_HEIGHT, LABEL_HEIGHT, type GridLayout, type GridLayoutOptions, type GridTile } from './grid.js';
export { legendStrip } from './legend.js';
export { heatmapOverlay, type HeatmapOverlayOptions } from './heatmap-overlay.js';
export { activationGrid, autoScale, defaultColorMap, type ActivationGridOptions } from './activation-grid.js';
export { filterGrid, type FilterGridOptions } from './filter-grid.js';
export { probabilityChartSvg, type ProbabilityChartOptions } from './probability-chart-svg.js';
export { lineChartSvg, lineChartLayout, CHART_FONT_SIZE, type LineSeries, type LineChartOptions, type LineChartLayout, type ChartBox } from './line-chart-svg.js';
export { niceAxis, niceTicks, niceStep, tickLabels, estimateTextWidth, type NiceAxis, type NiceAxisOptions, type TickFormat } from './nice-axis.js';
export { confusionMatrixSvg, type ConfusionMatrixSvgOptions } from './confusion-matrix-svg.js';
export { formatNumber } from './format-number.js';
export { escapeXml } from './escape-xml.js';
