import { render } from 'preact';
import { App } from './app.js';
import { readTuning } from './tuning.js';
import './styles.css';

render(<App tuning={readTuning(location.search)} />, document.getElementById('kiosk')!);
