import { Component, type ComponentChildren } from 'preact';
import { useT } from './i18n/i18n.js';

const DAY_MS = 86_400_000;

/** "9:05" for earlier today, "24 Nov, 9:05" before that: since when the wall has heard nothing. */
export function sinceText(at: number, now: number, locale: string): string {
  const sameDay = new Date(at).toDateString() === new Date(now).toDateString() && now - at < DAY_MS;
  return new Intl.DateTimeFormat(
    locale,
    sameDay ? { hour: 'numeric', minute: '2-digit' } : { day: 'numeric', month: 'short', hour: 'numeric', minute: '2-digit' },
  ).format(at);
}

function Broken() {
  return <div class="tile-empty tile-broken">{useT()('tile.broken')}</div>;
}

/**
 * One tile that throws (odd data from HA, a bug) shows a quiet grey box and the rest of the wall
 * keeps working: the display never shows an error page.
 */
export class TileGuard extends Component<{ children: ComponentChildren }, { failed: boolean }> {
  override state = { failed: false };
  override componentDidCatch(): void {
    this.setState({ failed: true });
  }
  render() {
    return this.state.failed ? <Broken /> : this.props.children;
  }
}
