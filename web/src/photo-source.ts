/**
 * Where photos come from: the file picker, pasting (Ctrl+V anywhere on the
 * page) and the webcam (`getUserMedia`, one frame captured as a PNG). Dropping
 * is wired with the model picker, which hands pictures on.
 */
import { byId } from './dom.js';

/** Wires every photo source to `onPhoto`; `onError` gets what went wrong in words. */
export function wirePhotoSources(onPhoto: (blob: Blob, name: string) => void, onError: (message: string) => void): void {
  const input = byId<HTMLInputElement>('photo-file');
  input.addEventListener('change', () => {
    const f = input.files?.[0];
    input.value = ''; // the same photo again still fires 'change'
    if (f) onPhoto(f, f.name);
  });
  document.addEventListener('paste', (e) => {
    const item = [...(e.clipboardData?.items ?? [])].find((i) => i.kind === 'file' && i.type.startsWith('image/'));
    const f = item?.getAsFile();
    if (!f) return;
    e.preventDefault();
    onPhoto(f, f.name || 'pasted image');
  });
  wireWebcam({ start: byId('webcam'), capture: byId('capture'), video: byId('webcam-video') }, onPhoto, onError);
}

/** The webcam's controls: a start/stop button, a capture button and the live video (both hidden until it starts). */
export interface WebcamElements {
  start: HTMLButtonElement;
  capture: HTMLButtonElement;
  video: HTMLVideoElement;
}

/**
 * Wires a webcam: `start` asks for the camera (`getUserMedia`) and toggles it
 * off again; `capture` hands the current frame to `onPhoto` as a PNG named
 * 'webcam capture'. Used by the explainer's photo mode and the classifier maker.
 */
export function wireWebcam({ start, capture, video }: WebcamElements, onPhoto: (blob: Blob, name: string) => void, onError: (message: string) => void): void {
  let stream: MediaStream | null = null;
  const stop = (): void => {
    stream?.getTracks().forEach((t) => t.stop());
    stream = null;
    video.hidden = capture.hidden = true;
    start.textContent = 'Webcam';
  };
  if (!navigator.mediaDevices?.getUserMedia) {
    start.disabled = true;
    start.title = 'this browser (or a page not served over https or localhost) offers no camera';
  }
  start.addEventListener('click', async () => {
    if (stream) return stop();
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
    } catch (e) {
      onError(`no webcam: ${(e as Error).message}`);
      return;
    }
    video.srcObject = stream;
    await video.play().catch(() => undefined);
    video.hidden = capture.hidden = false;
    start.textContent = 'Stop webcam';
  });
  capture.addEventListener('click', () => {
    if (!stream || !video.videoWidth) return;
    const canvas = document.createElement('canvas');
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    canvas.getContext('2d')!.drawImage(video, 0, 0);
    canvas.toBlob((b) => (b ? onPhoto(b, 'webcam capture') : onError('the webcam frame could not be captured')), 'image/png');
  });
}
