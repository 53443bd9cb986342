/**
 * The gpu-agent workspace folder. This module lies directly in src/ and is bundled into
 * dist/main.js, one level below the workspace either way, so files found from here (workflow
 * templates, package.json) are the same from source and from the build.
 */
export const AGENT_DIR = new URL('../', import.meta.url);
