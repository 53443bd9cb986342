import { describe, expect, it } from 'vitest';
import type { MediaView } from '../types.js';
import { caption } from './slideshow.js';

const picture = (over: Partial<MediaView>): MediaView => ({
  id: 'a'.repeat(64),
  contentType: 'image/webp',
  width: 1600,
  height: 1000,
  bytes: 1,
  privacy: 'kiosk',
  moderation: 'safe',
  ownerId: 1,
  ownerName: 'Ola',
  jobId: null,
  createdAt: new Date(2026, 10, 3, 12).valueOf(),
  ...over,
});

describe('the photo frame caption', () => {
  it('names the creation, who made it and when, in the wall’s locale', () => {
    expect(caption(picture({ jobId: 'j1', jobTitle: 'The dragon at school' }), 'pl-PL')).toBe('The dragon at school · Ola · 3 listopada 2026');
    expect(caption(picture({}), 'en-GB')).toBe('Ola · 3 November 2026');
    expect(caption(picture({ ownerName: '', jobTitle: null }), 'en-US')).toBe('November 3, 2026');
  });
});
