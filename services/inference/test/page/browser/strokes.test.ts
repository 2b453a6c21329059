import { penWidth, strokePath, Strokes, toCanvasPoint } from '../../../src/page/browser/strokes';

describe('toCanvasPoint', () => {
  it('maps client coordinates into canvas pixels whatever size the canvas is shown at', () => {
    const box = { left: 100, top: 50, width: 140, height: 140 }; // a 280-pixel canvas shown at half size

    expect(toCanvasPoint(100, 50, box, 280)).toEqual([0, 0]);
    expect(toCanvasPoint(240, 190, box, 280)).toEqual([280, 280]);
    expect(toCanvasPoint(135, 120, box, 280)).toEqual([70, 140]);
  });
});

describe('penWidth', () => {
  it('is about two MNIST pixels once the canvas is scaled to 28×28', () => {
    expect((penWidth(280) * 28) / 280).toBeCloseTo(2.15, 2);
  });
});

describe('strokePath', () => {
  it('paints a single point as a dot of the pen', () => {
    expect(strokePath([[5, 6]], 0, 20)).toEqual({ kind: 'dot', at: [5, 6], radius: 10 });
  });

  it('paints a whole stroke as a line through all its points', () => {
    const stroke = [
      [0, 0],
      [1, 1],
      [2, 2],
    ] as const;

    expect(strokePath([...stroke], 0, 20)).toEqual({ kind: 'line', points: stroke });
  });

  it('paints new points from the last painted one, so the segments join', () => {
    const stroke: Array<[number, number]> = [
      [0, 0],
      [1, 1],
      [2, 2],
      [3, 3],
    ];

    expect(strokePath(stroke, 2, 20)).toEqual({ kind: 'line', points: stroke.slice(1) });
  });
});

describe('Strokes', () => {
  it('records a stroke from pointer down to pointer up', () => {
    const strokes = new Strokes();

    expect(strokes.begin(1, [0, 0])).toBe(true);
    expect(strokes.extend(1, [[1, 1]])).toEqual({
      stroke: [
        [0, 0],
        [1, 1],
      ],
      from: 1,
    });
    expect(
      strokes.extend(1, [
        [2, 2],
        [3, 3],
      ]),
    ).toMatchObject({ from: 2 });
    expect(strokes.end(1)).toBe(true);

    expect(strokes.all).toEqual([
      [
        [0, 0],
        [1, 1],
        [2, 2],
        [3, 3],
      ],
    ]);
    expect(strokes.empty).toBe(false);
  });

  it('draws with one pointer at a time: a second finger is ignored until the first lifts', () => {
    const strokes = new Strokes();
    strokes.begin(1, [0, 0]);

    expect(strokes.begin(2, [9, 9])).toBe(false);
    expect(strokes.extend(2, [[8, 8]])).toBeNull();
    expect(strokes.end(2)).toBe(false);
    expect(strokes.all).toEqual([[[0, 0]]]);
    expect(strokes.end(1)).toBe(true);
    expect(strokes.begin(2, [9, 9])).toBe(true);
  });

  it('takes strokes away last first, and says when there is none left to undo', () => {
    const strokes = new Strokes();
    for (const [id, x] of [
      [1, 10],
      [2, 20],
    ]) {
      strokes.begin(id!, [x!, x!]);
      strokes.end(id!);
    }

    expect(strokes.undo()).toBe(true);
    expect(strokes.all).toEqual([[[10, 10]]]);
    expect(strokes.undo()).toBe(true);
    expect(strokes.empty).toBe(true);
    expect(strokes.undo()).toBe(false);
  });

  it('ends the stroke in progress when it is undone or cleared, so the next pointer can draw', () => {
    const undone = new Strokes();
    undone.begin(1, [0, 0]);
    undone.undo();
    const cleared = new Strokes();
    cleared.begin(1, [0, 0]);
    cleared.clear();

    expect(undone.extend(1, [[1, 1]])).toBeNull();
    expect(undone.begin(2, [5, 5])).toBe(true);
    expect(cleared.empty).toBe(true);
    expect(cleared.begin(2, [5, 5])).toBe(true);
  });
});
