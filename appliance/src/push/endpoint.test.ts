import { describe, expect, it } from 'vitest';
import { HttpError } from '../http/errors.js';
import { checkEndpoint } from './endpoint.js';

const refusal = (raw: string, allowPrivate = false) => {
  try {
    checkEndpoint(raw, allowPrivate);
    return null;
  } catch (err) {
    expect(err).toBeInstanceOf(HttpError);
    return (err as HttpError).fieldError;
  }
};

describe('push endpoints', () => {
  it('takes the push services browsers use', () => {
    for (const ok of [
      'https://fcm.googleapis.com/fcm/send/abc:def',
      'https://updates.push.services.mozilla.com/wpush/v2/gAAA',
      'https://web.push.apple.com/QG9x',
      'https://db5p.notify.windows.com/w/?token=x',
    ]) {
      expect(refusal(ok)).toBeNull();
    }
  });

  it('refuses plain http, credentials and addresses on this network', () => {
    expect(refusal('http://fcm.googleapis.com/x')).toMatchObject({ field: 'endpoint', code: 'pattern' });
    expect(refusal('https://u:p@fcm.googleapis.com/x')).toMatchObject({ field: 'endpoint' });
    expect(refusal('not a url')).toMatchObject({ field: 'endpoint', code: 'format' });
    for (const local of [
      'https://127.0.0.1/x',
      'https://10.1.2.3/x',
      'https://192.168.1.20:8443/x',
      'https://172.20.0.1/x',
      'https://169.254.169.254/latest',
      'https://100.64.0.1/x',
      'https://[::1]/x',
      'https://[fd00::1]/x',
      'https://[fe80::1]/x',
      'https://[::ffff:192.168.0.1]/x',
      'https://localhost/x',
      'https://hearth.local/x',
      'https://router/x',
    ]) {
      expect(refusal(local), local).toMatchObject({ field: 'endpoint', code: 'invalid' });
    }
  });

  it('lets a test push service on this machine in only when asked to', () => {
    expect(refusal('https://127.0.0.1:4443/push/a', true)).toBeNull();
    expect(refusal('http://127.0.0.1:4443/push/a', true)).toMatchObject({ code: 'pattern' });
  });
});
