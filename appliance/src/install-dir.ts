/**
 * The appliance workspace folder. This module lies directly in src/ and is bundled into
 * dist/*.js, one level below the workspace either way, so files found from here (the portal's
 * and the kiosk's builds, package.json) are the same from source and from the build.
 */
export const APPLIANCE_DIR = new URL('../', import.meta.url);
