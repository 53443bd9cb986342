import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** A self-signed P-256 certificate named `name` made by openssl in `dir`; returns the PEM file's path. */
export async function selfSignedCert(dir: string, name: string, extra: string[] = []): Promise<string> {
  const crt = join(dir, `${name}.crt`);
  await exec('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    join(dir, `${name}.key`),
    '-out',
    crt,
    '-days',
    '30',
    '-subj',
    `/CN=${name}`,
    ...extra,
  ]);
  return crt;
}
