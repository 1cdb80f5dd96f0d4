/**
 * explain: looking inside a model, platform-free. Every layer's activations
 * (via forward hooks), exact receptive fields, a page of pictures of a
 * model's insides for one input, the training report, and the edge-filter
 * tutorial with its hand-set conv layer. Writing pages to disk is Node-only:
 * see ./node.ts.
 */
export { recordActivations, type LayerActivation, type ActivationsOptions } from './activations.js';
export { receptiveField, type ReceptiveField } from './receptive-field.js';
export { unitInputs, type UnitInput, type UnitInputs, type InputWindow, type UnitInputsOptions } from './unit-inputs.js';
export { gradCam, lastMapLayer, upsampleBilinear, type GradCam, type GradCamOptions } from './grad-cam.js';
export { saliency, type SaliencyOptions } from './saliency.js';
export { gradCamFigure, gradCamSection, type GradCamSectionOptions } from './grad-cam-figure.js';
export { explainModel, type ExplainOptions, type Explanation } from './explain-model.js';
export { trainingReport, evaluationReport, type TrainingReportData, type EvaluationReportData, type ReportEpoch } from './training-report.js';
export { TrainingSnapshots, parseSnapshots, snapshotMaps, type Snapshot, type StepLog, type SnapshotsFile, type TrainingSnapshotsOptions } from './training-snapshots.js';
export { timeMachineView } from './time-machine-view.js';
export { mistakesView, testMistakes, datasetExample, type MistakeExample, type MistakesViewOptions, type MistakesWidget, type EvaluatedExamples } from './mistakes-view.js';
export { mountMistakesView, type MistakesViewData, type MistakesSprites } from './mistakes-mount.js';
export { edgeTutorial, tutorialSize, type EdgeTutorialOptions } from './edge-tutorial.js';
export { handSetConv } from './hand-set-conv.js';
export { pageHtml, pageFiles, pageEmbeddedImages, pngTwin, safeFileName, type Page, type PageSection, type PageFigure, type PageWidget } from './html-page.js';
