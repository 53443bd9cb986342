"""Prints, one per line, the pip requirements of the integrations the Hearth tests make Home
Assistant set up, read from their manifest.json, and those of `hass --script check_config`. Run it with the Python of a venv that has
homeassistant installed (ha2026-root.sh --lock does).

The integrations: those HA always sets up (CORE_INTEGRATIONS and DEFAULT_INTEGRATIONS of
homeassistant.bootstrap, and those of recovery mode, so a broken config still starts and says so),
those the harness's configuration.yaml and the tests' YAML name, MQTT's entity platforms (MQTT
discovery may set any of them up), and, recursively, their dependencies and after_dependencies —
the set HA itself installs requirements for, since set-up integrations import modules of their
after_dependencies (mqtt and analytics import hassio's client library).
"""

import json
import pathlib
import sys

import homeassistant.bootstrap as bootstrap
import homeassistant.components as components
from homeassistant.scripts import check_config

# Named by ha-integration/src/harness/config-dir.ts, the package, the sample house and the tests.
CONFIGURED = {
    "homeassistant", "http", "api", "websocket_api", "config", "automation", "script", "template",
    "input_boolean", "input_number", "input_select", "input_datetime", "input_button", "input_text",
    "wake_on_lan", "sun", "logger", "mqtt", "lovelace", "notify", "persistent_notification",
    "light", "lock", "switch", "sensor", "binary_sensor", "button", "select", "event", "number",
    "recorder", "onboarding", "device_automation", "tag", "timer", "counter", "zone", "group",
    # Loaded first when present, so aiohttp compresses with it instead of warning about zlib.
    "isal",
}

root = pathlib.Path(components.__file__).parent


def manifest(domain: str) -> dict:
    path = root / domain / "manifest.json"
    return json.loads(path.read_text()) if path.exists() else {}


wanted = CONFIGURED | bootstrap.CORE_INTEGRATIONS | bootstrap.DEFAULT_INTEGRATIONS | bootstrap.DEFAULT_INTEGRATIONS_RECOVERY_MODE

mqtt_platforms = [p.stem for p in (root / "mqtt").glob("*.py")]
wanted |= {p for p in mqtt_platforms if (root / p / "manifest.json").exists()}

seen: set[str] = set()
todo = sorted(wanted)
while todo:
    domain = todo.pop()
    if domain in seen:
        continue
    seen.add(domain)
    m = manifest(domain)
    todo.extend(m.get("dependencies", []) + m.get("after_dependencies", []))

# `hass --script check_config` pins its own requirements (and would pip-install them otherwise).
requirements = sorted({r for d in seen for r in manifest(d).get("requirements", [])} | set(check_config.REQUIREMENTS))
print(f"{len(seen)} integrations: {' '.join(sorted(seen))}", file=sys.stderr)
print("\n".join(requirements))
