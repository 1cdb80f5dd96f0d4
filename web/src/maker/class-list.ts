/**
 * The classes being made and their photos: a card per class with its name,
 * its photos as thumbnails (press one to take it out), "Add photos…", a drop
 * target for photos and folders, and the choice of the class that webcam
 * captures go to.
 */
import { el } from '../dom.js';
import { filesOfDrop, filesOfInput, groupByClassFolder, isPhoto, type PickedFile } from './picked-files.js';

export interface ClassPhoto {
  id: number;
  file: File;
  url: string;
}

interface MakerClass {
  name: string;
  photos: ClassPhoto[];
}

export class ClassList {
  private classes: MakerClass[] = [];
  /** The class that webcam captures and loose drops go to. */
  private target = 0;
  private nextId = 1;

  /** `onChange` runs after every change (a photo, a class, a name); `onNote` gets a sentence for the user (skipped files). */
  constructor(private readonly container: HTMLElement, private readonly onChange: () => void, private readonly onNote: (m: string | null) => void) {
    // Two empty classes to start with; the owner is told of changes from now on, not during its own construction.
    this.classes.push({ name: 'Class 1', photos: [] }, { name: 'Class 2', photos: [] });
    this.target = 1;
    this.render(false);
  }

  get classNames(): string[] {
    return this.classes.map((c) => c.name.trim());
  }

  /** Every photo with the index of its class. */
  photos(): { photo: ClassPhoto; label: number }[] {
    return this.classes.flatMap((c, label) => c.photos.map((photo) => ({ photo, label })));
  }

  /** The name of the class webcam captures go to. */
  get targetName(): string {
    return this.classes[this.target]?.name ?? '';
  }

  addClass(name = `Class ${this.classes.length + 1}`): void {
    this.classes.push({ name, photos: [] });
    this.target = this.classes.length - 1;
    this.render();
  }

  /** Adds picked files to class `k` (photos only; the others are named in a note). */
  addFiles(k: number, files: readonly PickedFile[]): void {
    const cls = this.classes[k];
    if (!cls) return;
    const photos = files.filter((f) => isPhoto(f.file));
    const skipped = files.length - photos.length;
    this.onNote(skipped ? `skipped ${skipped} file${skipped === 1 ? '' : 's'} that ${skipped === 1 ? 'is' : 'are'} not a photo (${files.filter((f) => !isPhoto(f.file)).slice(0, 3).map((f) => f.path).join(', ')}${skipped > 3 ? ', ...' : ''})` : null);
    cls.photos.push(...photos.map((f) => ({ id: this.nextId++, file: f.file, url: URL.createObjectURL(f.file) })));
    this.render();
  }

  /** Adds one photo (a webcam capture) to the target class. */
  addToTarget(file: File): void {
    this.addFiles(this.target, [{ file, path: file.name }]);
  }

  /**
   * Picked or dropped files: a folder of class folders replaces the classes
   * (one per sub-folder, named after it); anything else goes to the target class.
   */
  addPicked(files: readonly PickedFile[]): void {
    const { classes, loose } = groupByClassFolder(files);
    if (!classes.length) {
      this.addFiles(this.target, files);
      return;
    }
    for (const c of this.classes) for (const p of c.photos) URL.revokeObjectURL(p.url);
    this.classes = [];
    for (const [name, list] of classes) {
      this.classes.push({ name, photos: [] });
      this.addFiles(this.classes.length - 1, list);
    }
    this.target = 0;
    if (loose) this.onNote(`${loose} file${loose === 1 ? '' : 's'} outside the class folders left out`);
    this.render();
  }

  private remove(k: number): void {
    for (const p of this.classes[k]!.photos) URL.revokeObjectURL(p.url);
    this.classes.splice(k, 1);
    this.target = Math.min(this.target, Math.max(0, this.classes.length - 1));
    this.render();
  }

  private render(notify = true): void {
    this.container.replaceChildren(...this.classes.map((c, k) => this.card(c, k)));
    if (notify) this.onChange();
  }

  private card(c: MakerClass, k: number): HTMLElement {
    const name = el('input', { type: 'text', class: 'class-name', value: c.name, 'aria-label': `name of class ${k + 1}`, spellcheck: 'false' });
    name.addEventListener('input', () => {
      c.name = name.value;
      this.onChange();
    });
    const input = el('input', { type: 'file', id: `class-file-${k}`, class: 'class-file', multiple: true, accept: 'image/*', hidden: true });
    input.addEventListener('change', () => {
      const files = filesOfInput(input);
      input.value = '';
      this.addFiles(k, files);
    });
    const target = el('input', { type: 'radio', name: 'capture-target', checked: k === this.target, 'aria-label': `webcam captures go to class ${k + 1}` });
    target.addEventListener('change', () => {
      this.target = k;
      this.onChange();
    });
    const remove = el('button', { type: 'button', class: 'remove-class', title: 'remove this class and its photos' }, 'Remove');
    remove.addEventListener('click', () => this.remove(k));
    const thumbs = c.photos.map((p, i) => {
      const b = el('button', { type: 'button', class: 'thumb', title: `${p.file.name}: press to take it out` }, el('img', { src: p.url, alt: p.file.name, loading: 'lazy' }));
      b.addEventListener('click', () => {
        URL.revokeObjectURL(p.url);
        c.photos.splice(i, 1);
        this.render();
      });
      return b;
    });
    const card = el('div', { class: 'maker-class', 'data-class': k, 'data-count': c.photos.length },
      el('div', { class: 'class-head' }, name, el('span', { class: 'count' }, `${c.photos.length} photo${c.photos.length === 1 ? '' : 's'}`),
        el('label', { class: 'button', for: `class-file-${k}` }, 'Add photos…'), input,
        el('label', { class: 'hint target' }, target, ' webcam'), remove),
      el('div', { class: 'thumbs' }, ...(thumbs.length ? thumbs : [el('p', { class: 'hint' }, 'Drop photos or a folder here.')])));
    card.addEventListener('dragover', (e) => {
      e.preventDefault();
      card.classList.add('over');
    });
    card.addEventListener('dragleave', () => card.classList.remove('over'));
    card.addEventListener('drop', async (e) => {
      e.preventDefault();
      e.stopPropagation();
      card.classList.remove('over');
      if (e.dataTransfer) this.addFiles(k, await filesOfDrop(e.dataTransfer));
    });
    return card;
  }
}
