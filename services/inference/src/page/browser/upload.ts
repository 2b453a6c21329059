/** An uploaded image: any format the browser can decode, scaled down and sent as PNG. */

/** Longest side an upload is scaled down to before sending (the API needs 28×28; this keeps requests small). */
export const UPLOAD_MAX_SIDE = 560;

/** The size an image of `width`×`height` is sent at: scaled down to fit `maxSide`, never up, at least 1×1. */
export function uploadSize(width: number, height: number, maxSide: number): { width: number; height: number } {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** The file decoded by the browser and re-encoded as PNG on white (so transparent scans read as paper). */
export async function imageToPng(file: Blob): Promise<Blob> {
  const bitmap = await createImageBitmap(file);
  const canvas = document.createElement('canvas');
  Object.assign(canvas, uploadSize(bitmap.width, bitmap.height, UPLOAD_MAX_SIDE));
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('this browser cannot draw on a canvas');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  return new Promise((resolve, reject) =>
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('no PNG'))), 'image/png'),
  );
}

/** The uploaded image shown beside the pad, from a blob: URL that is released when it goes. */
export class UploadPreview {
  readonly #img: HTMLImageElement;

  constructor(img: HTMLImageElement) {
    this.#img = img;
  }

  get shown(): boolean {
    return !this.#img.hidden;
  }

  show(file: File): void {
    this.#release();
    this.#img.src = URL.createObjectURL(file);
    this.#img.alt = `Uploaded image: ${file.name}`;
    this.#img.hidden = false;
  }

  hide(): void {
    this.#release();
    this.#img.removeAttribute('src');
    this.#img.hidden = true;
  }

  #release(): void {
    if (this.#img.src) URL.revokeObjectURL(this.#img.src);
  }
}
