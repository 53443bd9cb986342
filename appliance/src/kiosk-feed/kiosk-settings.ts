import { DEFAULT_KIOSK_LAYOUT, type KioskControl, type KioskLayout } from '@hearth/protocol';
import type { KioskSettings, Settings } from '../settings/schema.js';

export const DEFAULT_KIOSK_CONTROL: KioskControl = { nightMode: false, page: 'home' };

type Readable = { get(): Readonly<Settings> };

export const readKioskSettings = (settings: Readable): KioskSettings => settings.get().kiosk ?? {};
export const currentLayout = (settings: Readable): KioskLayout => readKioskSettings(settings).layout ?? DEFAULT_KIOSK_LAYOUT;
