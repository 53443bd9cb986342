/**
 * A custom integration for the wall display's real-HA tests, on 2024.3 and 2026 alike: fixed
 * calendars and a camera showing a file, set up from YAML. Everything the appliance talks to is
 * Home Assistant's own calendar and camera components (`calendar.get_events`, `camera_proxy`,
 * `camera_proxy_stream`); only the devices behind them are stand-ins. HA 2026 offers no offline
 * calendar or file camera from YAML (local_file and local_calendar are UI-only there, and the
 * latter needs the `ical` package the test root leaves out).
 *
 * YAML: `calendar: [{platform: hearth_test, name, events: [{summary, day, at?, minutes?}]}]` where
 * `day` counts from HA's today (0 = today) and an event without `at` is all-day;
 * `camera: [{platform: hearth_test, name, file}]` with `file` relative to the config dir (the
 * same path inside HA 2026's root).
 */
export const hearthTestIntegration: Record<string, string> = {
  'custom_components/hearth_test/manifest.json': JSON.stringify({
    domain: 'hearth_test',
    name: 'Hearth test devices',
    version: '1.0.0',
    codeowners: [],
    documentation: 'https://example.invalid/hearth_test',
    iot_class: 'local_polling',
  }),
  'custom_components/hearth_test/__init__.py': '"""Stand-in calendars and camera for Hearth\'s wall display tests."""\n',
  'custom_components/hearth_test/calendar.py': `"""Calendars whose events are fixed relative to today."""
from datetime import timedelta

from homeassistant.components.calendar import CalendarEntity, CalendarEvent
from homeassistant.util import dt as dt_util


async def async_setup_platform(hass, config, async_add_entities, discovery_info=None):
    async_add_entities([FixedCalendar(config["name"], config.get("events", []))])


def _event(today, spec):
    day = today + timedelta(days=spec["day"])
    if "at" not in spec:
        return CalendarEvent(start=day.date(), end=day.date() + timedelta(days=1), summary=spec["summary"])
    hour, minute = (int(x) for x in spec["at"].split(":"))
    start = day.replace(hour=hour, minute=minute)
    return CalendarEvent(start=start, end=start + timedelta(minutes=spec.get("minutes", 60)), summary=spec["summary"])


class FixedCalendar(CalendarEntity):
    _attr_should_poll = False

    def __init__(self, name, specs):
        self._attr_name = name
        today = dt_util.start_of_local_day()
        self._events = [_event(today, s) for s in specs]

    @property
    def event(self):
        now = dt_util.now()
        upcoming = [e for e in self._events if e.end_datetime_local > now]
        return min(upcoming, key=lambda e: e.start_datetime_local, default=None)

    async def async_get_events(self, hass, start_date, end_date):
        return [e for e in self._events if e.start_datetime_local < end_date and e.end_datetime_local > start_date]
`,
  'custom_components/hearth_test/camera.py': `"""A camera whose picture is a file (HA's camera component serves it as snapshots and MJPEG)."""
from homeassistant.components.camera import Camera


async def async_setup_platform(hass, config, async_add_entities, discovery_info=None):
    async_add_entities([FileCamera(config["name"], hass.config.path(config["file"]))])


class FileCamera(Camera):
    def __init__(self, name, path):
        super().__init__()
        self._attr_name = name
        self._path = path

    def _read(self):
        with open(self._path, "rb") as f:
            return f.read()

    async def async_camera_image(self, width=None, height=None):
        return await self.hass.async_add_executor_job(self._read)
`,
};
