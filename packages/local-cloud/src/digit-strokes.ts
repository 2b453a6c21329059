/**
 * Pen strokes that redraw a real MNIST digit: the ink is thinned to a one-pixel skeleton
 * (Zhang–Suen), and the skeleton is walked into polylines, longest first. Replayed as pointer
 * moves with a pen about two MNIST pixels wide, they give back a drawing much like the original —
 * what a person drawing that digit would send.
 */

const SIDE = 28;
/** MNIST pixels at or above this (0..255) count as ink. */
const INK = 96;

export type Point = [x: number, y: number];

/** Skeleton of the ink of one 28×28 MNIST image (bytes 0..255, row-major). */
export function skeleton(pixels: Uint8Array): Uint8Array {
  const img = new Uint8Array(SIDE * SIDE);
  for (let i = 0; i < img.length; i++) img[i] = pixels[i]! >= INK ? 1 : 0;
  const at = (x: number, y: number) => (x < 0 || y < 0 || x >= SIDE || y >= SIDE ? 0 : img[y * SIDE + x]!);
  for (let changed = true; changed;) {
    changed = false;
    for (const pass of [0, 1]) {
      const remove: number[] = [];
      for (let y = 0; y < SIDE; y++) {
        for (let x = 0; x < SIDE; x++) {
          if (!at(x, y)) continue;
          // Neighbours P2..P9 clockwise from north.
          const p = [
            at(x, y - 1),
            at(x + 1, y - 1),
            at(x + 1, y),
            at(x + 1, y + 1),
            at(x, y + 1),
            at(x - 1, y + 1),
            at(x - 1, y),
            at(x - 1, y - 1),
          ];
          const b = p.reduce((s, v) => s + v, 0);
          let a = 0;
          for (let k = 0; k < 8; k++) if (p[k] === 0 && p[(k + 1) % 8] === 1) a++;
          const [p2, , p4, , p6, , p8] = p as [number, number, number, number, number, number, number, number];
          const ok = pass === 0 ? p2 * p4 * p6 === 0 && p4 * p6 * p8 === 0 : p2 * p4 * p8 === 0 && p2 * p6 * p8 === 0;
          if (b >= 2 && b <= 6 && a === 1 && ok) remove.push(y * SIDE + x);
        }
      }
      for (const i of remove) img[i] = 0;
      if (remove.length) changed = true;
    }
  }
  return img;
}

const NEIGHBOURS: Point[] = [
  [1, 0],
  [0, 1],
  [-1, 0],
  [0, -1],
  [1, 1],
  [-1, 1],
  [-1, -1],
  [1, -1],
];

/** Polylines (in MNIST pixel coordinates, pixel centres) that cover the skeleton of a digit. */
export function strokesOf(pixels: Uint8Array): Point[][] {
  const skel = skeleton(pixels);
  const on = (x: number, y: number) => x >= 0 && y >= 0 && x < SIDE && y < SIDE && skel[y * SIDE + x] === 1;
  const visited = new Uint8Array(SIDE * SIDE);
  const free = (x: number, y: number) => on(x, y) && !visited[y * SIDE + x];
  const freeNeighbours = (x: number, y: number) => NEIGHBOURS.filter(([dx, dy]) => free(x + dx, y + dy)).length;
  const strokes: Point[][] = [];
  for (;;) {
    // Start at a loose end when there is one (fewest free neighbours), so strokes run end to end.
    let start: Point | undefined;
    let best = 9;
    for (let y = 0; y < SIDE; y++) {
      for (let x = 0; x < SIDE; x++) {
        if (!free(x, y)) continue;
        const n = freeNeighbours(x, y);
        if (n < best) [best, start] = [n, [x, y]];
      }
    }
    if (!start) break;
    const stroke: Point[] = [start];
    visited[start[1] * SIDE + start[0]] = 1;
    let [x, y] = start;
    let dir: Point = [0, 0];
    for (;;) {
      // Prefer going on in the same direction, then 4-neighbours, so the walk does not zig-zag.
      const options = NEIGHBOURS.filter(([dx, dy]) => free(x + dx, y + dy)).sort(
        (a, b) =>
          b[0] * dir[0] + b[1] * dir[1] - (a[0] * dir[0] + a[1] * dir[1]) ||
          Math.abs(a[0] * a[1]) - Math.abs(b[0] * b[1]),
      );
      const step = options[0];
      if (!step) break;
      dir = step;
      x += step[0];
      y += step[1];
      visited[y * SIDE + x] = 1;
      stroke.push([x, y]);
    }
    // A loop (a 0, the top of a 9): close it where it started.
    const [sx, sy] = stroke[0]!;
    if (stroke.length > 3 && Math.max(Math.abs(x - sx), Math.abs(y - sy)) <= 1) stroke.push([sx, sy]);
    strokes.push(stroke);
  }
  // Specks of one or two skeleton pixels are noise next to real strokes.
  const real = strokes.filter((s) => s.length > 2);
  return (real.length ? real : strokes).sort((a, b) => b.length - a.length);
}

/** How much of the original ink a drawing of `strokes` with a round pen of `radius` pixels covers, and how much it adds. */
export function overlap(pixels: Uint8Array, strokes: Point[][], radius = 1.1): { recall: number; precision: number } {
  const drawn = new Uint8Array(SIDE * SIDE);
  for (const stroke of strokes) {
    for (let i = 0; i < stroke.length; i++) {
      const [ax, ay] = stroke[i]!;
      const [bx, by] = stroke[Math.min(i + 1, stroke.length - 1)]!;
      for (let y = 0; y < SIDE; y++) {
        for (let x = 0; x < SIDE; x++) {
          const vx = bx - ax,
            vy = by - ay;
          const t = vx || vy ? Math.max(0, Math.min(1, ((x - ax) * vx + (y - ay) * vy) / (vx * vx + vy * vy))) : 0;
          if (Math.hypot(x - (ax + t * vx), y - (ay + t * vy)) <= radius) drawn[y * SIDE + x] = 1;
        }
      }
    }
  }
  let ink = 0,
    both = 0,
    painted = 0;
  for (let i = 0; i < drawn.length; i++) {
    const isInk = pixels[i]! >= INK;
    ink += isInk ? 1 : 0;
    painted += drawn[i]!;
    both += isInk && drawn[i] ? 1 : 0;
  }
  return { recall: both / ink, precision: both / painted };
}
