/**
 * Opening a model file: the file picker and drag-and-drop anywhere on the
 * page. The size is checked before reading, so a huge file is refused
 * without loading it into memory. A dropped picture (image/*) goes to
 * `onImage` instead, when given.
 */
import { MAX_MODEL_BYTES } from './model-session.js';

/**
 * Wires `input` (type=file) and dropping on `dropZone` to `onFile`, which
 * gets the bytes and the file name, or `onError` with a message.
 */
export function wireModelPicker(input: HTMLInputElement, dropZone: HTMLElement, onFile: (bytes: Uint8Array, name: string) => void, onError: (message: string) => void,
  onImage?: (file: File) => void): void {
  const read = async (file: File): Promise<void> => {
    if (file.size > MAX_MODEL_BYTES) {
      onError(`${file.name} is ${(file.size / 1024 / 1024).toFixed(1)} MB; the page opens models up to ${MAX_MODEL_BYTES / 1024 / 1024} MB`);
      return;
    }
    try {
      onFile(new Uint8Array(await file.arrayBuffer()), file.name);
    } catch (e) {
      onError(`${file.name}: could not be read (${(e as Error).message})`);
    }
  };
  input.addEventListener('change', () => {
    const f = input.files?.[0];
    input.value = ''; // choosing the same file again still fires 'change'
    if (f) void read(f);
  });
  let depth = 0;
  const hasFiles = (e: DragEvent): boolean => [...(e.dataTransfer?.types ?? [])].includes('Files');
  dropZone.addEventListener('dragenter', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    depth++;
    dropZone.classList.add('dragging');
  });
  dropZone.addEventListener('dragover', (e) => {
    if (hasFiles(e)) e.preventDefault();
  });
  dropZone.addEventListener('dragleave', () => {
    depth = Math.max(0, depth - 1);
    if (depth === 0) dropZone.classList.remove('dragging');
  });
  dropZone.addEventListener('drop', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    depth = 0;
    dropZone.classList.remove('dragging');
    const f = e.dataTransfer?.files[0];
    if (f && onImage && f.type.startsWith('image/')) onImage(f);
    else if (f) void read(f);
  });
}
