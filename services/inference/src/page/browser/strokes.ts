/** The drawing as data: strokes of canvas points, the stroke in progress, and how each is drawn. */

export type Point = readonly [x: number, y: number];
export type Stroke = Point[];

/** The pen's width on a canvas `side` pixels wide: about 2 MNIST pixels once scaled to 28×28, like MNIST's pen. */
export function penWidth(side: number): number {
  return side / 13;
}

export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** A pointer's client position as canvas pixels: the canvas is `side` pixels square, shown at any CSS size. */
export function toCanvasPoint(clientX: number, clientY: number, box: Box, side: number): Point {
  return [((clientX - box.left) * side) / box.width, ((clientY - box.top) * side) / box.height];
}

/** What to paint for a stroke: a dot for a single point, else a line through its points. */
export type StrokePath = { kind: 'dot'; at: Point; radius: number } | { kind: 'line'; points: Point[] };

/**
 * The path that paints `stroke` from point `from` on (0: all of it). A line starts one point
 * before `from`, so the new segment joins what is already painted.
 */
export function strokePath(stroke: readonly Point[], from: number, pen: number): StrokePath {
  if (stroke.length === 1) return { kind: 'dot', at: stroke[0]!, radius: pen / 2 };
  return { kind: 'line', points: stroke.slice(Math.max(0, from - 1)) };
}

/** The strokes drawn so far and the one a pointer is drawing now (one pointer at a time). */
export class Strokes {
  #strokes: Stroke[] = [];
  #active: { pointerId: number; points: Stroke } | null = null;

  get all(): readonly Stroke[] {
    return this.#strokes;
  }

  get empty(): boolean {
    return this.#strokes.length === 0;
  }

  /** Starts a stroke; false (and nothing changes) while another is in progress. */
  begin(pointerId: number, at: Point): boolean {
    if (this.#active) return false;
    this.#active = { pointerId, points: [at] };
    this.#strokes.push(this.#active.points);
    return true;
  }

  /** Adds points to the pointer's stroke: the stroke and the index of its first new point, or null if that pointer is not drawing. */
  extend(pointerId: number, points: readonly Point[]): { stroke: Stroke; from: number } | null {
    if (this.#active?.pointerId !== pointerId) return null;
    const stroke = this.#active.points;
    const from = stroke.length;
    stroke.push(...points);
    return { stroke, from };
  }

  /** Ends the pointer's stroke; false if that pointer was not drawing. */
  end(pointerId: number): boolean {
    if (this.#active?.pointerId !== pointerId) return false;
    this.#active = null;
    return true;
  }

  /** Takes the last stroke away; false if there is none. */
  undo(): boolean {
    const last = this.#strokes.pop();
    if (!last) return false;
    if (this.#active?.points === last) this.#active = null;
    return true;
  }

  clear(): void {
    this.#strokes = [];
    this.#active = null;
  }
}
