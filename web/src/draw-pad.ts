/**
 * The drawing pad: strokes by mouse, touch or pen (Pointer Events cover all
 * three), undo and clear, and optionally a picture underneath (a picked
 * MNIST digit). Strokes are kept as points in [0, 1] pad coordinates and
 * drawn twice: on the visible canvas, and on a small fixed-size "ink"
 * canvas that is read back for the model (reading back the visible canvas
 * at device resolution would cost more on every move).
 *
 * Ink is white on black, as MNIST digits are, so the pad shows what the
 * model sees.
 */

type Point = { x: number; y: number };

/** Side of the ink canvas read back for preprocessing. */
export const INK_SIZE = 140;
/** Brush diameter as a fraction of the pad's side (MNIST strokes are ~1/10 of the digit's 20 px box). */
export const BRUSH = 0.075;

export class DrawPad {
  private strokes: Point[][] = [];
  private current: Point[] | null = null;
  private base: HTMLCanvasElement | null = null;
  /** The picture underneath is an example shown on arrival: the first stroke replaces it. */
  private example = false;
  private readonly ink: CanvasRenderingContext2D;
  private readonly view: CanvasRenderingContext2D;

  /**
   * @param canvas the visible pad (its size in canvas pixels is set here from its CSS size)
   * @param onChange called after every change of the drawing, with the pointer event's time stamp when one caused it
   */
  constructor(readonly canvas: HTMLCanvasElement, private readonly onChange: (eventTime?: number) => void) {
    const inkCanvas = document.createElement('canvas');
    inkCanvas.width = inkCanvas.height = INK_SIZE;
    this.ink = inkCanvas.getContext('2d', { willReadFrequently: true })!;
    this.view = canvas.getContext('2d')!;
    this.resize();
    canvas.addEventListener('pointerdown', (e) => this.down(e));
    canvas.addEventListener('pointermove', (e) => this.move(e));
    canvas.addEventListener('pointerup', (e) => this.up(e));
    canvas.addEventListener('pointercancel', (e) => this.up(e));
    new ResizeObserver(() => this.resize()).observe(canvas);
  }

  /** True when there is nothing on the pad. */
  get empty(): boolean {
    return !this.strokes.length && !this.current && !this.base;
  }

  /** Number of finished strokes (for undo). */
  get strokeCount(): number {
    return this.strokes.length;
  }

  /** The picture underneath, when only it (no strokes) is on the pad. */
  get baseOnly(): boolean {
    return this.base !== null && !this.strokes.length && !this.current;
  }

  /** Removes the last stroke; with no strokes left, the picture underneath. */
  undo(): void {
    if (this.strokes.length) this.strokes.pop();
    else this.base = null;
    this.redraw();
    this.onChange();
  }

  clear(): void {
    this.example = false;
    this.strokes = [];
    this.current = null;
    this.base = null;
    this.redraw();
    this.onChange();
  }

  /**
   * Puts a grayscale picture (0 = black … 255 = white ink) under the strokes,
   * replacing the drawing. An `example` (the digit shown on arrival) goes
   * away when the user starts drawing.
   */
  setBase(pixels: Uint8Array | Uint8ClampedArray, width: number, height: number, example = false): void {
    this.example = example;
    const c = document.createElement('canvas');
    c.width = width;
    c.height = height;
    const ctx = c.getContext('2d')!;
    const img = ctx.createImageData(width, height);
    for (let i = 0; i < width * height; i++) {
      const v = pixels[i]!;
      img.data.set([v, v, v, 255], i * 4);
    }
    ctx.putImageData(img, 0, 0);
    this.base = c;
    this.strokes = [];
    this.current = null;
    this.redraw();
    this.onChange();
  }

  /** The ink as INK_SIZE x INK_SIZE values in [0, 1]. */
  readInk(): { width: number; height: number; data: Float32Array } {
    const { data } = this.ink.getImageData(0, 0, INK_SIZE, INK_SIZE);
    const out = new Float32Array(INK_SIZE * INK_SIZE);
    for (let i = 0; i < out.length; i++) out[i] = data[i * 4]! / 255;
    return { width: INK_SIZE, height: INK_SIZE, data: out };
  }

  private point(e: PointerEvent): Point {
    const r = this.canvas.getBoundingClientRect();
    return { x: (e.clientX - r.left) / r.width, y: (e.clientY - r.top) / r.height };
  }

  private down(e: PointerEvent): void {
    if (e.button !== 0 && e.pointerType === 'mouse') return;
    e.preventDefault();
    try {
      this.canvas.setPointerCapture(e.pointerId); // keep the stroke when the pointer leaves the pad
    } catch {
      // synthetic events (the benchmark) have no active pointer to capture
    }
    if (this.example) {
      this.example = false;
      this.base = null;
      this.redraw();
    }
    const p = this.point(e);
    this.current = [p];
    this.segment(p, p);
    this.onChange(e.timeStamp);
  }

  private move(e: PointerEvent): void {
    if (!this.current) return;
    e.preventDefault();
    // Coalesced events: the points a fast stroke passed through between two frames.
    const events = typeof e.getCoalescedEvents === 'function' ? e.getCoalescedEvents() : [];
    for (const ev of events.length ? events : [e]) {
      const p = this.point(ev);
      this.segment(this.current[this.current.length - 1]!, p);
      this.current.push(p);
    }
    this.onChange(e.timeStamp);
  }

  private up(e: PointerEvent): void {
    if (!this.current) return;
    this.strokes.push(this.current);
    this.current = null;
    if (this.canvas.hasPointerCapture(e.pointerId)) this.canvas.releasePointerCapture(e.pointerId);
    this.onChange(e.timeStamp);
  }

  private resize(): void {
    const r = this.canvas.getBoundingClientRect();
    const size = Math.max(1, Math.round(r.width * (window.devicePixelRatio || 1)));
    if (this.canvas.width !== size) {
      this.canvas.width = this.canvas.height = size;
      this.redraw();
    }
  }

  private segment(a: Point, b: Point): void {
    for (const ctx of [this.view, this.ink]) {
      const s = ctx.canvas.width;
      ctx.strokeStyle = '#fff';
      ctx.lineWidth = BRUSH * s;
      ctx.lineCap = 'round';
      ctx.lineJoin = 'round';
      ctx.beginPath();
      ctx.moveTo(a.x * s, a.y * s);
      ctx.lineTo(b.x * s, b.y * s);
      ctx.stroke();
    }
  }

  private redraw(): void {
    for (const ctx of [this.view, this.ink]) {
      const s = ctx.canvas.width;
      ctx.fillStyle = '#000';
      ctx.fillRect(0, 0, s, s);
      if (this.base) {
        ctx.imageSmoothingEnabled = true;
        ctx.drawImage(this.base, 0, 0, s, s);
      }
    }
    for (const stroke of [...this.strokes, ...(this.current ? [this.current] : [])]) {
      for (let i = 0; i < stroke.length; i++) this.segment(stroke[Math.max(0, i - 1)]!, stroke[i]!);
    }
  }
}
