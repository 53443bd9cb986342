/** argon2id with OWASP's minimum memory setting; ~50 ms on a Raspberry Pi 5. */
const OPTIONS = { algorithm: 2 /* Algorithm.Argon2id (a const enum) */, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

// The native module is loaded by the first password someone types, not at start: an idle Pi keeps the memory.
let argon2: Promise<typeof import('@node-rs/argon2')> | undefined;
const loadArgon2 = () => (argon2 ??= import('@node-rs/argon2'));

export const hashPassword = async (password: string) => (await loadArgon2()).hash(password, OPTIONS);

export async function verifyPassword(hashed: string, password: string): Promise<boolean> {
  try {
    return await (await loadArgon2()).verify(hashed, password);
  } catch {
    return false;
  }
}

/** Verified against when the user does not exist, so both failures take the same time. */
let dummy: Promise<string> | undefined;
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword('not a real password, only for timing');
  return dummy;
}
