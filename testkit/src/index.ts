export { freePort } from './ports.js';
export { startRedis, type RedisInstance } from './redis.js';
export { startMosquitto, type MosquittoInstance } from './mosquitto.js';
export { tempDir } from './temp.js';
export { waitFor } from './wait.js';
export { llmVenv, smolLm2Gguf, startLlamaServer, type LlamaServer } from './llama-server.js';
export { buildRelease, installRelease } from './release.js';
