export { startHomeAssistant, type HomeAssistant, type StartHomeAssistantOptions } from './harness/home-assistant.js';
export { HomeAssistantClient, connectWebSocket, ensureGlobalWebSocket } from './harness/client.js';
export { writeConfigDir, hearthBlueprints, hearthPackage, MQTT_ENTRY_ID, type ConfigDirOptions } from './harness/config-dir.js';
export { checkConfig, parseCheckConfigOutput, type ConfigCheck } from './harness/check-config.js';
export { homeAssistantVenv, homeAssistant2026Root } from './harness/venv.js';
export { HA_VERSIONS, testedHaVersions, haRuntime, type HaVersion, type HaRuntime } from './harness/runtime.js';
export { createOwnerToken } from './harness/onboarding.js';
export { problemLogLines } from './harness/log-lines.js';
export { sampleHouse, placeInArea } from './harness/sample-house.js';
