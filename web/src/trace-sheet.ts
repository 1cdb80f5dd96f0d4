/**
 * On screens narrower than the three-column layout (phones, 1024 px
 * laptops), the trace of a tapped or clicked unit would sit far from the
 * unit, off screen. There it opens as a sheet over the bottom half of the
 * screen (the CSS of `body.sheet-open`), with the unit's receptive field in
 * it, and the page scrolls so that the unit stays visible above the sheet.
 * The close button (or tapping outside any layer) closes it.
 */
const NARROW = '(max-width: 1199px)';

export class TraceSheet {
  constructor(private readonly card: HTMLElement, close: HTMLElement, onClose: () => void) {
    close.addEventListener('click', () => {
      this.close();
      onClose();
    });
  }

  /** Whether the layout puts the trace out of the way (so that a tapped unit opens the sheet). */
  get narrow(): boolean {
    return window.matchMedia(NARROW).matches;
  }

  /** Opens the sheet (narrow layouts only) and keeps `unit` (the tapped unit's marker) in view above it. */
  open(unit: HTMLElement | null): void {
    if (!this.narrow) return;
    document.body.classList.add('sheet-open');
    this.card.scrollTop = 0;
    if (!unit) return;
    const r = unit.getBoundingClientRect();
    const free = window.innerHeight - this.card.getBoundingClientRect().height;
    // The unit goes a third of the way down the space left above the sheet.
    if (r.top < 8 || r.bottom > free - 8) window.scrollBy({ top: r.top - Math.max(8, free / 3), behavior: 'auto' });
  }

  close(): void {
    document.body.classList.remove('sheet-open');
  }
}
