import { hash, verify } from '@node-rs/argon2';

/**
 * argon2id through @node-rs/argon2 (prebuilt binaries as optional npm deps, nothing compiled or
 * downloaded at install). Parameters are the library's defaults (OWASP's m=19 MiB, t=2, p=1).
 * `Algorithm` is a const enum, not importable under isolatedModules; 2 is Argon2id.
 */
const ARGON2ID = 2;

export const hashPassword = (pw: string) => hash(pw, { algorithm: ARGON2ID });

/** A hash of a random password, verified when the email is unknown so timing does not reveal which emails exist. */
let decoy: Promise<string> | undefined;

export async function checkPassword(pw: string, stored: string | undefined): Promise<boolean> {
  if (stored === undefined) {
    decoy ??= hashPassword('decoy-password-never-matches');
    await verify(await decoy, pw);
    return false;
  }
  return verify(stored, pw);
}
