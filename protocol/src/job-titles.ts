/**
 * The default title of each job type (what a job is called when its owner gave it no title).
 * Free of any schema library so the portal can import it to tell a default title from one a
 * person typed, and show the type's name in the reader's language instead.
 */
export const JOB_TITLES = {
  'image.upscale': 'Upscale a photo',
  'image.moderate': 'Check a picture for nudity',
  'gif.create': 'Make an animated GIF',
  'comic.compose': 'Lay out a comic page',
  'comic.render': 'Draw a comic (pages as PNG, a PDF and a CBZ)',
  'image.comic-look': 'Give a photo a comic look',
  'image.generate': 'Generate a picture',
  'image.stylize': 'Restyle a photo',
  'video.generate': 'Make a short animation',
  'text.dialogue': 'Write comic dialogue',
  'text.story': 'Write a story in scenes',
  'audio.speak': 'Read text aloud',
  'video.compose': 'Make a narrated video',
} as const;
