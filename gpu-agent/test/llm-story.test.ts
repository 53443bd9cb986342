/**
 * `text.story` on the real SmolLM2-135M model, through both ways a family runs it: the built-in
 * node-llama-cpp runner and the real llama.cpp server (llama-cpp-python). The schema holds a
 * 135M model to exactly the asked scenes; the words are the model's own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Value } from '@sinclair/typebox/value';
import { StoryResult, type JobInput } from '@hearth/protocol';
import { smolLm2Gguf, startLlamaServer, type LlamaServer } from '@hearth/testkit';
import { BuiltinChat } from '../src/runners/llm/builtin/builtin-chat.js';
import { OpenAiChat } from '../src/runners/llm/openai.js';
import { LlmRunner } from '../src/runners/llm/runner.js';
import { checkStory, storyMessages } from '../src/runners/llm/story.js';
import { recordingContext } from './runner-context.js';

const input = (o: Partial<JobInput<'text.story'>> = {}): JobInput<'text.story'> => ({
  premise: 'a dragon who is afraid of the dark',
  characters: [{ name: 'Iskra', description: 'a small green dragon' }],
  scenes: 3,
  language: 'en',
  audience: 'child',
  ...o,
});

function expectStory(data: unknown, scenes: number) {
  expect(Value.Check(StoryResult, data), JSON.stringify(data)).toBe(true);
  const story = data as StoryResult;
  expect(story.scenes).toHaveLength(scenes);
  for (const s of [story.title, ...story.scenes.flatMap((x) => [x.narration, x.picturePrompt])]) expect(s).not.toMatch(/[\n\r\t]/);
}

describe('the story prompt and checks', () => {
  it('asks for the language, the audience and the scene count; the checks want exactly that many scenes', () => {
    const [system, user] = storyMessages(input({ language: 'pl', scenes: 5 }));
    expect(system!.content).toMatch(/exactly 5 scenes/);
    expect(system!.content).toMatch(/narration in Polish/);
    expect(system!.content).toMatch(/young child/);
    expect(user!.content).toMatch(/Iskra: a small green dragon/);
    expect(storyMessages(input({ audience: 'family' }))[0]!.content).not.toMatch(/young child/);
    const scene = { narration: 'Iskra\nwas   scared.', picturePrompt: 'a dragon in a dark cave' };
    const three = checkStory(JSON.stringify({ title: 'Iskra', scenes: [scene, scene, scene] }), input());
    expect(three).toMatchObject({ ok: true, value: { scenes: [{ narration: 'Iskra was scared.' }, {}, {}] } });
    expect(checkStory(JSON.stringify({ title: 'Iskra', scenes: [scene, scene, scene, scene] }), input())).toEqual({
      ok: false,
      problems: ['write exactly 3 scenes (got 4)'],
    });
    expect(checkStory('not json', input())).toMatchObject({ ok: false, problems: [expect.stringMatching(/not JSON/)] });
  });
});

describe('text.story on the built-in LLM (node-llama-cpp, SmolLM2-135M)', () => {
  let runner: LlmRunner;
  beforeAll(async () => {
    runner = new LlmRunner(new BuiltinChat({ kind: 'builtin', modelPath: await smolLm2Gguf(), threads: 1 }), 0);
  }, 900_000);
  afterAll(async () => {
    await runner?.close();
  });

  it('writes a storyboard of the asked scenes, in English and in Polish', async () => {
    for (const language of ['en', 'pl'] as const) {
      const { ctx, progress } = recordingContext();
      const result = await runner.run({ id: `story-${language}`, type: 'text.story', input: input({ language }) }, ctx);
      expectStory(result.data, 3);
      expect(progress.at(-1)).toEqual({ fraction: 1, stage: 'done' });
    }
  }, 600_000);
});

describe('text.story against the real llama.cpp server', () => {
  let server: LlamaServer;
  beforeAll(async () => {
    server = await startLlamaServer({ apiKey: 'sk-story' });
  }, 900_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('writes a storyboard of the asked scenes (json_schema refused, json_object + schema constrains it)', async () => {
    const backend = new OpenAiChat({ kind: 'openai', url: `${server.url}/v1`, model: 'SmolLM2-135M-Instruct.Q4_1.gguf', apiKey: 'sk-story' });
    const { ctx } = recordingContext();
    const result = await new LlmRunner(backend, 0).run({ id: 'story-server', type: 'text.story', input: input({ scenes: 4, audience: 'family' }) }, ctx);
    expectStory(result.data, 4);
    expect(backend.mode).toBe('json_object');
  }, 600_000);
});
