import { penWidth, strokePath, Strokes, toCanvasPoint, type Point, type Stroke } from './strokes';

export interface DrawingPadEvents {
  /** A stroke has begun (what was sent before no longer matches the drawing). */
  strokeStarted(): void;
  /** A stroke has ended: the drawing is worth sending. */
  strokeEnded(): void;
  /** Strokes were added or taken away. */
  changed(empty: boolean): void;
}

/** The canvas one draws on with a mouse, pen or finger (pointer events): white ink on black, like MNIST. */
export class DrawingPad {
  readonly #strokes = new Strokes();
  readonly #ctx: CanvasRenderingContext2D;
  readonly #side: number;
  readonly #pen: number;

  readonly #canvas: HTMLCanvasElement;
  readonly #events: DrawingPadEvents;

  constructor(canvas: HTMLCanvasElement, events: DrawingPadEvents) {
    this.#canvas = canvas;
    this.#events = events;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('this browser cannot draw on a canvas');
    this.#ctx = ctx;
    this.#side = canvas.width;
    this.#pen = penWidth(this.#side);
    canvas.addEventListener('pointerdown', (e) => this.#pointerDown(e));
    canvas.addEventListener('pointermove', (e) => this.#pointerMove(e));
    canvas.addEventListener('pointerup', (e) => this.#pointerUp(e));
    canvas.addEventListener('pointercancel', (e) => this.#pointerUp(e));
    this.#paint();
  }

  get empty(): boolean {
    return this.#strokes.empty;
  }

  /** Takes the last stroke away; false if there was none. */
  undo(): boolean {
    if (!this.#strokes.undo()) return false;
    this.#paint();
    return true;
  }

  clear(): void {
    this.#strokes.clear();
    this.#paint();
  }

  /** The drawing as a PNG (null if the browser could not encode one). */
  toPng(): Promise<Blob | null> {
    return new Promise((resolve) => this.#canvas.toBlob(resolve, 'image/png'));
  }

  #pointerDown(e: PointerEvent): void {
    if (e.button !== 0 || !this.#strokes.begin(e.pointerId, this.#at(e))) return;
    e.preventDefault();
    this.#canvas.setPointerCapture(e.pointerId);
    this.#events.strokeStarted();
    this.#paint();
  }

  #pointerMove(e: PointerEvent): void {
    // Coalesced events: every point the pointer passed since the last frame, not one per frame.
    const coalesced = typeof e.getCoalescedEvents === 'function' ? e.getCoalescedEvents() : [];
    const added = this.#strokes.extend(
      e.pointerId,
      (coalesced.length > 0 ? coalesced : [e]).map((p) => this.#at(p)),
    );
    if (!added) return;
    e.preventDefault();
    this.#drawStroke(added.stroke, added.from);
  }

  #pointerUp(e: PointerEvent): void {
    if (!this.#strokes.end(e.pointerId)) return;
    this.#paint();
    this.#events.strokeEnded();
  }

  #at(e: MouseEvent): Point {
    return toCanvasPoint(e.clientX, e.clientY, this.#canvas.getBoundingClientRect(), this.#side);
  }

  /** Repaints every stroke from scratch. */
  #paint(): void {
    const ctx = this.#ctx;
    const side = this.#side;
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, side, side);
    ctx.strokeStyle = '#fff';
    ctx.fillStyle = '#fff';
    ctx.lineWidth = this.#pen;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    for (const stroke of this.#strokes.all) this.#drawStroke(stroke, 0);
    this.#events.changed(this.#strokes.empty);
  }

  #drawStroke(stroke: Stroke, from: number): void {
    const ctx = this.#ctx;
    const path = strokePath(stroke, from, this.#pen);
    ctx.beginPath();
    if (path.kind === 'dot') {
      ctx.arc(path.at[0], path.at[1], path.radius, 0, 2 * Math.PI);
      ctx.fill();
      return;
    }
    for (const [i, [x, y]] of path.points.entries()) {
      if (i === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    }
    ctx.stroke();
  }
}
