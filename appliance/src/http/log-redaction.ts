/** pino paths whose values never reach a log line: cookies, tokens, passwords. */
export const LOG_REDACT = {
  paths: [
    'req.headers.cookie',
    'req.headers.authorization',
    'req.headers["x-csrf-token"]',
    'res.headers["set-cookie"]',
    'headers.cookie',
    'headers.authorization',
    '*.password',
    '*.newPassword',
    '*.currentPassword',
    '*.token',
    '*.accessToken',
  ],
  censor: '[redacted]',
};
