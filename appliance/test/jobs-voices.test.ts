import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@hearth/testkit';
import type { HttpClient } from './support/http-client.js';
import { announceAgent, startJobsAppliance, type JobsAppliance } from './jobs-fixtures.js';

let h: JobsAppliance;
let admin: HttpClient;

beforeAll(async () => {
  h = await startJobsAppliance();
  admin = await h.t.admin();
});
afterAll(() => h?.close());

const speak = (voice: string, language = 'en') => admin.post('/api/jobs', { type: 'audio.speak', input: { text: 'Once upon a time.', voice, language } });

describe('audio.speak voices', () => {
  it("come from the agents' announcements; one no computer offers for the language is a field error", async () => {
    // No computer has announced voices yet: the voice cannot be judged, the missing computer can.
    const none = await speak('openai:af_bella');
    expect(none.status).toBe(409);
    expect(none.json.message).toMatch(/speech engine \(espeak-ng, Piper or an OpenAI-compatible speech server\)/);

    const voices = [
      { id: 'openai:af_bella', language: 'en', label: 'kokoro af_bella' },
      { id: 'espeak:en', language: 'en', label: 'espeak-ng English' },
      { id: 'espeak:pl', language: 'pl', label: 'espeak-ng polski' },
    ] as const;
    const pc = await announceAgent(h.t.mosquitto.url, { agentId: 'family-pc', capabilities: ['speech', 'video'], voices: [...voices] });
    try {
      const listed = await waitFor(async () => (await admin.get('/api/agents')).json.agents.find((a: { agentId: string }) => a.agentId === 'family-pc'), {
        timeoutMs: 10_000,
      });
      expect(listed.voices).toEqual(voices);

      const unknown = await speak('openai:af_nobody');
      expect(unknown.status).toBe(400);
      expect(unknown.json).toMatchObject({
        field: 'input.voice',
        code: 'one-of',
        message: 'input.voice "openai:af_nobody" is not offered by any computer (one of openai:af_bella, espeak:en)',
      });
      const wrongLanguage = await speak('espeak:pl', 'en');
      expect(wrongLanguage.status).toBe(400);
      expect(wrongLanguage.json).toMatchObject({ field: 'input.voice', message: expect.stringMatching(/"espeak:pl" does not speak "en"/) });
      expect((await admin.get('/api/jobs')).json.jobs).toEqual([]);

      const ok = await speak('espeak:pl', 'pl');
      expect(ok.status, ok.text).toBe(201);
    } finally {
      await pc.close();
    }
  });
});
