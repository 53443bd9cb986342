import type { ImageSize } from '../decode-image.js';

/** What the agent asks of the image process (sharp), and what each request answers. */
export type ImageRequest =
  | { op: 'size'; bytes: Uint8Array }
  | { op: 'decode-rgb'; bytes: Uint8Array }
  /** ESRGAN's RGB result as a PNG, the original's transparency scaled back in when it had any. */
  | { op: 'encode-upscaled'; original: Uint8Array; rgb: RgbImage; hasAlpha: boolean }
  /** Upright sRGB at the classifier's square input size, transparency shown on white. */
  | { op: 'classifier-input'; bytes: Uint8Array; size: number };

export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

export interface ImageAnswers {
  size: ImageSize;
  'decode-rgb': RgbImage;
  'encode-upscaled': Uint8Array;
  'classifier-input': Uint8Array;
}
