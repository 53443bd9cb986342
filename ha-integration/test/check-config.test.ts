import { tempDir } from '@hearth/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { checkConfig, hearthBlueprints, hearthPackage, testedHaVersions, writeConfigDir } from '../src/index.js';
import { AUTOMATION_IDS, blueprintAutomations } from './blueprint-instances.js';

const wake = { mac: '3c:7c:3f:12:34:56', address: '192.168.1.255', port: 9 };

describe.each(testedHaVersions())('strict check_config of Hearth YAML (real hass %s --script check_config)', (version) => {
  const dirs: Array<{ remove: () => Promise<void> }> = [];
  async function configDir(opts: Omit<Parameters<typeof writeConfigDir>[1], 'httpPort'>): Promise<string> {
    const dir = await tempDir('hearth-ha-check-');
    dirs.push(dir);
    await writeConfigDir(dir.path, { httpPort: 8123, mqttPort: 1883, version, ...opts });
    return dir.path;
  }
  afterEach(async () => {
    for (const d of dirs.splice(0)) await d.remove();
  });

  it('every blueprint is instantiated by the tests', async () => {
    expect(Object.keys(await hearthBlueprints()).sort()).toEqual(Object.keys(AUTOMATION_IDS).sort());
  });

  it('all blueprints, instantiated, and the package pass with no warning or error', async () => {
    const dir = await configDir({ packages: await hearthPackage(), automations: blueprintAutomations(wake) });
    const result = await checkConfig(dir, version);
    expect(result.problems).toEqual([]);
    expect(result.output).toContain('Testing configuration at');
  });

  it('fails on a missing blueprint input, on an input that makes an invalid automation, and on a package error', async () => {
    const [wakeAuto, , , nightAuto] = blueprintAutomations(wake) as Array<{ use_blueprint: { input: Record<string, unknown> } }>;
    delete wakeAuto!.use_blueprint.input.mac;
    nightAuto!.use_blueprint.input.night_start = 'half past nine';
    const dir = await configDir({
      automations: [wakeAuto, nightAuto],
      packages: { broken: 'input_number:\n  hearth_broken:\n    name: no min or max\n' },
    });
    const { problems, ok } = await checkConfig(dir, version);
    expect(ok).toBe(false);
    const text = problems.join('\n');
    expect(text).toMatch(/Failed to generate automation from blueprint: Missing input mac/);
    expect(text).toMatch(/Blueprint 'Hearth - kiosk night mode' generated invalid automation/);
    expect(text).toMatch(/input_number/);
  });
});
