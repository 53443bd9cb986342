import { describe, expect, it } from 'vitest';
import { timeFormat } from './tiles/clock.js';

const morning = new Date(2026, 10, 25, 9, 5, 7);
const evening = new Date(2026, 10, 25, 21, 5, 7);

describe('the wall clock', () => {
  it('follows the locale: 24 hours in Poland and Britain, 12 in the US, never a leading zero', () => {
    expect(timeFormat('pl-PL', false).format(morning)).toBe('9:05');
    expect(timeFormat('pl-PL', false).format(evening)).toBe('21:05');
    expect(timeFormat('en-GB', false).format(morning)).toBe('9:05');
    expect(timeFormat('en-US', false).format(evening).replace(/\s/g, ' ')).toBe('9:05 PM');
    expect(timeFormat('en-US', true).format(morning).replace(/\s/g, ' ')).toBe('9:05:07 AM');
  });
});
