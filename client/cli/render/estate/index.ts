/** The picture of the estate in every format `crosslink connections --format` offers. */
import { estateDot } from './dot';
import { estateHtml } from './html';
import { estateMermaid } from './mermaid';
import { type EstateInventory, type EstateOptions } from './model';
import { estateSvg } from './svg';

export { estateDot } from './dot';
export { estateHtml } from './html';
export { estateMermaid } from './mermaid';
export { estateSvg } from './svg';
export { type EstateInventory, type EstateOptions, estatePicture } from './model';

export const PICTURE_FORMATS = ['mermaid', 'dot', 'svg', 'html'] as const;
export type PictureFormat = (typeof PICTURE_FORMATS)[number];

export function isPictureFormat(format: string): format is PictureFormat {
  return (PICTURE_FORMATS as readonly string[]).includes(format);
}

export async function renderEstate(
  format: PictureFormat,
  inventory: EstateInventory,
  options: EstateOptions = {},
): Promise<string> {
  switch (format) {
    case 'mermaid':
      return estateMermaid(inventory, options);
    case 'dot':
      return estateDot(inventory, options);
    case 'svg':
      return estateSvg(inventory, options);
    case 'html':
      return estateHtml(inventory, options);
  }
}
