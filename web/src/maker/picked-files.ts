/**
 * Photos from what the user picks or drops: single files, a folder of photos
 * (for one class), or a folder holding one sub-folder per class (for all of
 * them at once). A dropped folder is walked with the File and Directory
 * Entries API (`webkitGetAsEntry`); a folder opened with a `webkitdirectory`
 * input gives each file's `webkitRelativePath`.
 */

/** A picked file and its path inside what was picked ('flowers/daisy/1.jpg'; just the name for a single file). */
export interface PickedFile {
  file: File;
  path: string;
}

const IMAGE_NAME = /\.(jpe?g|png|webp|gif|bmp|avif)$/i;

/** Whether a picked file is a photo (by its type, else by its name's ending); anything else in a folder (a README, .DS_Store) is passed over. */
export function isPhoto(f: { name: string; type: string }): boolean {
  return f.type.startsWith('image/') || IMAGE_NAME.test(f.name);
}

/** The files of an `<input type="file">` with their paths (a `webkitdirectory` input gives each its path inside the folder). */
export function filesOfInput(input: HTMLInputElement): PickedFile[] {
  return [...(input.files ?? [])].map((file) => ({ file, path: file.webkitRelativePath || file.name }));
}

/** Every file of a drop, folders walked (to any depth); null when nothing dropped is a file. */
export async function filesOfDrop(dt: DataTransfer): Promise<PickedFile[]> {
  const entries = [...dt.items].filter((i) => i.kind === 'file').map((i) => i.webkitGetAsEntry?.() ?? null);
  if (entries.length && entries.every((e) => e !== null)) {
    const out: PickedFile[] = [];
    for (const e of entries) await walk(e!, '', out);
    return out;
  }
  return [...dt.files].map((file) => ({ file, path: file.name }));
}

async function walk(entry: FileSystemEntry, prefix: string, out: PickedFile[]): Promise<void> {
  const path = prefix ? `${prefix}/${entry.name}` : entry.name;
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    out.push({ file, path });
    return;
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  // readEntries gives a folder's entries a batch at a time (100 in Chromium) until an empty batch.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (!batch.length) break;
    for (const e of batch) await walk(e, path, out);
  }
}

/**
 * Groups picked photos by class folder: after the folders every photo shares
 * ('flowers/'), the next folder names the class ('daisy'). Photos outside any
 * class folder are counted in `loose`. With fewer than two class folders
 * there are no classes to make (`classes` is empty).
 * @example groupByClassFolder([{ path: 'f/daisy/1.jpg' }, { path: 'f/roses/2.jpg' }]) // { classes: [['daisy', [..]], ['roses', [..]]], loose: 0 }
 */
export function groupByClassFolder<T extends { path: string }>(files: readonly T[]): { classes: [string, T[]][]; loose: number } {
  const parts = files.map((f) => f.path.split('/').filter(Boolean));
  let common = 0;
  // The leading folders all paths share (a file's own name never counts as a folder).
  while (parts.length && parts.every((p) => p.length - 1 > common && p[common] === parts[0]![common])) common++;
  const classes = new Map<string, T[]>();
  let loose = 0;
  files.forEach((f, i) => {
    const p = parts[i]!;
    if (p.length - 1 <= common) {
      loose++;
      return;
    }
    const name = p[common]!;
    let list = classes.get(name);
    if (!list) classes.set(name, (list = []));
    list.push(f);
  });
  const sorted = [...classes.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return sorted.length >= 2 ? { classes: sorted, loose } : { classes: [], loose: files.length };
}
