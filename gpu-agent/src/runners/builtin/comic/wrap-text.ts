import type { TextFont } from './font.js';

type Measuring = Pick<TextFont, 'measure'>;

/**
 * Greedy word wrap by measured width. A word wider than the line on its own is split between
 * characters, so no line is ever wider than `maxWidth` (unless one glyph is).
 */
export function wrapText(font: Measuring, text: string, size: number, maxWidth: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : word;
    if (font.measure(candidate, size) <= maxWidth) {
      line = candidate;
      continue;
    }
    if (line) lines.push(line);
    line = '';
    for (const piece of splitWord(font, word, size, maxWidth)) {
      if (line) lines.push(line);
      line = piece;
    }
  }
  if (line) lines.push(line);
  return lines;
}

function splitWord(font: Measuring, word: string, size: number, maxWidth: number): string[] {
  if (font.measure(word, size) <= maxWidth) return [word];
  const pieces: string[] = [];
  let piece = '';
  for (const ch of word) {
    if (piece && font.measure(piece + ch, size) > maxWidth) {
      pieces.push(piece);
      piece = '';
    }
    piece += ch;
  }
  if (piece) pieces.push(piece);
  return pieces;
}
